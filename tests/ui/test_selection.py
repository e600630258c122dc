"""One selection: the clip list, the timeline and the Clip panel agree after every action."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app import reads
from app.clips import clips
from app.codebook import codebook


def key(qtbot, w, k, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(w, k, modifier)
    qtbot.wait(1)


def list_ids(w):
    return sorted(w.clip_list.model.ids[i.row()] for i in w.clip_list.view.selectionModel().selectedRows())


def assert_agree(w, expected):
    """The shared selection, the list's highlighted rows, the timeline and the panel all show ``expected``."""
    assert list(w.selection.ids) == expected
    assert list_ids(w) == sorted(expected)
    assert w.timeline.selected_clip == (expected[0] if expected else None)
    assert w.clip_details.clip_id == (expected[0] if expected else None)


def click_list_row(w, row, modifier=Qt.KeyboardModifier.NoModifier):
    view = w.clip_list.view
    where = view.visualRect(w.clip_list.model.index(row, 1)).center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, where)


def test_list_timeline_and_panel_agree_after_every_action(qtbot, film_window):
    w = film_window
    a = clips.add(w.lib, w.film_id, 0, 1_000_000, title="A")
    b = clips.add(w.lib, w.film_id, 2_000_000, 3_000_000, title="B")
    assert_agree(w, [])
    click_list_row(w, w.clip_list.model.row_of(b))  # in the list
    assert_agree(w, [b])
    t = w.timeline
    rect = t._clip_rect(next(c for c in t.clips if c.id == a))
    QTest.mouseClick(t, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center().toPoint())
    assert_agree(w, [a])  # on the timeline
    click_list_row(w, w.clip_list.model.row_of(b), Qt.KeyboardModifier.ControlModifier)
    assert sorted(w.selection.ids) == sorted([a, b]) and list_ids(w) == sorted([a, b])
    clips.update(w.lib, a, title="A renamed")  # a change elsewhere keeps the selection
    assert sorted(w.selection.ids) == sorted([a, b]) and list_ids(w) == sorted([a, b])
    key(qtbot, w, Qt.Key.Key_Escape)
    assert_agree(w, [])
    # A tag key with nothing selected makes a new clip (it is not selected: the next key makes another).
    tag_id = codebook.shortcut_tag(w.lib, "1")
    assert tag_id is not None
    w.player.seek_us(2_500_000)
    qtbot.waitUntil(lambda: w.player.position_us >= 2_400_000, timeout=5_000)
    key(qtbot, w, Qt.Key.Key_1)
    assert len(reads.film_clips(w.lib, w.film_id)) == 3
    assert_agree(w, [])
    # I, O, Enter: the new clip is the selection everywhere.
    w.player.seek_us(3_000_000)
    qtbot.waitUntil(lambda: w.player.position_us >= 2_960_000, timeout=5_000)
    key(qtbot, w, Qt.Key.Key_I)
    w.player.seek_us(3_600_000)
    qtbot.waitUntil(lambda: w.player.position_us >= 3_560_000, timeout=5_000)
    key(qtbot, w, Qt.Key.Key_O)
    key(qtbot, w, Qt.Key.Key_Return)
    made = max(c.id for c in reads.film_clips(w.lib, w.film_id))
    assert_agree(w, [made])
    # Delete asks nothing, says what it did and offers Undo; the selection empties everywhere.
    key(qtbot, w, Qt.Key.Key_Delete)
    assert made not in [c.id for c in reads.film_clips(w.lib, w.film_id)]
    assert_agree(w, [])
    assert w.feedback.last_text.startswith("Deleted clip")
    undo = w.feedback.button("Undo")
    assert undo is not None
    undo.click()
    assert made in [c.id for c in reads.film_clips(w.lib, w.film_id)]
    # Undo of the add behind it removes a clip that is selected: it leaves the selection.
    w.selection.select(made)
    assert_agree(w, [made])
    w.lib.undo()  # undo the undo of delete = delete again
    assert_agree(w, [])


def test_delete_with_nothing_selected_says_so(qtbot, film_window):
    w = film_window
    clips.add(w.lib, w.film_id, 0, 1_000_000, title="Kept")
    key(qtbot, w, Qt.Key.Key_Delete)
    assert "Nothing to delete" in w.feedback.last_text
    assert len(reads.film_clips(w.lib, w.film_id)) == 1


def test_out_before_in_says_why_nothing_happened(qtbot, film_window):
    w = film_window
    w.player.seek_us(2_000_000)
    qtbot.waitUntil(lambda: w.player.position_us >= 1_900_000, timeout=5_000)
    key(qtbot, w, Qt.Key.Key_I)
    w.player.seek_us(1_000_000)
    qtbot.waitUntil(lambda: w.player.position_us <= 1_100_000, timeout=5_000)
    key(qtbot, w, Qt.Key.Key_O)
    assert w.feedback.last_text.startswith("Out not set: it must come after In")
    assert w.feedback.box.isVisible()
    assert w.timeline.in_us == 2_000_000 and w.timeline.out_us is None
    key(qtbot, w, Qt.Key.Key_Return)  # the frame on screen is before In: no clip, and why
    assert "before In" in w.feedback.last_text
    assert reads.film_clips(w.lib, w.film_id) == []
    key(qtbot, w, Qt.Key.Key_Escape)
    assert w.timeline.in_us is None
    key(qtbot, w, Qt.Key.Key_Return)
    assert "press I" in w.feedback.last_text


def test_a_stale_clip_id_raises_not_found(lib):
    import pytest

    from media.errors import NotFound

    with pytest.raises(NotFound):
        reads.clip(lib, 12345)
