"""Cameras, the screen and microphones, through QtMultimedia, feeding ``media.capture.live.LiveFeed``.

One ``DeviceCapture`` runs while the Record view is open: it drives the live preview and the
level meter, and during a take it also pushes every picture and sound block into that take's
feed (the recorder encodes them on its own thread with PyAV; QtMultimedia's own recorder has
no H.264 and leaves an unreadable file after a crash, see docs/measured.md).

A device that disappears (unplugged camera or microphone, a driver error) is reported once,
in plain words, through ``lost``; a take in progress ends there and keeps what it has.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QTransform
from PySide6.QtMultimedia import (
    QAudioDevice, QAudioFormat, QAudioSource, QCamera, QCameraDevice, QMediaCaptureSession, QMediaDevices,
    QScreenCapture, QtAudio, QtVideo, QVideoFrame, QVideoSink,
)

from media.capture.live import LiveFeed, SoundIn
from media.capture.recorder import RATE
from ui.kit.qt_calls import call_without_gil

SCREEN = "screen"
MAX_SIZE = (1280, 720)  # what a laptop encodes in real time with x264 while showing a preview
ROTATION_DEGREES = {QtVideo.Rotation.Clockwise90: 90, QtVideo.Rotation.Clockwise180: 180,
                    QtVideo.Rotation.Clockwise270: 270}
SAMPLE_FORMATS = {QAudioFormat.SampleFormat.UInt8: "u8", QAudioFormat.SampleFormat.Int16: "s16",
                  QAudioFormat.SampleFormat.Int32: "s32", QAudioFormat.SampleFormat.Float: "flt"}


def fit_size(width: int, height: int, box: tuple[int, int] = MAX_SIZE) -> tuple[int, int]:
    """The recording size: the source's own, made to fit ``box`` and even (H.264 needs it)."""
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def pick_camera_format(device: QCameraDevice):
    """The largest format up to 720p that gives at least 24 fps (``None``: the camera's default)."""
    best, best_key = None, None
    for fmt in device.videoFormats():
        size = fmt.resolution()
        if size.width() > MAX_SIZE[0] or size.height() > MAX_SIZE[1] or fmt.maxFrameRate() < 24:
            continue
        key = (size.width() * size.height(), fmt.maxFrameRate() >= 29, fmt.maxFrameRate())
        if best_key is None or key > best_key:
            best, best_key = fmt, key
    return best


def frame_to_rgb(frame: QVideoFrame, width: int, height: int) -> np.ndarray:
    """A captured picture as an H×W×3 array, letterboxed into the recording size. Runs on the
    recording thread, so the GUI never pays for the conversion of a recorded frame."""
    image = frame.toImage()
    if image.isNull():
        return np.zeros((height, width, 3), dtype=np.uint8)
    turn = ROTATION_DEGREES.get(frame.rotation(), 0)
    if turn:  # a camera mounted sideways says so per frame; the take is written upright
        image = image.transformed(QTransform().rotate(turn))
    if image.size().width() != width or image.size().height() != height:
        scaled = image.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        image = QImage(width, height, QImage.Format.Format_RGB888)
        image.fill(Qt.GlobalColor.black)
        painter = QPainter(image)
        painter.drawImage((width - scaled.width()) // 2, (height - scaled.height()) // 2, scaled)
        painter.end()
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(height, image.bytesPerLine())
    return rows[:, : width * 3].reshape(height, width, 3).copy()


class DeviceCapture(QObject):
    picture = Signal(QVideoFrame)  # every captured picture, for the preview
    level = Signal(float)  # sound level 0..1 of the latest block
    lost = Signal(str)  # a device went away; said once

    def __init__(self, camera: QCameraDevice | str | None, microphone: QAudioDevice | None,
                 parent: QObject | None = None) -> None:
        """``camera``: a camera device, ``SCREEN`` for the whole screen, or ``None`` when the
        pictures are pushed by the caller (``on_picture``)."""
        super().__init__(parent)
        self.camera_device = camera if isinstance(camera, QCameraDevice) else None
        self.microphone_device = microphone
        self.fps = Fraction(30)
        self.size = MAX_SIZE
        self.session = QMediaCaptureSession(self)
        self.sink = QVideoSink(self)
        self.session.setVideoSink(self.sink)
        self.sink.videoFrameChanged.connect(self.on_picture)
        self.camera: QCamera | None = None
        self.screen: QScreenCapture | None = None
        if self.camera_device is not None:
            self.camera = QCamera(self.camera_device, self)
            fmt = pick_camera_format(self.camera_device)
            if fmt is not None:
                self.camera.setCameraFormat(fmt)
                self.size = fit_size(fmt.resolution().width(), fmt.resolution().height())
                self.fps = Fraction(30) if fmt.maxFrameRate() >= 29 else Fraction(25)
            self.camera.errorOccurred.connect(lambda _e, text: self._lose(f"The camera stopped: {text}"))
            self.session.setCamera(self.camera)
        elif camera == SCREEN:
            self.screen = QScreenCapture(self)
            screen = QGuiApplication.primaryScreen()
            self.screen.setScreen(screen)
            pixels = screen.size() * screen.devicePixelRatio()
            self.size = fit_size(pixels.width(), pixels.height())
            self.screen.errorOccurred.connect(lambda _e, text: self._lose(f"Screen capture stopped: {text}"))
            self.session.setScreenCapture(self.screen)
        self.audio: QAudioSource | None = None
        self._audio_io = None
        self._sound_in: SoundIn | None = None
        if microphone is not None:
            self._open_microphone(microphone)
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._check_devices)
        self._devices.audioInputsChanged.connect(self._check_devices)
        self._audio_watch = QTimer(self, interval=250)  # QAudioSource.stateChanged cannot reach Python (PySide 6.11)
        self._audio_watch.timeout.connect(self._check_audio)
        self._heard = False
        self.feed: LiveFeed | None = None
        self.gone: str | None = None
        self.running = False

    def _open_microphone(self, device: QAudioDevice) -> None:
        wanted = QAudioFormat()
        wanted.setSampleRate(RATE)
        wanted.setChannelCount(2)
        wanted.setSampleFormat(QAudioFormat.SampleFormat.Float)
        fmt = wanted if device.isFormatSupported(wanted) else device.preferredFormat()
        if fmt.sampleFormat() not in SAMPLE_FORMATS:  # Unknown: ask for the commonest instead
            fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._sound_in = SoundIn(SAMPLE_FORMATS[fmt.sampleFormat()], fmt.channelCount(), fmt.sampleRate())
        self.audio = QAudioSource(device, fmt, self)
        self.audio.setBufferSize(fmt.bytesForDuration(200_000))  # room for 200 ms if the GUI is busy

    # -- running ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.running:
            return
        self.running = True
        self._check_devices()  # chosen, then unplugged before the view opened
        if self.camera is not None:
            if self.camera.error() != QCamera.Error.NoError:  # reported before we could listen
                self._lose(f"The camera could not be opened: {self.camera.errorString()}")
            self.camera.start()
        if self.screen is not None:
            self.screen.start()
        if self.audio is not None:
            self._audio_io = self.audio.start()
            self._audio_io.readyRead.connect(self._read_sound)
            self._audio_watch.start()

    def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        self._audio_watch.stop()
        if self.audio is not None:
            self._read_sound()
            self.audio.stop()
            self._audio_io = None
        if self.camera is not None:
            call_without_gil(self.camera, "stop")
        if self.screen is not None:
            call_without_gil(self.screen, "stop")

    def new_feed(self) -> LiveFeed:
        """A feed for one take; this capture pushes into it until ``end_take``."""
        name = (self.camera_device.description() if self.camera_device is not None else "")
        name = name or ("Screen" if self.screen is not None else "Camera")
        if self.microphone_device is not None:
            name += f" + {self.microphone_device.description()}"
        self.feed = LiveFeed(name, *self.size, self.fps, frame_to_rgb, has_sound=self.audio is not None,
                             picture_timeout=None if self.screen is not None else 3.0)
        if self.gone:
            self.feed.lose(self.gone)
        return self.feed

    def end_take(self) -> None:
        self.feed = None

    # -- what the devices deliver (the GUI thread) -----------------------------------------
    def on_picture(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        feed = self.feed
        if feed is not None:
            feed.push_picture(QVideoFrame(frame))
        self.picture.emit(frame)

    def _read_sound(self) -> None:
        if self._audio_io is None or self._sound_in is None:
            return
        data = bytes(self._audio_io.readAll())
        if not data:
            return
        self._heard = True
        samples = self._sound_in.convert(data)
        if samples.shape[1]:
            feed = self.feed
            if feed is not None:
                feed.push_sound(samples)
            self.level.emit(float(np.sqrt(np.mean(samples ** 2))) * 2)

    def _check_audio(self) -> None:
        if self.audio is not None and self.audio.state() == QtAudio.State.StoppedState \
                and self.audio.error() != QtAudio.Error.NoError:
            self._lose("The microphone stopped working (unplugged?)" if self._heard
                       else f"The microphone could not be opened ({self.microphone_device.description()})")

    def _check_devices(self) -> None:
        cameras = {bytes(d.id()) for d in QMediaDevices.videoInputs()}
        microphones = {bytes(d.id()) for d in QMediaDevices.audioInputs()}
        if self.camera_device is not None and bytes(self.camera_device.id()) not in cameras:
            self._lose("The camera was disconnected")
        elif self.microphone_device is not None and bytes(self.microphone_device.id()) not in microphones:
            self._lose("The microphone was disconnected")

    def _lose(self, reason: str) -> None:
        if self.gone is not None:
            return
        self.gone = reason
        if self.feed is not None:
            self.feed.lose(reason)
        self.lost.emit(reason)
