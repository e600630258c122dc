"""The workspace driven as a facilitator would: keys, mouse, drops, undo."""

from fractions import Fraction

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest

from app import queries
from media import timecode
from app.clips import clips
from app.films import films, importing
from tests.conftest import sample
from tests.ui.helpers import shown_index
from tests.ui.driving import answering, ok

FPS = Fraction(25)


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(window, k, modifier)
    qtbot.wait(1)


def wait_frame(qtbot, window, index):
    qtbot.waitUntil(lambda: shown_index(window) == index, timeout=10_000)
    assert window.player.frame_index == index


def clip_rows(lib):
    with lib.read() as s:
        return queries.clip_records(s, queries.clip_ids(s))


def test_arrow_keys_step_exact_frames_and_i_o_enter_make_a_clip(qtbot, film_window):
    w = film_window
    wait_frame(qtbot, w, 0)
    for _ in range(5):
        key(qtbot, w, Qt.Key.Key_Right)
    wait_frame(qtbot, w, 5)
    key(qtbot, w, Qt.Key.Key_I)
    for _ in range(10):
        key(qtbot, w, Qt.Key.Key_Right)
    wait_frame(qtbot, w, 15)
    key(qtbot, w, Qt.Key.Key_O)
    key(qtbot, w, Qt.Key.Key_Return)
    (clip,) = clip_rows(w.lib)
    assert (clip.start_us, clip.end_us) == (timecode.frame_start_us(5, FPS), timecode.frame_start_us(16, FPS))
    # What you see is what plays: the clip's first and last frames are the marked ones.
    w.player.seek_us(clip.start_us)
    wait_frame(qtbot, w, 5)
    w.player.seek_us(clip.end_us - 1)
    wait_frame(qtbot, w, 15)
    key(qtbot, w, Qt.Key.Key_Left)
    wait_frame(qtbot, w, 14)


def test_shift_arrows_step_a_second_and_typed_timecode_jumps(qtbot, film_window):
    w = film_window
    key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_frame(qtbot, w, 25)
    key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_frame(qtbot, w, 50)
    key(qtbot, w, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    wait_frame(qtbot, w, 25)
    field = w.transport.timecode
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "00:00:02:10")
    QTest.keyClick(field, Qt.Key.Key_Return)
    wait_frame(qtbot, w, 60)
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "nonsense")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert "not a time" in w.transport.message.full
    assert w.player.frame_index == 60


def test_a_mistyped_time_is_said_whole_and_the_field_shows_the_time_again(qtbot, film_window):
    """1:99 and Enter on a 1366x768 laptop: the status bar says the value and the reason in one
    line (as the command line does), the field goes back to the time on screen, nothing moves."""
    w = film_window
    w.resize(1366, 740)
    qtbot.waitUntil(lambda: w.width() == 1366)
    field = w.transport.timecode
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "00:00:01:05")
    QTest.keyClick(field, Qt.Key.Key_Return)
    wait_frame(qtbot, w, 30)
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "1:99")
    QTest.keyClick(field, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert w.feedback.box.isVisible()
    assert w.feedback.label.text() == "timecode '1:99': seconds must be below 60"
    assert field.text() == timecode.format_short(w.player.position_us, 2) == "0:01.20"
    assert w.player.frame_index == 30


def test_a_long_timecode_refusal_never_widens_the_window(qtbot, film_window):
    """A newcomer typed 1:75 on a 1366x768 screen: the message pushed the window to 1513 px,
    squeezed the time field to 3 characters and put the Reviews buttons off screen."""
    w = film_window
    w.resize(1366, 740)
    qtbot.waitUntil(lambda: w.width() == 1366)
    field = w.transport.timecode
    wide = field.width()
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "1:75")
    QTest.keyClick(field, Qt.Key.Key_Return)
    w.transport.message.say(w.transport.message.full + " and a much longer explanation " * 6)
    qtbot.wait(50)
    assert "seconds must be below 60" in w.transport.message.full
    assert w.width() == 1366 and w.transport.width() <= 1366
    assert field.width() >= min(wide, field.minimumWidth())
    assert field.minimumWidth() >= field.fontMetrics().horizontalAdvance("00:00:00.00")
    shown = w.transport.message.text()
    assert shown.endswith("…") and w.transport.message.toolTip() == w.transport.message.full


def test_space_plays_and_pauses_and_jkl_shuttle(qtbot, film_window):
    w = film_window
    key(qtbot, w, Qt.Key.Key_Space)
    qtbot.waitUntil(w.player.is_playing, timeout=5_000)
    qtbot.waitUntil(lambda: w.player.position_us > 200_000, timeout=10_000)
    key(qtbot, w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not w.player.is_playing(), timeout=5_000)
    key(qtbot, w, Qt.Key.Key_L)
    qtbot.waitUntil(w.player.is_playing, timeout=5_000)
    assert w.player.rate == 1.0
    key(qtbot, w, Qt.Key.Key_L)
    assert w.player.rate == 2.0
    key(qtbot, w, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: not w.player.is_playing(), timeout=5_000)
    assert w.player.rate == 1.0
    w.player.seek_frame(75)
    wait_frame(qtbot, w, 75)
    key(qtbot, w, Qt.Key.Key_J)
    wait_frame(qtbot, w, 50)  # back 1 s
    key(qtbot, w, Qt.Key.Key_J)
    wait_frame(qtbot, w, 0)  # back 2 s more, clamped at the start


def test_speed_and_mute(qtbot, film_window):
    w = film_window
    w.transport.speed.setCurrentIndex(0)
    assert w.player.rate == 0.25
    w.transport.speed.setCurrentIndex(w.transport.speed.count() - 1)
    assert w.player.rate == 2.0
    key(qtbot, w, Qt.Key.Key_M)
    assert w.player.audio.isMuted()
    key(qtbot, w, Qt.Key.Key_M)
    assert not w.player.audio.isMuted()


def test_drag_a_clip_edge_snaps_to_frames_and_undo_restores(qtbot, film_window):
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 1_000_000, 2_000_000, title="Edge")
    t = w.timeline
    assert [c.id for c in t.clips] == [clip_id]
    rect = t._clip_rect(t.clips[0])
    y = int(rect.center().y())
    start = QPoint(int(rect.right()), y)
    target_x = t.x_of(3_010_000)  # not on a frame boundary
    QTest.mousePress(t, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(t, QPoint(int(target_x), y))
    QTest.mouseRelease(t, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(int(target_x), y))
    (clip,) = clip_rows(w.lib)
    assert clip.start_us == 1_000_000
    assert clip.end_us % 40_000 == 0 and abs(clip.end_us - 3_010_000) <= 40_000 + t.us_per_px
    assert w.undo_actions.undo.text() == "Undo Change clip in/out"
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    (clip,) = clip_rows(w.lib)
    assert clip.end_us == 2_000_000
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert clip_rows(w.lib)[0].end_us != 2_000_000


def test_click_seeks_and_delete_removes_the_selected_clip_with_undo(qtbot, film_window):
    w = film_window
    t = w.timeline
    QTest.mouseClick(t, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(int(t.x_of(2_020_000)), 30))
    wait_frame(qtbot, w, 50)
    clip_id = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Doomed")
    rect = t._clip_rect(t.clips[0])
    QTest.mouseClick(t, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center().toPoint())
    assert t.selected_clip == clip_id
    key(qtbot, w, Qt.Key.Key_Delete)
    assert clip_rows(w.lib) == []
    assert w.undo_actions.undo.text() == "Undo Delete clip"
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [c.title for c in clip_rows(w.lib)] == ["Doomed"]


def test_zoom_keys_and_wheel(qtbot, film_window):
    t = film_window.timeline
    fit = t.us_per_px
    key(qtbot, film_window, Qt.Key.Key_Plus)
    assert t.us_per_px < fit
    key(qtbot, film_window, Qt.Key.Key_Minus)
    key(qtbot, film_window, Qt.Key.Key_Minus)
    assert t.us_per_px == fit  # never further out than the whole film


def test_clip_list_double_click_jumps_and_inline_rename(qtbot, film_window):
    w = film_window
    clip_id = clips.add(w.lib, w.film_id, 2_000_000, 3_000_000, title="Jump here")
    model = w.clip_list.model
    assert model.rowCount() == 1
    index = model.index(0, 0)
    view = w.clip_list.view
    where = view.visualRect(index).center()
    # Qt's item views emit doubleClicked only after a press on the same index.
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    wait_frame(qtbot, w, 50)
    assert w.timeline.selected_clip == clip_id
    assert model.setData(model.index(0, 0), "Renamed inline")
    assert clip_rows(w.lib)[0].title == "Renamed inline"
    assert model.index(0, 0).data() == "Renamed inline"


def test_dropping_files_imports_them_on_a_worker_and_lists_refusals(qtbot, window):
    good = sample("people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg")
    bad = sample("broken-webm-vp9-invalid-bitstream.webm")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(bad))])
    ticks = []
    from PySide6.QtCore import QTimer

    heartbeat = QTimer(interval=10)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.import_flow.finished, timeout=60_000) as blocker:
        with answering(ok):  # two films: which event they belong to is asked first (as proposed)
            window.dropEvent(drop)
        assert window.import_flow.busy()
    heartbeat.stop()
    results = blocker.args[0]
    assert [r.error is None for r in results] == [True, False]
    assert window.library_panel.model.film_count() == 1
    summary = window.import_flow.last_summary
    assert summary.text().startswith("1 film added; 0 already in the library (skipped); 1 file could not be imported")
    assert "(s)" not in summary.text() and "that one" in summary.text()
    assert "broken-webm-vp9-invalid-bitstream.webm" in summary.detailedText()
    assert len(ticks) > 0  # the GUI thread kept running while the import worked


def test_a_missing_film_shows_a_relink_state_not_a_crash(qtbot, window, counting_film, tmp_path):
    moved = tmp_path / "away.mp4"
    moved.write_bytes(counting_film.read_bytes())
    film_id = importing.import_file(window.lib, moved, link=True).film_id
    moved.unlink()
    films.check_missing(window.lib)
    window.library_panel.select_film(film_id)
    assert window.player.film.missing
    assert "missing" in window.video._message and window.actions_by_name["relink"].isEnabled()
    key(qtbot, window, Qt.Key.Key_Space)  # nothing to play, nothing breaks
    assert not window.player.is_playing()
    moved.write_bytes(counting_film.read_bytes())
    films.relink(window.lib, film_id, moved)
    assert not window.player.film.missing


def test_marks_on_a_webm_are_the_frames_on_screen_not_the_nominal_grid(qtbot, window, tmp_path):
    """A 30 fps WebM keeps milliseconds: frame 91 starts at 3.033 s, where the 30 fps grid
    says 3.0334. Typed 3.05, the player shows frame 91 and says 91; I marks it (the grid
    said 90, one frame early), and a clip marked on frames 91-120 is those 30 frames."""
    from tests.conformance_films import FilmSpec, make_film

    path = make_film(tmp_path, FilmSpec("webm30", ".webm", Fraction(30), seconds=5))
    film_id = importing.import_file(window.lib, path, link=True).film_id
    window.library_panel.select_film(film_id)
    qtbot.waitUntil(lambda: window.video.current_image() is not None, timeout=10_000)
    field = window.transport.timecode
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, "3.05")
    QTest.keyClick(field, Qt.Key.Key_Return)
    wait_frame(qtbot, window, 91)
    window.setFocus()
    key(qtbot, window, Qt.Key.Key_I)
    assert window.timeline.in_us == 3_033_000
    for _ in range(29):
        key(qtbot, window, Qt.Key.Key_Right)
    wait_frame(qtbot, window, 120)
    key(qtbot, window, Qt.Key.Key_O)
    key(qtbot, window, Qt.Key.Key_Return)
    (clip,) = clip_rows(window.lib)
    assert (clip.start_us, clip.end_us) == (3_033_000, 4_033_000)


def test_undo_back_past_an_export_is_refused_in_plain_words(qtbot, film_window, tmp_path):
    """Ctrl+Z back to a reel that has been exported since: the refusal says so as people know
    it (no table, no row number) and the reel stays."""
    from PySide6.QtWidgets import QMessageBox

    from app import reads
    from app.reels import export as reel_export
    from app.reels import reels

    w = film_window
    clip = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Opening")
    reel = reels.create(w.lib, "New reel", [clip])
    reel_export.export_reel(w.lib, reel, tmp_path / "new-reel.edl")
    w.activateWindow()
    w.setFocus()
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in w.findChildren(QMessageBox, "errorBox")))
    said = [b.text() for b in w.findChildren(QMessageBox, "errorBox") if b.isVisible()]
    assert said == ["Cannot undo Create reel “New reel”: the reel has been exported since (the export log "
                    "keeps it); nothing was changed"]
    assert [r.title for r in reads.reels(w.lib)] == ["New reel"]

