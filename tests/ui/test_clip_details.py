"""Clip details: typing tags with completion, notes saved on leaving the field, quotes,
prototype links, people - each a core op, undoable."""

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFocusEvent

from app import queries
from app.clips import clips
from app.people import people
from app.prototypes import prototypes
from tests.ui.driving import button, click


def record(lib, clip_id):
    with lib.read() as s:
        (rec,) = queries.clip_records(s, [clip_id])
    return rec


def test_edit_a_clip_through_its_details(qtbot, film_window):
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="First")
    prototypes.add(w.lib, "Welcome desk")
    people.add(w.lib, "Sam", "lived_experience", "team")
    people.appears(w.lib, "Sam", [w.film_id])
    w.timeline.select_clip(clip_id)
    d = w.clip_details
    assert d.title.text() == "First" and "Sam (lived experience, consent: team)" in d.people.text()
    d.tag_entry.setText("Peer support")
    d.tag_entry.returnPressed.emit()
    d.tag_entry.setText("challenge:Lonely evenings")  # new tag, made and attached in one step
    d.tag_entry.returnPressed.emit()
    assert [t["name"] for t in record(w.lib, clip_id).tags] == ["Lonely evenings", "Peer support"]
    w.undo_actions.undo.trigger()
    assert [t["name"] for t in record(w.lib, clip_id).tags] == ["Peer support"]
    d.note.setPlainText("She waits 40 minutes")
    d.note.focusOutEvent(QFocusEvent(QEvent.Type.FocusOut))  # leaving the field saves
    d.quote.setText("Someone will call you")
    d.quote.editingFinished.emit()
    rec = record(w.lib, clip_id)
    assert (rec.note, rec.quote) == ("She waits 40 minutes", "Someone will call you")
    w.show_dock("clip")
    click(button(d, "Link"))
    assert record(w.lib, clip_id).prototypes == ["Welcome desk"]
    d.protos.setCurrentRow(0)
    click(button(d, "Unlink"))
    assert record(w.lib, clip_id).prototypes == []
    d.tags.setCurrentRow(0)
    click(button(d, "Remove tag"))
    assert record(w.lib, clip_id).tags == []
