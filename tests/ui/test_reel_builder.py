"""The reel builder driven through its widgets: create, reorder by drop, edit, undo,
preview back to back and export on a worker."""

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt

from app.models import Reel
from app.clips import clips
from ui.reels.reel_builder import ITEM_MIME
from tests.ui.driving import button, click


def make_clips(window):
    ids = [clips.add(window.lib, window.film_id, a, b, title=t, tags=tags) for a, b, t, tags in (
        (0, 400_000, "Alpha", ["challenge:Waiting and delay"]),
        (1_000_000, 1_400_000, "Bravo", []),
        (2_000_000, 2_400_000, "Charlie", ["opportunity:Peer support"]),
    )]
    return ids


def select_rows(window, rows):
    view = window.clip_list.view
    view.clearSelection()
    for row in rows:
        view.selectionModel().select(window.clip_list.model.index(row, 0),
                                     QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def order(builder):
    return [i.clip_title for i in builder.items_model.items]


def test_create_reorder_edit_and_undo(qtbot, film_window):
    w = film_window
    make_clips(w)
    builder = w.reel_builder
    select_rows(w, [0, 1, 2])
    from PySide6.QtWidgets import QPushButton

    builder.findChild(QPushButton, "newReel").click()
    assert order(builder) == ["Alpha", "Bravo", "Charlie"]
    model = builder.items_model
    mime = model.mimeData([model.index(0)])
    assert mime.hasFormat(ITEM_MIME)
    model.dropMimeData(mime, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert order(builder) == ["Bravo", "Charlie", "Alpha"]
    builder.items.setCurrentIndex(model.index(1))
    builder.card.setText("What good looks like")
    builder.card.editingFinished.emit()
    assert builder.items_model.items[1].card_text == "What good looks like"
    builder.audience.setCurrentIndex(2)
    builder.audience.activated.emit(2)
    with w.lib.read() as s:
        assert s.get(Reel, builder.reel_id).audience == "public"
    w.undo_actions.undo.trigger()
    w.undo_actions.undo.trigger()
    assert builder.items_model.items[1].card_text == ""
    w.undo_actions.undo.trigger()
    assert order(builder) == ["Alpha", "Bravo", "Charlie"]


def test_drop_clips_from_the_list_onto_the_reel(qtbot, film_window):
    w = film_window
    make_clips(w)
    select_rows(w, [0])
    from PySide6.QtWidgets import QPushButton

    w.reel_builder.findChild(QPushButton, "newReel").click()
    mime = w.clip_list.model.mimeData([w.clip_list.model.index(2, 0), w.clip_list.model.index(1, 0)])
    w.reel_builder.items_model.dropMimeData(mime, Qt.DropAction.CopyAction, 0, 0, QModelIndex())
    assert order(w.reel_builder) == ["Charlie", "Bravo", "Alpha"]


def test_preview_plays_the_clips_back_to_back(qtbot, film_window):
    w = film_window
    make_clips(w)
    select_rows(w, [0, 2])
    from PySide6.QtWidgets import QPushButton

    w.reel_builder.findChild(QPushButton, "newReel").click()
    started = []
    w.reel_preview.item_started.connect(started.append)
    with qtbot.waitSignal(w.reel_preview.finished, timeout=20_000):
        w.reel_builder.findChild(QPushButton, "previewReel").click()
    assert started == [0, 1]
    assert w.player.position_us >= 2_400_000 - 80_000


def test_export_runs_on_a_worker_and_writes_the_file(qtbot, film_window, tmp_path):
    w = film_window
    make_clips(w)
    select_rows(w, [0, 1])
    from PySide6.QtWidgets import QPushButton

    w.reel_builder.findChild(QPushButton, "newReel").click()
    out = tmp_path / "board.mp4"
    job = w.reel_builder.export_to(out)
    with qtbot.waitSignal(job.done, timeout=120_000):
        pass
    assert out.exists() and out.stat().st_size > 10_000
    assert (tmp_path / "board.manifest.json").exists()


def test_preview_crosses_from_one_film_to_the_next(qtbot, film_window, tmp_path):
    from tests.conftest import sample
    from app.films import importing
    from app.reels import reels

    w = film_window
    other = importing.import_file(w.lib, sample("people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg")).film_id
    a = clips.add(w.lib, w.film_id, 0, 400_000, title="In the first film")
    b = clips.add(w.lib, other, 1_000_000, 1_400_000, title="In the second film")
    reel_id = reels.create(w.lib, "Two films", [a, b])
    w.reel_builder.fill_reels(select=reel_id)
    started = []
    w.reel_preview.item_started.connect(started.append)
    with qtbot.waitSignal(w.reel_preview.finished, timeout=30_000):
        w.show_dock("reel")
        click(button(w.reel_builder, "Preview"))
    assert started == [0, 1]
    assert w.player.film.id == other and w.player.position_us >= 1_300_000


def test_frame_rate_control_overrides_the_rule_and_back(qtbot, film_window):
    from fractions import Fraction

    from PySide6.QtWidgets import QPushButton

    from app.reels import reel_plan

    w = film_window
    make_clips(w)
    builder = w.reel_builder
    select_rows(w, [0, 1])
    builder.findChild(QPushButton, "newReel").click()
    box = builder.rate_box
    assert box.currentIndex() == 0 and box.itemText(0).startswith("Automatic (")

    def plan_rate():
        with w.lib.read() as s:
            return reel_plan.build(w.lib, s, builder.reel_id).settings.fps

    automatic = plan_rate()
    index = box.findData("30000/1001")
    box.setCurrentIndex(index)
    box.activated.emit(index)
    assert plan_rate() == Fraction(30000, 1001)
    box.setCurrentIndex(0)
    box.activated.emit(0)
    assert plan_rate() == automatic
    w.undo_actions.undo.trigger()
    assert plan_rate() == Fraction(30000, 1001) and builder.rate_box.currentData() == "30000/1001"


def test_a_question_per_item_is_saved_at_once_undoable_and_asked_when_the_reel_is_presented(qtbot, film_window):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QPushButton

    from app import reads

    w = film_window
    make_clips(w)
    builder = w.reel_builder
    select_rows(w, [0, 1, 2])
    builder.findChild(QPushButton, "newReel").click()
    builder.items.setCurrentIndex(builder.items_model.index(1))  # Bravo
    question = "What would have helped here?"
    builder.discuss.setFocus()
    QTest.keyClicks(builder.discuss, question)
    QTest.keyClick(builder.discuss, Qt.Key.Key_Return)
    item_ids = reads.reel_item_ids(w.lib, builder.reel_id)
    assert reads.reel_item_questions(w.lib, builder.reel_id)[item_ids[1]] == question  # saved at once
    assert f"asks “{question}”" in builder.items_model.data(builder.items_model.index(1))
    assert "Bravo" in w.feedback.last_text and w.feedback.button("Undo")
    w.undo_actions.undo.trigger()
    assert reads.reel_item_questions(w.lib, builder.reel_id)[item_ids[1]] == ""
    assert builder.discuss.text() == ""
    w.undo_actions.redo.trigger()
    assert builder.discuss.text() == question

    # Present the reel (F5): Bravo's discuss card asks its own question; the others ask none.
    QTest.keyClick(w, Qt.Key.Key_F5)
    dialog = w.presenting.dialog
    assert dialog.choices["reel"][0].isChecked()
    dialog.audience.setCurrentIndex(dialog.audience.findData("team"))
    click(button(dialog, "Present"))
    pres = w.presenting.presentation
    try:
        # As the reel's MP4: its opening card, then each item's own card (none set here) and clip.
        assert [(s.kind, s.item) for s in pres.slides] == [
            ("opening", -1), ("clip", 0), ("clip", 1), ("discuss", 1), ("clip", 2), ("end", 3)]
        pres.go(3)
        assert pres.audience.slide.kind == "discuss" and pres.audience.item.discuss == question
        assert pres.presenter.discuss.text() == question
    finally:
        pres.leave()


def test_a_reel_presented_from_the_builder_shows_its_opening_card_and_its_own_cards_as_its_mp4(qtbot, film_window):
    """Issue 25 item 5, as a facilitator does it: a subtitle, a card and credits typed in the
    builder, F5, the Present button; the room sees the reel's opening card, then each item's own
    card (none where the reel has none) before its clip, and its closing card: the same order as
    the MP4's segments."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

    from app.reels import reel_plan
    from app.reviews import present_sequence as seq
    from tests.ui.helpers import pump, wait_until

    w = film_window
    make_clips(w)
    builder = w.reel_builder
    select_rows(w, [0, 1, 2])
    builder.findChild(QPushButton, "newReel").click()
    builder.subtitle.setFocus()
    QTest.keyClicks(builder.subtitle, "Lambeth, 3 December")
    QTest.keyClick(builder.subtitle, Qt.Key.Key_Return)
    QTest.mouseClick(builder.items.viewport(), Qt.MouseButton.LeftButton,
                     pos=builder.items.visualRect(builder.items_model.index(1)).center())  # Bravo
    builder.card.setFocus()
    QTest.keyClicks(builder.card, "At the front desk, ten minutes later")
    QTest.keyClick(builder.card, Qt.Key.Key_Return)
    assert builder.items_model.items[1].card_text == "At the front desk, ten minutes later"
    builder.credits.setFocus()
    QTest.keyClicks(builder.credits, "The actors of the Thursday workshop")
    QTest.keyClick(builder.credits, Qt.Key.Key_Return)
    with w.lib.read() as s:
        plan = reel_plan.build(w.lib, s, builder.reel_id)
    after = len(plan.items)  # the closing card's place: after the last item
    mp4 = [(kind, item.position if item else -1 if kind == "opening" else after) for kind, item, _d in plan.segments()]
    assert mp4 == [("opening", -1), ("clip", 0), ("card", 1), ("clip", 1), ("clip", 2), ("closing", 3)]

    QTest.keyClick(w, Qt.Key.Key_F5)
    dialog = w.presenting.dialog
    assert dialog.choices["reel"][0].isChecked()
    dialog.audience.setCurrentIndex(dialog.audience.findData("team"))
    present = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    QTest.mouseClick(present, Qt.MouseButton.LeftButton)
    pres = w.presenting.presentation
    wait_until(lambda: pres is not None and pres.active, 5000)
    try:
        shown = [(s.kind, s.item) for s in pres.slides if s.kind != seq.END]
        assert shown == mp4  # the room sees what the MP4 shows, in its order
        room = pres.audience
        assert room.slide.kind == seq.OPENING and room.opening == (builder.title.text(), "Lambeth, 3 December")
        for expected in shown[1:3]:
            wait_until(lambda: QApplication.activeWindow() is room or room.activateWindow(), 3000)
            QTest.keyClick(room, Qt.Key.Key_Space)
            pump(20)
            assert (room.slide.kind, room.slide.item) == expected
        assert room.item.card == "At the front desk, ten minutes later"  # the reel's card, not the clip card
        assert "title card" in pres.presenter.now.text()
        pres.go(len(pres.slides) - 2)
        assert room.slide.kind == seq.CLOSING and room.closing == "The actors of the Thursday workshop"
        assert "closing card" in pres.presenter.now.text()
    finally:
        pres.leave()


def test_an_interlaced_films_export_says_how_it_was_deinterlaced(qtbot, window, tmp_path):
    """The library's tooltip says the film is interlaced; the export's status message says it
    was deinterlaced a picture per frame, and why (issue 24, 2)."""
    from app.films import importing
    from app.reels import reels
    from tests.conformance_films import make_interlaced

    w = window
    path = make_interlaced(tmp_path, "camcorder", "tff", ".ts", seconds=2)
    film_id = importing.import_file(w.lib, path, link=True).film_id
    w.library_panel.select_film(film_id)
    view = w.library_panel.view
    qtbot.waitUntil(lambda: view.model().data(view.currentIndex(), Qt.ItemDataRole.UserRole) == film_id)
    tip = view.model().data(view.currentIndex(), Qt.ItemDataRole.ToolTipRole)
    assert "25 fps, interlaced (top field first)" in tip, tip
    clip = clips.add(w.lib, film_id, 400_000, 1_200_000, title="Moving")
    reel_id = reels.create(w.lib, "Camcorder", [clip])
    reels.update(w.lib, reel_id, fps="25", cards=False, captions=False)
    w.reel_builder.fill_reels(select=reel_id)
    job = w.reel_builder.export_to(tmp_path / "camcorder-reel.mp4")
    with qtbot.waitSignal(job.done, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: w.feedback.button("Show in folder") is not None)
    said = w.feedback.last_text
    assert "Reel exported: camcorder-reel.mp4" in said, said
    assert ("Film 'camcorder' is interlaced (top field first): deinterlaced to a picture per frame, 25 a second, "
            "because the reel's 25 fps shows no more pictures a second") in said, said


def test_new_reel_from_selected_clips_plays_them_in_the_list_order(qtbot, film_window):
    """Clicked Charlie, then Ctrl-clicked Alpha and Bravo: the reel plays them as the list shows
    them, top to bottom (it followed the clicks: the clip clicked last first), and says so."""
    from PySide6.QtCore import Qt as _Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QPushButton

    w = film_window
    make_clips(w)
    model, view = w.clip_list.model, w.clip_list.view
    titles = {clip_id: model.record(row).title for row, clip_id in enumerate(model.ids)}
    shown = [titles[i] for i in model.ids]
    assert sorted(shown) == ["Alpha", "Bravo", "Charlie"]
    for title, modifier in (("Charlie", _Qt.KeyboardModifier.NoModifier), ("Alpha", _Qt.KeyboardModifier.ControlModifier),
                            ("Bravo", _Qt.KeyboardModifier.ControlModifier)):
        where = view.visualRect(model.index(shown.index(title), 1)).center()
        QTest.mouseClick(view.viewport(), _Qt.MouseButton.LeftButton, modifier, where)
    assert sorted(titles[i] for i in w.selection.ids) == ["Alpha", "Bravo", "Charlie"]
    builder = w.reel_builder
    assert "in the order the list shows them" in builder.findChild(QPushButton, "newReel").toolTip()
    w.docks["reel"].raise_()
    click(builder.findChild(QPushButton, "newReel"))
    assert order(builder) == shown
    assert "in the clip list's order" in w.feedback.last_text
