"""Where a film's own frames begin, read from its packets (no decoding).

A clip's in and out points snap to these boundaries when they are set, so a time typed on the
command line or picked in the GUI means the frame on screen at that time, and the export
starts on that same frame. Reading the real timestamps (not a grid from the nominal rate)
keeps it right for variable frame rates and for pictures that start after the film's zero.
"""

from __future__ import annotations

import math
from pathlib import Path

import av
import av.error

US = 1_000_000
BACKOFFS_US = (1_000_000, 4_000_000, 15_000_000, None)  # None: from the start
LOOK_AHEAD_US = 1_000_000


def frame_start_at(path: Path, film_start_us: int, t_us: int) -> int | None:
    """Film time (µs, rounded up like ``timecode.frame_start_us``) at which the frame showing
    at ``t_us`` begins; None if the film has no picture or cannot be read there."""
    return frame_starts_at(path, film_start_us, [t_us])[0]


def frame_starts_at(path: Path, film_start_us: int, times_us: list[int]) -> list[int | None]:
    """``frame_start_at`` for several times with the film opened once (a clip's in and out:
    opening a long MP4 reads its whole packet index, the most of the cost)."""
    try:
        with av.open(str(path)) as container:
            return [frame_start_in(container, film_start_us, t) for t in times_us]
    except (av.error.FFmpegError, OSError):
        return [None] * len(times_us)


def frame_start_in(container, film_start_us: int, t_us: int) -> int | None:
    """``frame_start_at`` in a film already open (the export opens each film once)."""
    try:
        streams = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
        if not streams:
            return None
        stream = max(streams, key=lambda s: s.frames or 0)
        for backoff in BACKOFFS_US:
            if backoff is None or t_us - backoff <= 0:
                container.seek(0, backward=True, any_frame=False)
                backoff = None
            else:
                container.seek(t_us - backoff + film_start_us, backward=True, any_frame=False)
            starts = _starts(container, stream, film_start_us, t_us)
            if starts and (min(starts) <= t_us or backoff is None):
                before = [s for s in starts if s <= t_us]
                return max(before) if before else min(starts)
    except (av.error.FFmpegError, OSError):
        return None
    return None


def _starts(container, stream, film_start_us: int, t_us: int) -> list[int]:
    starts = []
    for packet in container.demux(stream):
        if packet.pts is None or not packet.size or packet.is_discard:
            continue
        start = math.ceil(packet.pts * packet.time_base * US) - film_start_us
        starts.append(start)
        # B-frames arrive out of order: read a little past the target before deciding.
        if start > t_us + LOOK_AHEAD_US:
            break
    return starts
