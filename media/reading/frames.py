"""Exact frames of a film, decoded with PyAV: what the paused player shows.

Qt's player seeks to keyframes in some formats (MPEG-1/2 land up to a GOP late), so every
still the facilitator sees while marking comes from here: seek to the keyframe at or before
the target, decode forward to the frame showing at the target. The decoder stays open between
requests: a target ahead in the same GOP (no keyframe between, by the container's own keyframe
index) is decoded forward from where the decoder is, one in another GOP is sought. Frames
decoded are kept in a cache bounded in bytes (``CACHE_BYTES``), which a scrub back through a GOP
and the frames decoded ahead of the playhead while idle (``decode_ahead``) fill; a frame is
served from it only where its whole span was seen (its start and the next frame's start), so a
cached frame is always the frame showing at the time asked for. A request can be abandoned
mid-decode when a newer one supersedes it (``superseded``): dragging shows the latest frame.
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
CACHE_BYTES = 192 * 1024 * 1024  # decoded frames kept (61 at 1080p 8-bit, 7 at 4K 10-bit)
AHEAD_FRAMES = 15  # frames decoded past the one shown while the reader is idle
SCRUB_BACK_US = 2_000_000  # a step back this short is a scrub: cache the GOP up to it
DECODE_AHEAD_US = 3_000_000  # without a keyframe index: closer than this, decode forward
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
        self._skipped_max = -(1 << 62)  # latest time of a packet that may have been skipped
        self.box: tuple[int, int] | None = None  # scale stills to fit (the view's size)
        self._cache: OrderedDict[int, list] = OrderedDict()  # start µs -> [frame, next start µs, bytes]
        self._cache_bytes = 0
        self.keys_us = self._keyframes()  # film times of the keyframes (empty: unknown)

    def _keyframes(self) -> np.ndarray:
        """The container's own keyframe index (MP4, MKV: read with the header, no demuxing);
        empty for streams without one (MPEG program and transport streams)."""
        try:
            entries = self.stream.index_entries
            tb = self.stream.time_base
            # The entries are decoding times: B-frames put a picture's showing time later by
            # the reordering delay, the distance from the first entry to the stream's start.
            delay = 0
            if len(entries) and self.stream.start_time is not None:
                delay = max(self.stream.start_time - entries[0].timestamp, 0)
            keys = [math.floor((e.timestamp + delay) * tb * US) - self.start_us for e in entries if e.is_keyframe]
        except (AttributeError, TypeError, av.error.FFmpegError):
            return np.empty(0, dtype=np.int64)
        return np.unique(np.asarray(keys, dtype=np.int64))

    def _same_gop_ahead(self, film_us: int) -> bool:
        """Is ``film_us`` reached by decoding on from where the decoder is, without passing a
        keyframe (where seeking costs less)?"""
        if self._frames is None or self._last_us is None or film_us < self._last_us:
            return False
        # Frames past the decoder's place skipped for an earlier, further target (a drag back
        # that superseded it): the one at ``film_us`` may be among them.
        if self._skipped_max >= self._last_us and film_us - self.margin_us <= self._skipped_max:
            return False
        if not len(self.keys_us):
            return film_us <= self._last_us + DECODE_AHEAD_US
        following = np.searchsorted(self.keys_us, self._last_us, side="right")
        return following >= len(self.keys_us) or self.keys_us[following] > film_us

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
            time_us = None if packet.pts is None else round(packet.pts * packet.time_base * US) - self.start_us
            far = time_us is not None and time_us < self._target_us - self.margin_us
            ctx.skip_frame = "NONREF" if far else "DEFAULT"
            if far:  # it may not be decoded: no span across it can be trusted
                self._skipped_max = max(self._skipped_max, time_us)
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
            self._skipped_max = -(1 << 62)
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
        self._skipped_max = -(1 << 62)
        self._frames = self._decode()
        self._last, self._last_us = None, None

    def _remember(self, time_us: int, frame, previous_us: int | None = None) -> None:
        """Cache a decoded frame; ``previous_us`` is the frame decoded just before it, whose
        span now ends here (only spans seen whole are trusted for cache hits)."""
        old = self._cache.pop(time_us, None)
        if old is not None:
            self._cache_bytes -= old[2]
        size = sum(plane.buffer_size for plane in frame.planes)
        self._cache[time_us] = [frame, old[1] if old is not None else None, size]
        self._cache_bytes += size
        if previous_us is not None and previous_us in self._cache and previous_us < time_us:
            self._cache[previous_us][1] = time_us
        while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
            self._cache_bytes -= self._cache.popitem(last=False)[1][2]

    def frame_at(self, film_us: int, superseded=None) -> Still | None:
        """The frame showing at ``film_us`` (the last one starting at or before it). None when
        ``superseded()`` turned true while decoding (a newer request wants the decoder)."""
        cached = self._from_cache(film_us)
        if cached is not None:
            return cached
        back = self._last_us is not None and 0 < self._last_us - film_us <= SCRUB_BACK_US
        if not self._same_gop_ahead(film_us):
            # Scrubbing back: decode every frame from the keyframe (none skipped), so the
            # frames before this one are in the cache for the next step back.
            self._target_us = -US if back else film_us
            self._seek(film_us)
        self._target_us = -US if back else film_us
        best = (self._last_us, self._last) if self._last is not None and self._last_us <= film_us else None
        for frame in self._frames:
            t = self._time_us(frame)
            self._take(t, frame)
            if t > film_us:
                if best is None:  # seek landed past the target (damaged start): show what we have
                    best = (t, frame)
                break
            best = (t, frame)
            if superseded is not None and superseded():
                return None
        else:
            self._frames = None  # end of stream: the next request seeks afresh
        if best is None:
            return None
        return self._still(*best)

    def _take(self, t: int, frame) -> None:
        # A span is trusted only where no frame after its start was skipped: the frame decoded
        # before this one is then the one shown before it.
        whole = self._last_us is not None and self._last_us > self._skipped_max
        self._remember(t, frame, self._last_us if whole else None)
        self._last, self._last_us = frame, t

    def decode_ahead(self, count: int = AHEAD_FRAMES, superseded=None) -> int:
        """While idle: decode up to ``count`` frames on from the decoder's position into the
        cache (stopping at ``superseded()``); how many were decoded."""
        if self._frames is None or self._last_us is None:
            return 0
        self._target_us = -US  # skip nothing: every span ahead is seen whole
        done = 0
        while done < count and not (superseded is not None and superseded()):
            frame = next(self._frames, None)
            if frame is None:
                self._frames = None
                break
            self._take(self._time_us(frame), frame)
            done += 1
        return done

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
        for time_us, (frame, next_us, _size) in self._cache.items():
            if next_us is not None and time_us <= film_us < next_us:
                return self._still(time_us, frame)
        return None

    def _still(self, time_us: int, frame) -> Still:
        size = self._fit(frame.width, frame.height)
        if size is None:
            rgb = frame.to_ndarray(format="rgb24")
        else:
            # Area averaging: as sharp as the default bicubic when shrinking, 4x cheaper.
            rgb = frame.reformat(width=size[0], height=size[1], format="rgb24", interpolation="AREA").to_ndarray()
        return Still(time_us, self.orientation.upright(rgb))
