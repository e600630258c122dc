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

from ui.kit.qt_calls import call_without_gil


SEEK_INTO_FRAME_US = 5_000  # inside the first frame at any rate up to 200 fps


class ClipPlayback(QObject):
    frame = Signal(QVideoFrame)
    first_frame_ready = Signal(QVideoFrame)  # the clip's first frame, decoded while its card is up
    ended = Signal()  # reached the clip's end
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.media = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.media.setAudioOutput(self.audio)
        self.sink = QVideoSink(self)
        self.media.setVideoSink(self.sink)
        # Queued: the sink emits on Qt's decoder thread (see ui.player.player for the deadlock this avoids).
        self.sink.videoFrameChanged.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        self.media.positionChanged.connect(self._on_position)
        self.media.mediaStatusChanged.connect(self._on_status)
        self.media.errorOccurred.connect(lambda _e, message: self.failed.emit(message or "cannot be played"))
        self.path: str | None = None
        self.start_us = self.end_us = 0  # the clip's range on Qt's clock
        self.offset_us = 0  # the film's zero on Qt's clock
        self._done = False
        self._showing = False  # frames go to the screen only while the clip slide is up
        self._ready = None  # the clip's first frame, decoded while its card was up
        self._seek_when_loaded: int | None = None  # ms

    def prepare(self, path: str | None, start_us: int, end_us: int, offset_us: int = 0) -> None:
        """Open the film and wait, paused, at the clip's first frame (times: film time;
        ``offset_us``: the film's zero on Qt's clock, ``ItemRecord.play_offset_us``). Here
        ``start_us``/``end_us`` are kept on Qt's clock, as its frames and positions are."""
        self._showing = False
        self._ready = None
        self.offset_us = offset_us
        self.start_us, self.end_us, self._done = start_us + offset_us, end_us + offset_us, False
        if path != self.path:
            self.path = path
            url = QUrl.fromLocalFile(path) if path and Path(path).is_file() else QUrl()
            call_without_gil(self.media, "setSource", Q_ARG(QUrl, url))
        if self.path:
            self.media.pause()
            self._seek(self._first_ms())

    def play(self) -> None:
        self._showing = True
        if self._done or self.media.position() * 1000 >= self.end_us - 40_000:
            self._seek(self._first_ms())
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

    def _first_ms(self) -> int:
        """Where to seek for the clip's first frame: a few ms into it, since a seek to exactly
        a frame's start time can land on the frame before (docs/measured.md)."""
        return (self.start_us + SEEK_INTO_FRAME_US) // 1000

    def _before_clip(self, frame: QVideoFrame) -> bool:
        end = frame.endTime()
        return end <= self.start_us + 500 if end > 0 else frame.startTime() + 1000 < self.start_us

    def _seek(self, ms: int) -> None:
        # Qt's FFmpeg player ignores a seek while it is still opening the film: the clip would
        # start at the film's beginning. Seek once it has loaded.
        if self.media.mediaStatus() == QMediaPlayer.MediaStatus.LoadingMedia:
            self._seek_when_loaded = ms
        else:
            self._seek_when_loaded = None
            self.media.setPosition(ms)

    def _on_status(self, status) -> None:
        if status != QMediaPlayer.MediaStatus.LoadingMedia and self._seek_when_loaded is not None:
            ms, self._seek_when_loaded = self._seek_when_loaded, None
            self.media.setPosition(ms)

    def _on_frame(self, frame: QVideoFrame) -> None:
        if frame.isValid() and (self._seek_when_loaded is not None or self._before_clip(frame)):
            return  # a picture from before the clip (the film's start, before the seek landed)
        if not self._showing and frame.isValid() and frame.startTime() <= self.start_us + 200_000:
            self._ready = frame  # the paused player's picture at the clip's start (not a stale one)
            self.first_frame_ready.emit(frame)
        if self._showing and frame.isValid():
            if frame.startTime() >= self.end_us - 500:  # past the clip (decoded before the pause took)
                self._on_position(frame.startTime() // 1000)
                return
            self.frame.emit(frame)
            if frame.endTime() > 0:  # the clip's last frame is on screen (µs)
                self._on_position(frame.endTime() // 1000)

    def _on_position(self, ms: int) -> None:
        if self.is_playing() and not self._done and ms * 1000 >= self.end_us - 1:
            self._done = True
            self.media.pause()
            self.ended.emit()
