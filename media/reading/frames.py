"""Exact frames of a film, decoded with PyAV: what the paused player shows.

Qt's player seeks to keyframes in some formats (MPEG-1/2 land up to a GOP late), so every
still the facilitator sees while marking comes from here: seek to the keyframe at or before
the target, decode forward to the frame showing at the target. Stepping forward reuses the
open decoder; stepping back hits a small cache of recent frames.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np

from media.reading import interlace
from media.reading.interlace import Deinterlacer
from media.reading.orientation import Orientation

US = 1_000_000
CACHE_FRAMES = 32
DECODE_AHEAD_US = 3_000_000  # closer than this: decode forward instead of seeking
SKIP_MARGIN_US = 250_000  # decode every frame this close to the target (B-frame reordering),
REORDER_FRAMES = 8  # and at least this many frames (deep B-pyramids at low frame rates)


@dataclass
class Still:
    time_us: int  # film time of the frame's start
    rgb: np.ndarray  # upright, H×W×3


class FrameReader:
    def __init__(self, path: Path | str, start_us: int = 0, orientation: Orientation | int = 0,
                 field_order: str | None = None) -> None:
        self.path = Path(path)
        self.start_us = start_us
        # A bare int is a rotation (older callers); mirrored films pass an Orientation.
        self.orientation = orientation if isinstance(orientation, Orientation) else Orientation(orientation)
        self.container = av.open(str(self.path))
        index = max(
            (s for s in self.container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)),
            key=lambda s: s.frames or 0,
        ).index
        self.stream = self.container.streams[index]
        self.stream.thread_type = "AUTO"
        # Interlaced: every frame comes out deinterlaced (bwdif). The library's finding
        # (``Film.field_order``: the picture asked too) when given, else the stream's flags.
        self.field_order = interlace.flagged(self.stream) if field_order is None else field_order
        rate = self.stream.average_rate or self.stream.guessed_rate or 25
        self.margin_us = max(SKIP_MARGIN_US, int(REORDER_FRAMES * US / rate))
        self._frames = None  # the decoding generator, positioned after ``_last``
        self._last: av.VideoFrame | None = None
        self._last_us: int | None = None
        self._target_us = 0
        self.box: tuple[int, int] | None = None  # scale stills to fit (the view's size)
        self._cache: OrderedDict[int, av.VideoFrame] = OrderedDict()

    def close(self) -> None:
        self.container.close()

    def _time_us(self, frame) -> int:
        # Rounded up, like media.timecode.frame_start_us, so a frame's time maps to its index.
        return math.ceil(frame.pts * frame.time_base * US) - self.start_us

    def _decode(self):
        ctx = self.stream.codec_context
        # Interlaced: each frame through bwdif, which gives it back once the next is in.
        fields = Deinterlacer(self.stream, self.field_order) if self.field_order else None
        for packet in self.container.demux(self.stream):
            # Frames nothing refers to and far before the target need not be decoded at all
            # (about a third of the work in a long GOP). Decided per packet, by its own time,
            # so the frames near the target always decode whatever the decoder's delay.
            far = packet.pts is not None and (
                round(packet.pts * packet.time_base * US) - self.start_us < self._target_us - self.margin_us)
            ctx.skip_frame = "NONREF" if far else "DEFAULT"
            try:
                frames = packet.decode()
            except (av.error.FFmpegError, ValueError):
                continue
            if fields is None:
                yield from frames
            else:
                for frame in frames:
                    yield from fields.push(frame)
        if fields is not None:
            yield from fields.flush()

    def _seek(self, film_us: int) -> None:
        """Position the decoder at or before ``film_us``. Formats without an index (MPEG
        program streams) may land late: back off further, and from the start if need be."""
        for backoff in (0, 1_000_000, 4_000_000, None):
            if backoff is None or film_us - backoff <= 0:
                self._restart()
                return
            target = int((film_us - backoff + self.start_us) / US / self.stream.time_base)
            self.container.seek(max(target, 0), backward=True, any_frame=False, stream=self.stream)
            self.stream.codec_context.flush_buffers()
            self._frames = self._decode()
            first = next(self._frames, None)
            if first is not None and self._time_us(first) <= film_us:
                self._last, self._last_us = first, self._time_us(first)
                self._remember(self._last_us, first)
                return

    def _restart(self) -> None:
        index = self.stream.index
        self.container.close()
        self.container = av.open(str(self.path))
        self.stream = self.container.streams[index]
        self.stream.thread_type = "AUTO"
        self._frames = self._decode()
        self._last, self._last_us = None, None

    def _remember(self, time_us: int, frame, previous_us: int | None = None) -> None:
        """Cache a decoded frame; ``previous_us`` is the frame decoded just before it, whose
        span now ends here (only spans seen whole are trusted for cache hits)."""
        self._cache[time_us] = [frame, None]
        self._cache.move_to_end(time_us)
        if previous_us is not None and previous_us in self._cache and previous_us < time_us:
            self._cache[previous_us][1] = time_us
        while len(self._cache) > CACHE_FRAMES:
            self._cache.popitem(last=False)

    def frame_at(self, film_us: int) -> Still | None:
        """The frame showing at ``film_us`` (the last one starting at or before it)."""
        self._target_us = film_us
        cached = self._from_cache(film_us)
        if cached is not None:
            return cached
        if self._frames is None or self._last_us is None or not (
            self._last_us <= film_us <= self._last_us + DECODE_AHEAD_US
        ):
            self._seek(film_us)
        best = (self._last_us, self._last) if self._last is not None and self._last_us <= film_us else None
        for frame in self._frames:
            t = self._time_us(frame)
            # Spans are only trusted where every frame decoded (not near skipped ones).
            whole = self._last_us is not None and self._last_us >= film_us - self.margin_us // 2
            self._remember(t, frame, self._last_us if whole else None)
            self._last, self._last_us = frame, t
            if t > film_us:
                if best is None:  # seek landed past the target (damaged start): show what we have
                    best = (t, frame)
                break
            best = (t, frame)
        else:
            self._frames = None  # end of stream: the next request seeks afresh
        if best is None:
            return None
        return self._still(*best)

    def _fit(self, width: int, height: int) -> tuple[int, int] | None:
        """Coded size that, once upright, fits ``box``; None when already small enough."""
        if self.box is None:
            return None
        box_w, box_h = self.box[::-1] if self.orientation.swaps_axes else self.box
        scale = min(box_w / width, box_h / height)
        if scale >= 1:
            return None
        return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)

    def _from_cache(self, film_us: int) -> Still | None:
        for time_us, (frame, next_us) in self._cache.items():
            if next_us is not None and time_us <= film_us < next_us:
                return self._still(time_us, frame)
        return None

    def _still(self, time_us: int, frame) -> Still:
        size = self._fit(frame.width, frame.height)
        if size is None:
            rgb = frame.to_ndarray(format="rgb24")
        else:
            rgb = frame.reformat(width=size[0], height=size[1], format="rgb24").to_ndarray()
        return Still(time_us, self.orientation.upright(rgb))
