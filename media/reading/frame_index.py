"""The one frame rule: which of a film's own frames is on screen at a time, and ranges of them.

A film's pictures are its own frames, numbered in showing order from 0, each on screen from
its own timestamp until the next one's (the last until the picture ends). Not a grid from the
nominal rate: MKV and WebM keep milliseconds (a 30 fps frame 91 starts at 3.033 s, not
3.0333), an MPEG program stream or a phone's variable rate puts frames where it likes. So the
times come from the film's packets (read once, at import, and kept in the film's cache), and
every question about frames is answered here, by ``FrameIndex``:

- ``at(t)``: the frame on screen at film time ``t`` (the last one starting at or before ``t``;
  before the first picture, the first frame, as the paused player shows it);
- ``start(i)`` / ``end(i)``: when frame ``i`` comes on and goes off;
- ``frames(start, end)``: the frames of a clip ``[start, end)`` as a ``FrameRange``;
- ``snap(start, end)``: in and out points moved onto frame boundaries (where marks, clips,
  the player and every exporter cut).

``FrameRange`` (in ``media.timecode``, with the other time primitives, so an exporter can hold
one without loading numpy) is a half-open range of frames, ``[first, first + count)``, integers (as
OpenTimelineIO's ``TimeRange``, without its floats): what the OTIO and EDL writers say a clip
is. Times are integer microseconds of film time (zero at the film's start, ``Film.start_us``
in stream time); the index is stored in stream time so it does not depend on where zero is.
"""

from __future__ import annotations

import math
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np

from media.timecode import FrameRange

US = 1_000_000
INDEX_FILE = "frames.idx"
_MAGIC = b"PRFI1"


def stream_us(pts: int, time_base) -> int:
    """A packet's or frame's timestamp in whole microseconds of stream time, rounded up (so a
    frame starting at 33,333.3 µs is on screen from 33,334 µs, and never before its time)."""
    return math.ceil(Fraction(pts) * Fraction(time_base) * US)


class FrameIndex:
    """Start times of every frame of a film (film time, µs, in showing order) and when the
    last one ends."""

    def __init__(self, starts_us, end_us: int) -> None:
        self.starts = np.asarray(starts_us, dtype=np.int64)
        if len(self.starts) == 0:
            raise ValueError("a frame index needs at least one frame")
        self.end_us = max(int(end_us), int(self.starts[-1]) + 1)

    # -- building -----------------------------------------------------------------------
    @classmethod
    def from_stream_times(cls, stream_starts_us, stream_end_us: int, film_start_us: int) -> "FrameIndex":
        starts = np.unique(np.asarray(stream_starts_us, dtype=np.int64))
        return cls(starts - film_start_us, stream_end_us - film_start_us)

    @classmethod
    def from_timing(cls, timing, film_start_us: int) -> "FrameIndex | None":
        """From a picture stream's packets as ``media.reading.packet_timing`` measured them."""
        if timing is None or not len(timing):
            return None
        pts = np.unique(np.frombuffer(timing.pts, dtype=np.int64))
        tb = timing.time_base
        # Exact rounding up of pts * tb in integers: ceil(pts * num * US / den).
        num, den = tb.numerator * US, tb.denominator
        starts = -((-pts * num) // den) if _fits(pts, num) else np.array([stream_us(int(p), tb) for p in pts])
        end = timing.end
        end_us = math.ceil(end * US) if end is not None else int(starts[-1]) + 1
        return cls.from_stream_times(starts, end_us, film_start_us)

    @classmethod
    def grid(cls, fps: Fraction, duration_us: int) -> "FrameIndex":
        """A stand-in on the nominal grid, for a film whose own index is not read yet."""
        fps = Fraction(fps)
        count = max(1, math.ceil(Fraction(duration_us) * fps / US))
        i = np.arange(count, dtype=np.int64)
        starts = -((-i * (US * fps.denominator)) // fps.numerator)  # ceil(i / fps), exact, for hours of frames
        return cls(starts, duration_us)

    # -- the rule -------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self.starts)

    def __len__(self) -> int:
        return self.count

    def at(self, t_us: int) -> int:
        """The frame on screen at film time ``t_us``: the last one starting at or before it
        (the first before the picture starts; the last after it ends)."""
        i = int(np.searchsorted(self.starts, t_us, side="right")) - 1
        return min(max(i, 0), self.count - 1)

    def start(self, index: int) -> int:
        """When frame ``index`` comes on screen; ``start(count)`` is when the picture ends."""
        if index >= self.count:
            return self.end_us
        return int(self.starts[max(index, 0)])

    def end(self, index: int) -> int:
        """When frame ``index`` goes off screen (the next one's start)."""
        return self.start(index + 1)

    def middle(self, index: int) -> int:
        """A time well inside frame ``index``: where to seek a decoder to land on it."""
        return (self.start(index) + self.end(index)) // 2

    def nearest_boundary(self, t_us: int) -> int:
        """The frame boundary nearest to ``t_us`` (where a dragged edge lands)."""
        i = self.at(t_us)
        start, end = self.start(i), self.end(i)
        return start if t_us - start <= end - t_us else end

    def frames(self, start_us: int, end_us: int) -> FrameRange:
        """The frames of a clip ``[start_us, end_us)``: the frame on screen at its in point, and
        every later frame that starts before its out point (at least one)."""
        first = self.at(start_us)
        last_end = int(np.searchsorted(self.starts, end_us, side="left"))
        return FrameRange(first, max(last_end - first, 1))

    def span(self, frames: FrameRange) -> tuple[int, int]:
        """Film time ``[start, end)`` of ``frames``."""
        return self.start(frames.first), self.start(frames.end)

    def snap(self, start_us: int, end_us: int) -> tuple[int, int]:
        """In and out points on frame boundaries: the in point at the start of the frame on
        screen there, the out point at the start of the frame on screen there (that frame is
        not in the clip); both in one frame: that one frame. Past the end of the picture (a
        film whose sound goes on) there is no frame to snap to: times stay as they are."""
        start = start_us if start_us >= self.end_us else self.start(self.at(start_us))
        if end_us > self.end_us:
            end = end_us
        else:
            end = self.start(self.at(end_us)) if end_us < self.end_us else self.end_us
            if end <= start:
                end = self.end(self.at(start))
        return start, max(end, start + 1)

    # -- keeping it -----------------------------------------------------------------------
    def save(self, path: Path, film_start_us: int) -> None:
        """Write in stream time (deltas, compressed: a constant rate is a few bytes)."""
        stream = self.starts + film_start_us
        deltas = np.diff(stream, prepend=stream[:1])
        head = np.array([stream[0], self.end_us + film_start_us, len(stream)], dtype=np.int64)
        data = _MAGIC + zlib.compress(head.tobytes() + deltas.astype(np.int64).tobytes(), 6)
        part = path.with_name(path.name + ".part")
        part.write_bytes(data)
        part.replace(path)

    @classmethod
    def load(cls, path: Path, film_start_us: int) -> "FrameIndex | None":
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not data.startswith(_MAGIC):
            return None
        try:
            raw = np.frombuffer(zlib.decompress(data[len(_MAGIC):]), dtype=np.int64)
        except zlib.error:
            return None
        first, end, count = (int(v) for v in raw[:3])
        deltas = raw[3:]
        if count < 1 or len(deltas) != count:
            return None
        stream = first + np.cumsum(deltas)
        return cls.from_stream_times(stream, end, film_start_us)


def _fits(pts: np.ndarray, num: int) -> bool:
    """Whether ``pts * num`` stays inside int64 for every pts."""
    if not len(pts):
        return True
    biggest = max(abs(int(pts.max())), abs(int(pts.min())))
    return biggest * num < 2 ** 62


def read_index(path: Path, film_start_us: int, cancel=None) -> FrameIndex | None:
    """Read a film's frame index from its packets (no decoding): for films imported before
    indexes were kept. None if it has no picture or cannot be read."""
    import av
    import av.error

    from media.reading.packet_timing import StreamTiming
    from media.reading.probe import declared_rate

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = [s for s in container.streams.video
                       if not (s.disposition & av.stream.Disposition.attached_pic)]
            if not streams:
                return None
            timings = {s.index: StreamTiming(s.time_base, declared_rate(s)) for s in streams}
            for n, packet in enumerate(container.demux(streams)):
                if cancel is not None and n % 2000 == 0:
                    cancel.check()
                if packet.size and packet.stream_index in timings:
                    timings[packet.stream_index].add(packet)
    except (av.error.FFmpegError, OSError):
        return None
    from media.reading.packet_timing import rate_and_vfr

    timing = max(timings.values(), key=len)
    if not len(timing):
        return None
    rate_and_vfr(timing)  # sets the end of a last packet that carries no duration
    return FrameIndex.from_timing(timing, film_start_us)


BACKOFFS_US = (1_000_000, 4_000_000, 15_000_000, None)  # None: from the start
LOOK_AHEAD_US = 1_000_000  # pictures come in decoding order: read this far past a time


def read_near(path: Path, film_start_us: int, times_us: list[int]) -> FrameIndex | None:
    """The film's frames around ``times_us`` only (a clip's in and out), read from its packets
    with the film opened once: for snapping a clip on a film whose whole index is not kept yet
    (still importing, or imported before indexes were kept) without reading hours of packets.
    Its frame numbers are not the film's (use it for times: ``snap``), and where nothing was
    read past the last time, the picture is taken to go on."""
    import av
    import av.error

    starts: set[int] = set()
    ended = None
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
            if not streams:
                return None
            stream = max(streams, key=lambda s: s.frames or 0)
            for t in sorted(times_us):
                found, end = _around(path, container, stream, film_start_us, t)
                starts.update(found)
                ended = end if end is not None else ended
    except (av.error.FFmpegError, OSError):
        return None
    if not starts:
        return None
    ordered = sorted(starts)
    return FrameIndex(ordered, ended if ended is not None else max(times_us) + 3600 * US)


def _around(path, container, stream, film_start_us: int, t_us: int) -> tuple[list[int], int | None]:
    """Frame starts (film time) from a keyframe at or before ``t_us`` to a little past it, and
    the picture's end if the film ended meanwhile. Formats without an index (MPEG program
    streams) may seek late: back off further, and read from the start if need be (opened
    afresh: a seek to 0 there may skip the first packet)."""
    import av

    for backoff in BACKOFFS_US:
        if backoff is None or t_us - backoff <= 0:
            with av.open(str(path), metadata_errors="ignore") as fresh:
                return _read(fresh, fresh.streams[stream.index], film_start_us, t_us)
        container.seek(t_us - backoff + film_start_us, backward=True, any_frame=False)
        found, end = _read(container, stream, film_start_us, t_us)
        if found and min(found) <= t_us:
            return found, end
    return [], None


def _read(container, stream, film_start_us: int, t_us: int) -> tuple[list[int], int | None]:
    found, last_end = [], None
    for packet in container.demux(stream):
        if packet.pts is None or not packet.size or packet.is_discard:
            if packet.size == 0 and packet.pts is None:  # the end of the film
                return found, last_end
            continue
        start = stream_us(packet.pts, packet.time_base) - film_start_us
        found.append(start)
        if packet.duration:
            last_end = max(last_end or 0, stream_us(packet.pts + packet.duration, packet.time_base) - film_start_us)
        if start > t_us + LOOK_AHEAD_US:
            return found, None
    return found, last_end
