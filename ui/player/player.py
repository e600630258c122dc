"""The player: QMediaPlayer for playback, exact PyAV frames whenever it is paused.

Times are integer microseconds of film time, like the core. The position we report is the
start of the frame on screen (what you see), not the player's clock. Which frame that is, and
where frames begin, is the film's own frame index (``media.reading.frame_index``: the one
frame rule marks, clips and every export use); until a film's index is read, a grid at its
nominal rate stands in. Qt's player seeks to keyframes in some formats, so while paused every
frame comes from the frame server (ui.player.frame_server → media.reading.frames), which
decodes exactly (and deinterlaces); playback uses Qt's player (an interlaced film shows one
field a frame: ``VideoView``). Qt's player counts from the container's start, which is not
always the film's zero (``FilmRecord.play_offset_us``: an MKV whose unmarked AAC priming comes
21 ms before its first picture): positions given to it and frame times taken from it are moved
by that much, so film time is the one clock everywhere else.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import Q_ARG, QObject, Qt, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink

from media import timecode
from media.reading.frame_index import FrameIndex
from media.reading.orientation import Orientation
from app.records import FilmRecord
from ui.player.frame_server import FrameServer
from ui.kit.qt_calls import call_without_gil
from ui.player.video_view import VideoView

SHUTTLE_RATES = (1.0, 2.0, 4.0, 8.0)
MIN_RATE, MAX_RATE = 0.25, 2.0
DEFAULT_FPS = Fraction(25)


class Player(QObject):
    position_changed = Signal("qlonglong")  # µs of the frame on screen (64-bit: int overflows after 35 min)
    film_changed = Signal(object)  # FilmRecord or None
    playing_changed = Signal(bool)
    rate_changed = Signal(float)
    error = Signal(str)

    def __init__(self, view: VideoView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.film: FilmRecord | None = None
        self.fps: Fraction = DEFAULT_FPS
        self.index: FrameIndex = FrameIndex.grid(DEFAULT_FPS, 1)
        self.media = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.media.setAudioOutput(self.audio)
        self.sink = QVideoSink(self)
        self.media.setVideoSink(self.sink)
        # Queued: the sink emits on Qt's decoder thread. A direct call into Python there needs
        # the GIL, which the GUI thread holds while it waits in QMediaPlayer.stop(): deadlock.
        self.sink.videoFrameChanged.connect(self._on_qt_frame, Qt.ConnectionType.QueuedConnection)
        view.frame_shown.connect(self._on_frame)
        self.media.playbackStateChanged.connect(self._on_state)
        self.media.errorOccurred.connect(self._on_error)
        self.media.positionChanged.connect(self._on_clock)
        # Speech at 0.5× or 1.5× stays intelligible when the backend can keep the pitch.
        if hasattr(self.media, "setPitchCompensation"):
            self.media.setPitchCompensation(True)
        self.frames: FrameServer | None = None
        self._request = 0
        self._shuttle = 0  # -n: jumping back, +n: forward speed index
        self._base_rate = 1.0
        self._position_us = 0
        self._qt_drives = False  # True while playing: Qt's frames go on screen

    # -- loading -----------------------------------------------------------------------
    def load(self, film: FilmRecord | None, start_us: int = 0, index: FrameIndex | None = None) -> None:
        """Open ``film`` at ``start_us``; ``index``: its frame index (``set_index`` gives it
        later when it is still being read)."""
        self._stop_media()
        if self.frames is not None:
            self.frames.stop()
            self.frames = None
        self.film = film
        self._shuttle = 0
        self.view.field_order = ""
        if film is None:
            self._set_source(QUrl())
            self.view.clear("")
        elif film.missing or not Path(film.path).is_file():
            self._set_source(QUrl())
            self.view.clear(f"The file of “{film.title}” is missing.\n{film.path}\n\n"
                            "Use File → Relink Missing Film to point to where it is now.")
        else:
            self.fps = Fraction(film.fps) if film.fps else DEFAULT_FPS
            self.index = index or FrameIndex.grid(self.fps, max(film.duration_us, 1))
            self.view.clear("" if film.has_video else "Audio only")
            self.view.field_order = film.interlaced
            self._set_source(QUrl.fromLocalFile(film.path))
            if film.has_video:
                self.frames = FrameServer(film.path, film.start_us, Orientation(film.rotation, film.mirror), self,
                                          field_order=film.interlaced)
                self.frames.set_box(*self.view.picture_box())
                self.frames.ready.connect(self._on_still)
                self.frames.failed.connect(self.error)
            self.media.pause()
        self._position_us = start_us
        self.film_changed.emit(film)
        if film is not None and not film.missing:
            self.seek_us(start_us)
        self.position_changed.emit(start_us)

    def set_index(self, film_id: int, index: FrameIndex) -> None:
        """The film's own frame index, read after it was opened: the frame on screen is
        settled by it."""
        if self.film is None or self.film.id != film_id:
            return
        self.index = index
        if not self.is_playing() and self.film.has_video:
            self.seek_us(self._position_us)

    def close(self) -> None:
        self.load(None)
        self.sink.videoFrameChanged.disconnect(self._on_qt_frame)

    def _on_error(self, _err, message: str) -> None:
        if self.film is not None:
            self.error.emit(f"{self.film.title}: cannot be played ({message or 'unknown reason'})")

    # -- where we are ------------------------------------------------------------------
    @property
    def duration_us(self) -> int:
        return self.film.duration_us if self.film else 0

    @property
    def position_us(self) -> int:
        return self._position_us

    @property
    def frame_index(self) -> int:
        """The film's frame on screen (its index in the film)."""
        return self.index.at(self._position_us)

    @property
    def frame_end_us(self) -> int:
        """When the frame on screen gives way to the next (where an out point there goes)."""
        return min(self.index.end(self.frame_index), self.duration_us)

    def is_playing(self) -> bool:
        return self.media.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def _on_state(self, state) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        if not playing and self._qt_drives:
            self._qt_drives = False
            self._show_exact(self._position_us)  # settle on the exact frame where it stopped
        self.playing_changed.emit(playing)

    def _on_qt_frame(self, frame) -> None:
        if self._qt_drives:
            self.view.set_frame(frame)

    def _on_still(self, seq: int, time_us: int, image) -> None:
        if seq == self._request and not self._qt_drives:
            self.view.set_image(image, time_us)

    @property
    def _offset_us(self) -> int:
        """The film's zero on Qt's clock."""
        return self.film.play_offset_us if self.film is not None else 0

    def _qt_ms(self, film_us: int) -> int:
        """A film time as a position for Qt's player (its clock, in ms): for a picture, the
        middle of the frame there (asked for a frame's very start, Qt's player may begin with
        the frame before: it did at 1.054 s of an MKV whose frame 31 starts there)."""
        if self.film is not None and self.film.has_video:
            film_us = self.index.middle(self.index.at(film_us))
        return (film_us + self._offset_us) // 1000

    def _on_frame(self, start_us: int) -> None:
        if start_us is not None and self._qt_drives:
            # Qt's clock to film time (the stills are in film time already). Qt rounds a frame's
            # time down to the microsecond, the frame index and the film's zero up (a 30 fps
            # frame at 33,333.3 µs: Qt 33,333, the index 33,334; an MPEG-TS's first picture
            # 21,333.3 µs into Qt's clock: Qt 21,333, the offset 21,334): the same frame.
            start_us -= self._offset_us
            if self.film is not None and self.film.has_video and start_us >= -1:
                nearest = self.index.start(self.index.at(max(start_us + 1, 0)))
                if abs(nearest - start_us) <= 1:
                    start_us = nearest
        if start_us is not None and start_us >= 0:
            self._position_us = start_us
            self.position_changed.emit(start_us)

    def _on_clock(self, ms: int) -> None:
        if self.film is not None and not self.film.has_video and self.is_playing():
            self._position_us = max(ms * 1000 - self._offset_us, 0)
            self.position_changed.emit(self._position_us)

    # -- transport ---------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def play(self, rate: float | None = None) -> None:
        if self.film is None or self.film.missing:
            return
        if rate is None:
            self._shuttle = 0
        self._set_media_rate(rate or self._base_rate)
        if self._position_us >= self.duration_us - timecode.frame_duration_us(self.fps) or (
                self.film.has_video and self.frame_index >= self.index.count - 1):
            self._position_us = 0
        self.media.setPosition(self._qt_ms(self._position_us))
        self._qt_drives = True
        self.media.play()

    def pause(self) -> None:
        self._shuttle = 0
        self.media.pause()
        self._set_media_rate(self._base_rate)

    def _stop_media(self) -> None:
        self._qt_drives = False
        call_without_gil(self.media, "stop")

    def _set_source(self, url: QUrl) -> None:
        call_without_gil(self.media, "setSource", Q_ARG(QUrl, url))

    def shuttle_forward(self) -> None:
        """L: play; again: faster (2×, 4×, 8×)."""
        if self.film is None:
            return
        self._shuttle = self._shuttle + 1 if self._shuttle > 0 else 1
        rate = SHUTTLE_RATES[min(self._shuttle, len(SHUTTLE_RATES)) - 1] * self._base_rate
        if self.is_playing():
            self._set_media_rate(rate)
        else:
            self.play(rate)

    def shuttle_stop(self) -> None:
        """K: stop where we are."""
        self.pause()

    def shuttle_back(self) -> None:
        """J: the FFmpeg backend cannot play backwards, so J jumps back and J again jumps
        further (1 s, 2 s, 4 s, 8 s), paused, like scrubbing back."""
        if self.film is None:
            return
        self._shuttle = self._shuttle - 1 if self._shuttle < 0 else -1
        if self.is_playing():
            self.media.pause()
        step = SHUTTLE_RATES[min(-self._shuttle, len(SHUTTLE_RATES)) - 1]
        self.seek_us(self._position_us - int(step * timecode.US))

    def step_frames(self, count: int) -> None:
        if self.film is None:
            return
        if self.is_playing():
            self.pause()
        self.seek_frame(self.frame_index + count)

    def step_seconds(self, seconds: float) -> None:
        if self.film is None:
            return
        self.seek_us(self._position_us + int(seconds * timecode.US))

    def seek_frame(self, index: int) -> None:
        index = min(max(index, 0), self.index.count - 1)
        self._go(self.index.start(index))

    def seek_us(self, us: int) -> None:
        """Show the frame at ``us`` (clamped to the film)."""
        us = min(max(us, 0), max(self.duration_us - 1, 0))
        if self.film is not None and self.film.has_video:
            self.seek_frame(self.index.at(us))
        else:
            self._go(us)

    def _go(self, us: int) -> None:
        if self.film is None or self.film.missing:
            return
        if self.is_playing():
            self.media.setPosition(self._qt_ms(us))
            return
        # Report the destination at once (keys pressed quickly add up); the exact frame
        # confirms it when it arrives.
        self._position_us = us
        self.position_changed.emit(us)
        self._show_exact(us)
        self.media.setPosition(self._qt_ms(us))  # so that playback resumes from here

    def _show_exact(self, us: int) -> None:
        if self.frames is None:
            return
        self._request += 1
        # The middle of the frame: a decoder asked for a frame's very start may give the one before.
        self.frames.request(self._request, self.index.middle(self.index.at(us)))

    # -- speed and sound ---------------------------------------------------------------
    def set_rate(self, rate: float) -> None:
        self._base_rate = min(max(rate, MIN_RATE), MAX_RATE)
        self._set_media_rate(self._base_rate)

    def _set_media_rate(self, rate: float) -> None:
        self.media.setPlaybackRate(rate)
        self.rate_changed.emit(rate)

    @property
    def rate(self) -> float:
        return self.media.playbackRate()

    def set_volume(self, volume: float) -> None:
        self.audio.setVolume(min(max(volume, 0.0), 1.0))

    def set_muted(self, muted: bool) -> None:
        self.audio.setMuted(muted)
