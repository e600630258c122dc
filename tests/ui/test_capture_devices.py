"""Live devices without a camera on this machine: pictures are pushed into the capture exactly as
its QVideoSink delivers them, so the Record view's own path (feed, recorder, import, messages)
runs for real. A camera that stops sending pictures mid-take must leave the take in the library."""

import av
import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame

from app import queries
from media.reading.probe import probe
from tests.media_factory import frame_image, read_index
from ui.capture.capture_devices import SCREEN, DeviceCapture, fit_size, frame_to_rgb
from tests.ui.driving import click


def video_frame(rgb: np.ndarray) -> QVideoFrame:
    h, w, _ = rgb.shape
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).convertToFormat(QImage.Format.Format_RGB32)
    return QVideoFrame(image)  # BGRX, as a webcam's frames usually are


def test_a_captured_picture_is_letterboxed_into_the_recording_size_with_true_colours(qapp):
    rgb = np.zeros((480, 640, 3), dtype=np.uint8)
    rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2] = 200, 100, 30  # a 4:3 camera
    out = frame_to_rgb(video_frame(rgb), 320, 180)
    assert out.shape == (180, 320, 3)
    assert out[90, 160].tolist() == [200, 100, 30]
    assert out[90, 5].tolist() == [0, 0, 0] and out[90, 314].tolist() == [0, 0, 0]  # pillarbox
    from PySide6.QtMultimedia import QtVideo

    sideways = video_frame(np.repeat(np.arange(180, dtype=np.uint8)[:, None, None], 320, axis=1).repeat(3, axis=2))
    sideways.setRotation(QtVideo.Rotation.Clockwise90)  # the top row (dark) must end up on the right
    upright = frame_to_rgb(sideways, 180, 320)
    assert upright[160, 175, 0] < 10 and upright[160, 5, 0] > 170
    assert fit_size(1920, 1080) == (1280, 720) and fit_size(1600, 1000) == (1152, 720) and fit_size(641, 361) == (640, 360)


def test_a_camera_that_stops_mid_take_leaves_the_take_in_the_library(qtbot, window):
    view = window.record_view
    view.countdown.setChecked(False)
    view.camera.setCurrentIndex(view.camera.findData(SCREEN))
    view.microphone.setCurrentIndex(view.microphone.findData("none"))
    camera = DeviceCapture(None, None, view)  # a camera whose pictures this test delivers
    camera.size = (320, 240)
    view._stop_capture()
    view.capture = camera
    camera.lost.connect(view._device_lost)
    sent = [0]

    def deliver():
        camera.on_picture(video_frame(frame_image(sent[0], 320, 240)))
        sent[0] += 1
        if sent[0] == 60:  # two seconds in, the cable comes out
            timer.stop()

    timer = QTimer(interval=33, timerType=Qt.TimerType.PreciseTimer)
    timer.timeout.connect(deliver)
    timer.start()
    window.show_dock("record")
    click(view.button)
    assert view.recording
    with qtbot.waitSignal(view.recorded, timeout=30_000) as got:
        pass
    assert "camera stopped sending pictures" in view.message.text() and "is in the library" in view.message.text()
    with window.lib.read() as s:
        (film,) = queries.film_records(s, window.lib, [got.args[0]])
    info = probe(film.path)
    assert 4_000_000 <= info.video_duration_us <= 7_000_000  # two seconds, then the three-second grace
    assert abs(info.audio_duration_us - info.video_duration_us) <= 33_334
    with av.open(film.path) as c:
        shown = [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    assert shown == sorted(shown) and shown[-1] == 59 and len(set(shown)) >= 50  # the pictures as they came
    qtbot.waitUntil(lambda: not view.recording and "Record" in view.button.text(), timeout=5_000)


def test_a_camera_that_is_not_there_is_reported_not_recorded(qtbot):
    from PySide6.QtMultimedia import QCameraDevice

    capture = DeviceCapture(QCameraDevice(), None)  # chosen, then unplugged before recording
    with qtbot.waitSignal(capture.lost, timeout=5_000) as got:
        capture.start()
    assert got.args[0].startswith("The camera")
    feed = capture.new_feed()
    assert feed.lost == capture.gone and not list(feed.frames())  # a take from it ends at once, empty
    capture.stop()
