"""The Record view: choose a camera (or the screen, for a role-play held online) and a
microphone, see them live with a sound level, count in 3-2-1, watch the elapsed time and the
recording time the disk has left, start and stop on one key.

Cameras and microphones come from QMediaDevices and are listed again as they come; the
built-in test source (pattern and tone) is always offered, so the whole path works and is
tested on machines without devices. A device unplugged mid-take ends the take; what was
recorded up to then becomes a film like any other.
"""

from __future__ import annotations

import shutil

import numpy as np
from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout,
    QWidget,
)

from app.films import takes
from ui.kit.bridge import LibraryBridge
from ui.capture.capture_devices import SCREEN, DeviceCapture
from ui.player.video_view import VideoView
from ui.kit.workers import Job

BYTES_PER_SECOND = 400_000  # ~3 Mbit/s: what a take costs on disk, for the estimate
TEST, SILENT = "test", "none"


class RecordView(QWidget):
    frame_ready = Signal(QImage, float)  # test source: preview picture, sound level 0..1 (from the worker)
    frames_done = Signal(int)  # frames recorded so far in this take (from the worker)
    recorded = Signal(int)  # film id

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.job: Job | None = None
        self.capture: DeviceCapture | None = None
        self.feed = None  # the live feed of the take in progress
        self._cameras, self._microphones = {}, {}
        self._mic_before_test = None  # the microphone chosen before the test pattern (with its tone)
        self._take_fps = 30
        self.preview = VideoView(self)
        self.preview.setMinimumSize(320, 180)
        self.camera = QComboBox(self)
        self.camera.setObjectName("cameraBox")
        self.microphone = QComboBox(self)
        self.microphone.setObjectName("microphoneBox")
        self.event = QLineEdit(self)
        self.event.setPlaceholderText("Workshop or session (optional)")
        self.countdown = QCheckBox("Count in 3-2-1", self)
        self.countdown.setToolTip("Wait three seconds, counting down, before recording starts")
        self.countdown.setChecked(True)
        self.level = QProgressBar(self)
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setMaximumHeight(10)
        self.elapsed = QLabel("00:00", self)
        self.elapsed.setObjectName("recordElapsed")
        self.disk = QLabel(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.button = QPushButton("● Record  (Ctrl+R)", self)
        self.button.setObjectName("recordButton")
        self.button.setToolTip("Start recording from the chosen camera and microphone; again to stop (Ctrl+R)")
        self.button.clicked.connect(self.toggle)
        form = QFormLayout()
        form.addRow("Camera", self.camera)
        form.addRow("Microphone", self.microphone)
        form.addRow("Event", self.event)
        form.addRow("", self.countdown)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.elapsed)
        row.addStretch(1)
        row.addWidget(self.disk)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.level)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.frame_ready.connect(self._show_frame)
        self.frames_done.connect(self._show_elapsed)
        self._count = 0
        self._free_at_start, self._shown_secs = 0, 0
        self._bytes_per_second = BYTES_PER_SECOND  # a guess until a take shows what it really costs
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._countdown_step)
        self._devices = QMediaDevices(self)  # list cameras and microphones again as they come
        self._devices.videoInputsChanged.connect(self._devices_changed)
        self._devices.audioInputsChanged.connect(self._devices_changed)
        self.fill_devices()
        self.camera.currentIndexChanged.connect(self._choice_changed)
        self.microphone.currentIndexChanged.connect(self._choice_changed)
        self._show_disk()

    # -- devices -----------------------------------------------------------------------------
    def fill_devices(self) -> None:
        settings = QSettings()
        wanted_camera = self.camera.currentData() or settings.value("record/camera", "")
        wanted_mic = self.microphone.currentData()
        if wanted_mic in (None, TEST):
            wanted_mic = self._mic_before_test or settings.value("record/microphone", "")
        cameras = QMediaDevices.videoInputs()
        microphones = QMediaDevices.audioInputs()
        self._cameras = {bytes(c.id()).decode(errors="replace"): c for c in cameras}
        self._microphones = {bytes(m.id()).decode(errors="replace"): m for m in microphones}
        for box in (self.camera, self.microphone):
            box.blockSignals(True)
            box.clear()
        for key, cam in self._cameras.items():
            self.camera.addItem(cam.description(), key)
        self.camera.addItem("Whole screen (a role-play held online)", SCREEN)
        self.camera.addItem(takes.TestSource.name, TEST)
        for key, mic in self._microphones.items():
            self.microphone.addItem(mic.description(), key)
        self.microphone.addItem("No microphone (silent)", SILENT)
        default_camera = next(iter(self._cameras), TEST)
        default_mic = next(iter(self._microphones), SILENT)
        self._select(self.camera, wanted_camera, default_camera)
        self._select(self.microphone, wanted_mic, default_mic)
        for box in (self.camera, self.microphone):
            box.blockSignals(False)
        self._sync_microphone_box()
        if not cameras or not microphones:
            missing = " and ".join(x for x, found in (("camera", cameras), ("microphone", microphones)) if not found)
            self.message.setText(f"No {missing} found on this computer. Plug one in (it appears here by "
                                 "itself), or use the test pattern to try takes.")
        else:
            self.message.clear()

    @staticmethod
    def _select(box: QComboBox, wanted, default) -> None:
        index = box.findData(wanted)
        box.setCurrentIndex(index if index >= 0 else box.findData(default))

    def _sync_microphone_box(self) -> None:
        """The test pattern brings its own tone: shown as its microphone, not to be changed."""
        is_test = self.camera.currentData() == TEST
        tone = self.microphone.findData(TEST)
        self.microphone.blockSignals(True)
        if is_test and tone < 0:
            self._mic_before_test = self.microphone.currentData()
            self.microphone.addItem("Tone (with the test pattern)", TEST)
            self.microphone.setCurrentIndex(self.microphone.count() - 1)
        elif not is_test and tone >= 0:
            self.microphone.removeItem(tone)
            self._select(self.microphone, self._mic_before_test, SILENT)
        self.microphone.blockSignals(False)
        self.microphone.setEnabled(not is_test)

    def _choice_changed(self) -> None:
        settings = QSettings()
        settings.setValue("record/camera", self.camera.currentData())
        if self.microphone.currentData() != TEST:
            settings.setValue("record/microphone", self.microphone.currentData())
        self._sync_microphone_box()
        self._restart_capture()

    def _devices_changed(self) -> None:
        if self.recording:  # mid-take the capture itself reports a lost device
            return
        before = (self.camera.currentData(), self.microphone.currentData())
        self.fill_devices()
        if (self.camera.currentData(), self.microphone.currentData()) != before or self.capture is None:
            self._restart_capture()

    def _restart_capture(self) -> None:
        """Preview the chosen devices while this view is shown (and during a take)."""
        if self.recording:
            return
        self._stop_capture()
        choice = self.camera.currentData()
        if choice in (None, TEST) or not self.isVisible():
            self.preview.clear("The test pattern appears here while recording" if choice == TEST else "")
            return
        self._open_capture()

    def _open_capture(self) -> None:
        choice = self.camera.currentData()
        camera = SCREEN if choice == SCREEN else self._cameras.get(choice)
        self.capture = DeviceCapture(camera, self._microphones.get(self.microphone.currentData()), self)
        self.capture.picture.connect(self.preview.set_frame)
        self.capture.level.connect(self._show_level)
        self.capture.lost.connect(self._device_lost)
        self.capture.start()

    def _stop_capture(self) -> None:
        if self.capture is not None:
            self.capture.stop()
            self.capture.deleteLater()
            self.capture = None
        self.level.setValue(0)

    def _device_lost(self, reason: str) -> None:
        if self.recording:
            self.message.setText(f"{reason}. Stopping: the take so far is kept.")
        else:
            self.message.setText(f"{reason}.")
            self.preview.clear(reason)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.capture is None:
            self._restart_capture()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if not self.recording:  # the camera's light goes off when nobody is looking
            self._stop_capture()

    def follow_event(self, name: str) -> None:
        """The event selected in the library is where the next take goes, unless one was typed."""
        if not self.event.isModified() and not self.recording:
            self.event.setText(name)

    def _show_disk(self) -> None:
        free = shutil.disk_usage(self.bridge.lib.root).free
        hours = free / self._bytes_per_second / 3600
        self.disk.setText(f"Disk: about {hours:.0f} h of recording left" if hours >= 1
                          else f"Disk: only {free / self._bytes_per_second / 60:.0f} min of recording left")
        self.disk.setStyleSheet("" if hours >= 0.5 else "color: #c62828; font-weight: bold;")

    # -- recording -----------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self.job is not None and self.job.is_running()

    def toggle(self) -> None:
        if self.recording:
            self._finish_take()
        elif self._tick.isActive():
            self._tick.stop()
            self.button.setText("● Record  (Ctrl+R)")
        elif self.countdown.isChecked():
            self._count = 3
            self.button.setText(f"Starting in {self._count}… (press again to cancel)")
            self._tick.start()
        else:
            self.start()

    def _countdown_step(self) -> None:
        self._count -= 1
        if self._count <= 0:
            self._tick.stop()
            self.start()
        else:
            self.button.setText(f"Starting in {self._count}… (press again to cancel)")

    def start(self) -> None:
        lib, event = self.bridge.lib, self.event.text().strip() or None
        choice = self.camera.currentData()
        if choice == TEST:
            source, realtime = takes.TestSource(), True
        else:
            if self.capture is None:  # Ctrl+R with the view hidden: no preview, same devices
                self._open_capture()
            if self.capture.gone:
                self.bridge.runner.show_error(
                    RuntimeError(f"{self.capture.gone}; choose another camera or microphone"), self, "Recording")
                return
            source, realtime = self.capture.new_feed(), False  # the devices set the pace
        feed = self.feed = source if choice != TEST else None
        self._take_fps = source.fps
        self.message.clear()
        self._free_at_start = shutil.disk_usage(lib.root).free
        self._shown_secs = 0
        self._show_elapsed(0)

        def on_frame(index, rgb, sound):
            if (index + 1) % 10 == 0:
                self.frames_done.emit(index + 1)
            if choice == TEST and index % 2 == 0:  # a 15 fps preview is plenty and keeps the GUI light
                h, w, _ = rgb.shape
                image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
                self.frame_ready.emit(image, float(np.sqrt(np.mean(sound ** 2))) * 2)

        # On the one runner: closing the window stops the take (kept, brought in) and waits for it.
        self.job = self.bridge.runner.start(
            lambda progress, cancel: takes.record_take(lib, source, None, event=event, cancel=cancel,
                                                           realtime=realtime, on_frame=on_frame),
            parent=self, title="Recording", on_success=lambda film_id: self._done(film_id, feed),
            on_done=self._stopped, stop=feed.finish if feed is not None else None)
        self.button.setText("■ Stop  (Ctrl+R)")
        self.button.setStyleSheet("QPushButton { background: #c62828; color: white; font-weight: bold; }")

    def _show_frame(self, image: QImage, level: float) -> None:
        self.preview.set_image(image, 0)
        self._show_level(level)

    def _show_level(self, level: float) -> None:
        self.level.setValue(min(int(level * 100), 100))

    def _show_elapsed(self, frames: int) -> None:
        secs = int(frames / self._take_fps)
        self.elapsed.setText(f"{secs // 60:02d}:{secs % 60:02d}")
        if secs >= 3 and secs != self._shown_secs:  # the disk estimate from what this take really costs
            self._shown_secs = secs
            used = self._free_at_start - shutil.disk_usage(self.bridge.lib.root).free
            if used > 0:
                self._bytes_per_second = used / secs
                self._show_disk()

    def _done(self, film_id: int, feed) -> None:
        lost = feed.lost if feed is not None else None
        secs = int(feed.frames_written / self._take_fps) if feed is not None else 0
        self.message.setText(f"{lost}. The take so far ({secs // 60:02d}:{secs % 60:02d}) is in the library."
                             if lost else "The take is in the library.")
        self.recorded.emit(film_id)

    def _stopped(self) -> None:
        if self.capture is not None:
            self.capture.end_take()
        self.feed = None
        self.button.setText("● Record  (Ctrl+R)")
        self.button.setStyleSheet("")
        self.level.setValue(0)
        self._show_disk()
        if self.capture is not None and (self.capture.gone or not self.isVisible()):
            self.fill_devices()  # list again what is there now
            self._stop_capture()
            self._restart_capture()

    def _finish_take(self) -> None:
        """Stop: the take so far is kept and imported (the job's stop ends the device feed)."""
        self.job.cancel()

    def close_devices(self) -> None:
        """Closing the window (after the runner has stopped and waited for a take)."""
        self._stop_capture()
