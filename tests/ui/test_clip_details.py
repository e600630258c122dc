"""Clip details: typing tags with completion, notes saved on leaving the field, quotes,
prototype links, people - each a core op, undoable."""

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFocusEvent

from app import queries
from app.clips import clips
from app.people import people
from app.prototypes import prototypes
from tests.ui.driving import button, click, type_into


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
    w.show_dock("clip")
    type_into(d.tag_entry, "Peer support", enter=True)
    type_into(d.tag_entry, "challenge:Lonely evenings", enter=True)  # new tag, made and attached in one step
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


def test_enter_with_the_suggestions_open_takes_the_suggestion(qtbot, film_window, monkeypatch):
    """Typing "Plain" opens the list of tags containing it; Enter takes "Plain language" (it
    showed a modal "no such tag"). A word matching no tag says so in the status bar, no window."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.kit import operations

    shown = []
    monkeypatch.setattr(operations, "show_error", lambda _p, exc, _t="": shown.append(str(exc)))
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="First")
    w.timeline.select_clip(clip_id)
    w.show_dock("clip")
    d = w.clip_details
    d.window().activateWindow()
    d.tag_entry.setFocus()
    QTest.keyClicks(d.tag_entry, "Plain")
    qtbot.waitUntil(lambda: d.completer.popup().isVisible(), timeout=3_000)  # the suggestions, open
    QTest.keyClick(d.tag_entry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [t["name"] for t in record(w.lib, clip_id).tags] == ["Plain language"], timeout=3_000)
    assert shown == [] and d.tag_entry.text() == "" and "Plain language" in w.feedback.last_text
    type_into(d.tag_entry, "Xylophone", enter=True)
    assert shown == [] and "No tag “Xylophone” in the codebook" in w.feedback.last_text
    assert [t["name"] for t in record(w.lib, clip_id).tags] == ["Plain language"]
    # A misspelt tag (no suggestion starts that way) is said with the closest tags the codebook has.
    type_into(d.tag_entry, "Acess", enter=True)
    assert shown == [] and "No tag “Acess” in the codebook (closest: “Access barriers”)" in w.feedback.last_text
    assert [t["name"] for t in record(w.lib, clip_id).tags] == ["Plain language"]


def test_the_reel_caption_shows_its_default_as_a_hint_not_as_text(qtbot, film_window):
    from app.reels import reels

    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="At the desk", tags=["challenge:Waiting and delay"])
    reel = reels.create(w.lib, "Tuesday", [clip_id])
    w.show_dock("reel")
    b = w.reel_builder
    b.fill_reels(select=reel)
    b.items.setCurrentIndex(b.items_model.index(0))
    assert b.caption.text() == ""  # it was pre-filled with the default's text
    assert b.caption.placeholderText().startswith("At the desk")
    type_into(b.caption, "Ten minutes at the desk", enter=True)
    qtbot.waitUntil(lambda: b.items_model.items[0].caption == "Ten minutes at the desk")
    assert b.caption.text() == "Ten minutes at the desk"
    type_into(b.caption, "", enter=True)  # emptied: the default again, shown as the hint
    qtbot.waitUntil(lambda: b.caption.text() == "" and b.items_model.items[0].caption.startswith("At the desk"))
