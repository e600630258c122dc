"""The Record view: choose a source, see it live with a sound level, count in 3-2-1, watch
the elapsed time and the recording time the disk has left, start and stop on one key.

Cameras and microphones come from QMediaDevices; the built-in test source (pattern and tone)
is always offered, so the whole path works and is tested on machines without devices.
"""

from __future__ import annotations

import shutil

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout,
    QWidget,
)

from app.ops import recording
from ui.bridge import LibraryBridge
from ui.errors import show_error
from ui.video_view import VideoView
from ui.workers import Job

BYTES_PER_SECOND = 400_000  # ~3 Mbit/s: what a 640×360 take costs on disk, for the estimate


class RecordView(QWidget):
    frame_ready = Signal(QImage, float)  # preview picture, sound level 0..1 (from the worker)
    recorded = Signal(int)  # film id

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.job: Job | None = None
        self.preview = VideoView(self)
        self.preview.setMinimumSize(320, 180)
        self.camera = QComboBox(self)
        self.camera.setObjectName("cameraBox")
        self.microphone = QComboBox(self)
        self.event = QLineEdit(self)
        self.event.setPlaceholderText("Workshop or session (optional)")
        self.countdown = QCheckBox("Count in 3-2-1", self)
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
        self._count = 0
        self._frames = 0
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._countdown_step)
        self.fill_devices()
        self._show_disk()

    def fill_devices(self) -> None:
        self.camera.clear()
        self.microphone.clear()
        cameras = QMediaDevices.videoInputs()
        microphones = QMediaDevices.audioInputs()
        for cam in cameras:
            self.camera.addItem(cam.description(), cam.id())
        self.camera.addItem(recording.TestSource.name, "test")
        for mic in microphones:
            self.microphone.addItem(mic.description(), mic.id())
        self.microphone.addItem("Tone (with the test pattern)", "test")
        if not cameras or not microphones:
            missing = " and ".join(x for x, found in (("camera", cameras), ("microphone", microphones)) if not found)
            self.message.setText(f"No {missing} found on this computer. Plug one in and reopen this view, "
                                 "or use the test pattern to try recording.")
        self.camera.setCurrentIndex(self.camera.count() - 1 if not cameras else 0)

    def _show_disk(self) -> None:
        free = shutil.disk_usage(self.bridge.lib.root).free
        hours = free / BYTES_PER_SECOND / 3600
        self.disk.setText(f"Disk: about {hours:.0f} h of recording left" if hours >= 1
                          else f"Disk: only {free / BYTES_PER_SECOND / 60:.0f} min of recording left")

    # -- recording -----------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self.job is not None and self.job.is_running()

    def toggle(self) -> None:
        if self.recording:
            self.job.cancel()  # stop: the take so far is kept and imported
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
        if self.camera.currentData() != "test":
            show_error(self, RuntimeError("recording from a camera is not available in this version; "
                                          "the test pattern records"))
            return
        lib, event = self.bridge.lib, self.event.text().strip() or None
        self._frames = 0

        def on_frame(index, rgb, sound):
            if index % 2 == 0:  # a 15 fps preview is plenty and keeps the GUI light
                h, w, _ = rgb.shape
                image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
                self.frame_ready.emit(image, float(np.sqrt(np.mean(sound ** 2))) * 2)

        self.job = Job(lambda progress, cancel: recording.record_take(
            lib, recording.TestSource(), None, event=event, cancel=cancel, on_frame=on_frame), self)
        self.job.succeeded.connect(self._done)
        self.job.failed.connect(lambda exc: show_error(self, exc, "Recording"))
        self.job.done.connect(self._stopped)
        self.job.start()
        self.button.setText("■ Stop  (Ctrl+R)")

    def _show_frame(self, image: QImage, level: float) -> None:
        self._frames += 2
        self.preview.set_image(image, 0)
        self.level.setValue(min(int(level * 100), 100))
        secs = self._frames // 30
        self.elapsed.setText(f"{secs // 60:02d}:{secs % 60:02d}")

    def _done(self, film_id: int) -> None:
        self.message.setText("The take is in the library.")
        self.recorded.emit(film_id)

    def _stopped(self) -> None:
        self.button.setText("● Record  (Ctrl+R)")
        self.level.setValue(0)
        self._show_disk()

    def stop_and_wait(self) -> None:
        if self.recording:
            self.job.cancel()
            self.job.wait(30_000)
