"""The safeguarding flag in the GUI: ticked in the Clip panel with the warning's own words,
shown in the clip list, undoable; the warning card of a presentation and of a reel says the
clip's own note (the general warning when there is none)."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import reads
from app.clips import clips
from app.reels import reels
from app.reviews import reviews
from app.reels.reel_plan import DEFAULT_WARNING

NOTE = "The next clip shows a person in crisis."


def flagged(lib, clip_id):
    rec = reads.clip(lib, clip_id)
    return rec.safeguarding, rec.safeguarding_note


def test_tick_the_flag_write_the_warning_and_undo_from_the_clip_panel(qtbot, film_window):
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Crisis call")
    w.timeline.select_clip(clip_id)
    box = w.clip_details.safeguarding
    model = w.clip_list.model
    row = model.index(model.row_of(clip_id), 0)
    assert not box.flag.isChecked() and not box.note.isEnabled()
    assert model.data(row, Qt.ItemDataRole.DecorationRole) is None

    QTest.mouseClick(box.flag, Qt.MouseButton.LeftButton)  # as a facilitator ticks it
    assert flagged(w.lib, clip_id) == (True, "")
    assert box.note.isEnabled()
    assert "Content warning on “Crisis call”" in w.feedback.last_text and w.feedback.button("Undo")
    assert model.data(row, Qt.ItemDataRole.DecorationRole) is not None  # the list marks it
    assert DEFAULT_WARNING in model.data(row, Qt.ItemDataRole.ToolTipRole)

    QTest.keyClicks(box.note, NOTE)  # typed, then Enter
    QTest.keyClick(box.note, Qt.Key.Key_Return)
    assert flagged(w.lib, clip_id) == (True, NOTE)
    assert NOTE in w.feedback.last_text
    assert NOTE in model.data(row, Qt.ItemDataRole.ToolTipRole)
    assert w.undo_actions.undo.text().endswith("Edit content warning")

    w.undo_actions.undo.trigger()  # the note goes, the flag stays
    assert flagged(w.lib, clip_id) == (True, "") and box.flag.isChecked() and box.note.text() == ""
    w.undo_actions.undo.trigger()  # the flag goes
    assert flagged(w.lib, clip_id) == (False, "") and not box.flag.isChecked()
    assert model.data(row, Qt.ItemDataRole.DecorationRole) is None
    w.undo_actions.redo.trigger()
    assert flagged(w.lib, clip_id) == (True, "") and box.flag.isChecked()

    QTest.mouseClick(box.flag, Qt.MouseButton.LeftButton)  # untick
    assert flagged(w.lib, clip_id) == (False, "")
    assert "taken off" in w.feedback.last_text


def test_no_clip_selected_nothing_to_flag(qtbot, film_window):
    box = film_window.clip_details.safeguarding
    film_window.clip_details.show_clip(None)
    assert not box.flag.isEnabled() and not box.note.isEnabled()


def test_the_presentation_warning_card_says_the_clip_s_own_note(qtbot, lib, counting_film):
    from app.films import importing
    from app.clips import safeguarding
    from ui.present.session import Presentation

    film = importing.import_file(lib, counting_film).film_id
    crisis = clips.add(lib, film, 0, 1_000_000, title="Crisis call")
    plain = clips.add(lib, film, 1_000_000, 2_000_000, title="Waiting")
    safeguarding.flag(lib, [crisis], note=NOTE)
    safeguarding.flag(lib, [plain])  # flagged, no note of its own
    pres = Presentation(lib, reviews.start(lib, clip_ids=[crisis, plain], audience="team")).start()
    try:
        warnings = [n for n, s in enumerate(pres.slides) if s.kind == "warning"]
        assert len(warnings) == 2
        pres.go(warnings[0])
        assert pres.audience.warning == NOTE
        image = pres.audience.grab().toImage()
        assert not image.isNull()
        pres.go(warnings[1])
        assert pres.audience.warning == DEFAULT_WARNING
    finally:
        pres.leave()


def test_a_reel_s_warning_card_says_the_clip_s_own_note(lib, counting_film, tmp_path):
    from app.films import importing
    from app.clips import safeguarding
    from media.export.stills import stills_needed

    film = importing.import_file(lib, counting_film).film_id
    crisis = clips.add(lib, film, 0, 1_000_000, title="Crisis call")
    plain = clips.add(lib, film, 1_000_000, 2_000_000, title="Waiting")
    safeguarding.flag(lib, [crisis], note=NOTE)
    safeguarding.flag(lib, [plain])
    reel = reels.create(lib, "Crisis", [crisis, plain])
    cards = [(title, text) for kind, _p, title, text in stills_needed(reads.reel_plan(lib, reel), tmp_path)
             if kind == "card" and title == "Content warning"]
    assert cards == [("Content warning", NOTE), ("Content warning", DEFAULT_WARNING)]
