"""Plays one clip's range on the audience screen: sound and picture from Qt's player (in
sync, films upright), stopping on the clip's last frame.

The next clip is prepared while its title card is up (source opened, paused on its first
frame), so moving on to the clip only has to start playback: the audience screen changes
within a frame or two (``bench/review_bench.py``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Q_ARG, QObject, Qt, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame, QVideoSink

from ui.qt_calls import call_without_gil


class ClipPlayback(QObject):
    frame = Signal(QVideoFrame)
    ended = Signal()  # reached the clip's end
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.media = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.media.setAudioOutput(self.audio)
        self.sink = QVideoSink(self)
        self.media.setVideoSink(self.sink)
        # Queued: the sink emits on Qt's decoder thread (see ui.player for the deadlock this avoids).
        self.sink.videoFrameChanged.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        self.media.positionChanged.connect(self._on_position)
        self.media.errorOccurred.connect(lambda _e, message: self.failed.emit(message or "cannot be played"))
        self.path: str | None = None
        self.start_us = self.end_us = 0
        self._done = False
        self._showing = False  # frames go to the screen only while the clip slide is up
        self._ready = None  # the clip's first frame, decoded while its card was up

    def prepare(self, path: str | None, start_us: int, end_us: int) -> None:
        """Open the film and wait, paused, at the clip's first frame (times: film time, as
        Qt's player counts it)."""
        self._showing = False
        self._ready = None
        self.start_us, self.end_us, self._done = start_us, end_us, False
        if path != self.path:
            self.path = path
            url = QUrl.fromLocalFile(path) if path and Path(path).is_file() else QUrl()
            call_without_gil(self.media, "setSource", Q_ARG(QUrl, url))
        if self.path:
            self.media.pause()
            self.media.setPosition(start_us // 1000)

    def play(self) -> None:
        self._showing = True
        if self._done or self.media.position() * 1000 >= self.end_us - 40_000:
            self.media.setPosition(self.start_us // 1000)
            self._done = False
            self._ready = None
        self.media.play()
        if self._ready is not None:  # on screen at once; playback carries on from it
            self.frame.emit(self._ready)
            self._ready = None

    def replay(self) -> None:
        self._done = True
        self.play()

    def pause(self) -> None:
        self.media.pause()

    def hide(self) -> None:
        """Leave the clip slide: stop the sound, keep the film open."""
        self._showing = False
        self.media.pause()

    def is_playing(self) -> bool:
        return self.media.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def stop(self) -> None:
        self._showing = False
        call_without_gil(self.media, "stop")
        self.sink.videoFrameChanged.disconnect(self._on_frame)

    def _on_frame(self, frame: QVideoFrame) -> None:
        if not self._showing and frame.isValid() and self.start_us - 50_000 <= frame.startTime() <= \
                self.start_us + 200_000:
            self._ready = frame  # the paused player's picture at the clip's start (not a stale one)
        if self._showing and frame.isValid():
            self.frame.emit(frame)
            if frame.endTime() > 0:  # the clip's last frame is on screen (µs)
                self._on_position(frame.endTime() // 1000)

    def _on_position(self, ms: int) -> None:
        if self.is_playing() and not self._done and ms * 1000 >= self.end_us - 1:
            self._done = True
            self.media.pause()
            self.ended.emit()
