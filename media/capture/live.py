"""Live capture: where a camera's pictures and a microphone's sound meet the recorder.

Devices deliver at their own pace: a camera at "about 30 fps" with jitter and dropped frames,
a microphone in blocks of a few milliseconds at a rate that is 48 kHz only to within its own
crystal. If each were timed by its own clock, a ten-minute take would drift. So the
microphone is the master clock (as in broadcast and in OBS): each picture is stamped, as it
arrives, with the number of samples heard so far (plus the time since the last block, as
sound comes in blocks); frame slot ``n`` is written once the sound
up to ``(n + 1) / fps`` has arrived, with the newest picture stamped before that point
(repeated if the camera is slow, skipped if it is fast). Picture and sound timestamps then
come from the same sample count and cannot drift apart however long the take, and a
recorder that falls behind (a busy laptop) still pairs each picture with its own sound.

With no microphone the wall clock stands in and the take is silent. A device that stops
delivering (unplugged, driver crash) ends the take with a reason; what was recorded is kept.

This module does not know Qt: the GUI pushes pictures (any object, turned into RGB by the
``convert`` function it supplies, on the recording thread) and sound blocks.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from fractions import Fraction
from typing import Callable, Iterator

import av
import numpy as np

from media.capture.recorder import RATE

MAX_WAITING_PICTURES = 30  # about a second of camera pictures waiting for their sound
MAX_BETWEEN_BLOCKS = 0.5  # seconds a picture's stamp may run on past the last block of sound
Convert = Callable[[object, int, int], np.ndarray]  # picture, width, height -> H×W×3 uint8


class SoundIn:
    """Turns a device's raw sound bytes (any rate, sample format, channel count) into float32
    stereo 2×N at the recorder's 48 kHz, with FFmpeg's resampler (no drift: it keeps the
    fractional position between blocks)."""

    FORMATS = {"u8": np.uint8, "s16": np.int16, "s32": np.int32, "flt": np.float32}

    def __init__(self, sample_format: str, channels: int, rate: int) -> None:
        if sample_format not in self.FORMATS:
            raise ValueError(f"sound format {sample_format!r} is not one ProtoReel can record")
        self.sample_format, self.channels, self.rate = sample_format, channels, rate
        self.dtype = np.dtype(self.FORMATS[sample_format])
        self.frame_bytes = self.dtype.itemsize * channels
        self._layout = "mono" if channels == 1 else "stereo" if channels == 2 else av.AudioLayout(channels).name
        # A mono microphone goes to both sides at full level (FFmpeg's upmix would lower it 3 dB).
        self._resampler = av.AudioResampler(format="fltp", layout="mono" if channels == 1 else "stereo", rate=RATE)
        self._passthrough = (sample_format, channels, rate) == ("flt", 2, RATE)
        self._pts = 0
        self._carry = b""

    def convert(self, data: bytes) -> np.ndarray:
        data = self._carry + data
        usable = len(data) - len(data) % self.frame_bytes  # a block may end mid-sample
        self._carry = data[usable:]
        if usable == 0:
            return np.zeros((2, 0), dtype=np.float32)
        samples = np.frombuffer(data[:usable], dtype=self.dtype)
        if self._passthrough:
            return np.ascontiguousarray(samples.reshape(-1, 2).T)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format=self.sample_format, layout=self._layout)
        frame.sample_rate = self.rate
        frame.pts = self._pts
        self._pts += samples.size // self.channels
        out = [f.to_ndarray() for f in self._resampler.resample(frame)]
        if not out:
            return np.zeros((2, 0), dtype=np.float32)
        joined = np.hstack(out).astype(np.float32, copy=False)
        return np.vstack([joined, joined]) if self.channels == 1 else joined


class LiveFeed:
    """A capture source (see ``media.capture.recorder.CaptureSource``) fed by live devices."""

    def __init__(self, name: str, width: int, height: int, fps: Fraction, convert: Convert,
                 has_sound: bool = True, sound_timeout: float = 2.0, picture_timeout: float | None = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.width, self.height, self.fps = width, height, Fraction(fps)
        self.has_sound = has_sound
        self.sound_timeout, self.picture_timeout = sound_timeout, picture_timeout
        self._convert, self._clock = convert, clock
        self._cond = threading.Condition()
        self._sound: deque[np.ndarray] = deque()
        self._buffered = 0  # samples waiting in _sound
        # (stamp, picture), oldest first; bounded, as a recorder far behind must not fill the memory
        self._pictures: deque[tuple[float, object]] = deque(maxlen=MAX_WAITING_PICTURES)
        self._picture_at: float | None = None  # clock time of the newest picture, to notice a dead camera
        self._heard = 0  # samples pushed so far: the clock pictures are stamped with
        self._last_rgb: np.ndarray | None = None
        self._last_sound_at: float | None = None
        self.lost: str | None = None  # why the take ended early, in a facilitator's words
        self._finished = False
        self.frames_written = 0

    # -- the devices' side (any thread) ----------------------------------------------------
    def push_picture(self, picture: object) -> None:
        with self._cond:
            now = self._picture_at = self._clock()
            if not self.has_sound:
                stamp = now
            elif self._last_sound_at is None:
                stamp = self._heard
            else:  # sound comes in blocks: where the microphone's clock is now, between blocks
                stamp = self._heard + min(now - self._last_sound_at, MAX_BETWEEN_BLOCKS) * RATE
            self._pictures.append((stamp, picture))
            self._cond.notify_all()

    def push_sound(self, samples: np.ndarray) -> None:
        if samples.shape[1] == 0:
            return
        with self._cond:
            self._sound.append(samples)
            self._buffered += samples.shape[1]
            self._heard += samples.shape[1]
            self._last_sound_at = self._clock()
            self._cond.notify_all()

    def lose(self, reason: str) -> None:
        """A device is gone: the take ends after what has arrived."""
        with self._cond:
            if self.lost is None:
                self.lost = reason
            self._cond.notify_all()

    def finish(self) -> None:
        """Stop pressed: end the take now rather than wait for the devices' next block."""
        with self._cond:
            self._finished = True
            self._cond.notify_all()

    # -- the recorder's side ---------------------------------------------------------------
    def frames(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        started = self._clock()  # everything pushed since the feed was made belongs to the take
        consumed = 0
        index = 0
        while True:
            end = round(Fraction(index + 1) / self.fps * RATE)
            need = end - consumed
            sound = self._take_sound(need, started, index)
            if sound is None:
                return
            consumed = end
            yield self._picture_rgb(end if self.has_sound else started + float(Fraction(index + 1) / self.fps)), sound
            index += 1
            self.frames_written = index

    def _take_sound(self, need: int, started: float, index: int) -> np.ndarray | None:
        with self._cond:
            while True:
                if self.lost is not None or self._finished:
                    return None
                now = self._clock()
                stale_from = self._picture_at if self._picture_at is not None else started
                if self.picture_timeout is not None and now - stale_from > self.picture_timeout:
                    self.lost = ("The camera stopped sending pictures (unplugged?)" if self._picture_at is not None
                                 else "The camera sent no pictures")
                    return None
                if self.has_sound:
                    if self._buffered >= need:
                        return self._pop_sound(need)
                    if now - max(self._last_sound_at or started, started) > self.sound_timeout:
                        self.lost = "The microphone stopped sending sound (unplugged?)"
                        return None
                elif now >= started + float(Fraction(index + 1) / self.fps):
                    return np.zeros((2, need), dtype=np.float32)
                self._cond.wait(0.05)

    def _pop_sound(self, need: int) -> np.ndarray:
        parts, got = [], 0
        while got < need:
            block = self._sound[0]
            take = min(need - got, block.shape[1])
            parts.append(block[:, :take])
            if take == block.shape[1]:
                self._sound.popleft()
            else:
                self._sound[0] = block[:, take:]
            got += take
        self._buffered -= need
        return np.hstack(parts) if len(parts) > 1 else np.ascontiguousarray(parts[0])

    def _picture_rgb(self, slot_end: float) -> np.ndarray:
        """The newest picture that arrived before the end of this frame's sound."""
        picture = None
        with self._cond:
            while self._pictures and self._pictures[0][0] < slot_end:
                picture = self._pictures.popleft()[1]
        if picture is not None:
            self._last_rgb = self._convert(picture, self.width, self.height)
        if self._last_rgb is None:  # the camera is still waking up: black until its first picture
            self._last_rgb = np.zeros((self.height, self.width, 3), dtype=np.uint8)
        return self._last_rgb
