"""The Record view with the built-in test source (this machine has no camera or microphone)."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import queries
from app.films import takes
from media.capture.recorder import Recorder, TestSource
from tests.ui.driving import click


def test_no_devices_is_a_clear_message_and_the_test_source_records(qtbot, window):
    from PySide6.QtMultimedia import QMediaDevices

    view = window.record_view
    cameras = QMediaDevices.videoInputs()
    # Every camera the computer has, then the whole screen and the test pattern: always listed.
    assert [view.camera.itemText(i) for i in range(view.camera.count())] == (
        [c.description() for c in cameras] + ["Whole screen (a role-play held online)", takes.TestSource.name])
    assert ("No camera" in view.message.text()) == (not cameras)
    if cameras:
        return  # the rest tries the test pattern, which is the default only without a camera
    assert view.camera.currentData() == "test"
    view.countdown.setChecked(False)
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.recording, timeout=5_000)
    qtbot.waitUntil(lambda: view.elapsed.text() >= "00:02", timeout=15_000)
    assert view.level.value() > 0  # the tone shows on the meter
    with qtbot.waitSignal(view.recorded, timeout=60_000) as got:
        QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    with window.lib.read() as s:
        (film,) = queries.film_records(s, window.lib, [got.args[0]])
    assert film.duration_us >= 2_000_000 and film.has_audio


def test_the_countdown_can_be_cancelled(qtbot, window):
    view = window.record_view
    view.countdown.setChecked(True)
    window.show_dock("record")
    click(view.button)
    assert "Starting in 3" in view.button.text()
    assert view._tick.isActive()
    click(view.button)
    # Cancelled: the count-in's clock is stopped, so nothing can start the take later.
    assert not view._tick.isActive() and not view.recording and "Record" in view.button.text()


def test_start_up_offers_to_recover_an_interrupted_take(qtbot, lib, tmp_path):
    folder = takes.recordings_dir(lib)
    take = Recorder(folder / "Recording crashed.mp4", 320, 240, TestSource().fps, {"event": "W", "pid": 0})
    source = TestSource(320, 240)
    for _n, (rgb, sound) in zip(range(60), source.frames()):
        take.add(rgb, sound)
    take.container.close()  # as if the process had died: the sidecar still names a pid
    sidecar = folder / "Recording crashed.mp4.json"
    sidecar.write_text('{"pid": 999999, "event": "W"}')
    from ui.shell.main_window import MainWindow

    win = MainWindow(lib)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: getattr(win, "recovery_box", None) is not None, timeout=5_000)
    win.recovery_box.button(win.recovery_box.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: win.library_panel.model.film_count() == 1, timeout=30_000)
    win.close()


def test_the_test_pattern_brings_its_own_tone_and_other_sources_a_real_choice(qtbot, window):
    view = window.record_view
    view.camera.setCurrentIndex(view.camera.findData("test"))
    assert view.microphone.currentText().startswith("Tone") and not view.microphone.isEnabled()
    view.camera.setCurrentIndex(view.camera.findData("screen"))
    assert view.microphone.isEnabled() and view.microphone.findData("test") < 0
    assert view.microphone.currentData() in {"none"} | set(view._microphones)
    view.camera.setCurrentIndex(view.camera.findData("test"))
    assert view.microphone.currentText().startswith("Tone")


def test_a_take_goes_to_the_event_selected_in_the_library_unless_one_is_typed(qtbot, window):
    from app.films import importing
    from tests.conftest import sample

    result = importing.import_file(window.lib, sample("edge-silent-black-10s-320x240p30.mp4"), event="Breakfast review")
    window.library_panel.select_film(result.film_id)
    view = window.record_view
    assert view.event.text() == "Breakfast review"
    view.event.clear()
    QTest.keyClicks(view.event, "Workshop 4")
    window.library_panel.select_film(result.film_id)
    window.library_panel.view.setCurrentIndex(window.library_panel.model.index(0, 0))
    assert view.event.text() == "Workshop 4"


def test_the_disk_estimate_follows_what_the_take_really_costs(qtbot, window, monkeypatch):
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    view = window.record_view
    free = [10 * 3600 * 400_000]  # ten hours at the starting guess
    monkeypatch.setattr("ui.capture.record_view.shutil.disk_usage", lambda _p: usage(0, 0, free[0]))
    view._take_fps = 30
    view._free_at_start, view._shown_secs = free[0], 0
    free[0] -= 4 * 1_600_000  # a real camera's take: 1.6 MB/s for four seconds
    view._show_elapsed(120)
    assert view.elapsed.text() == "00:04"
    assert view.disk.text() == "Disk: about 2 h of recording left"  # not the ten the guess gave
