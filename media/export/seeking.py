"""Where to open a film so that a clip starts on the exact frame: measured, not guessed.

ffmpeg's input seeking (``-ss`` before ``-i``) is exact where the container has an index (MP4,
MOV, MKV, WebM...). Where it has none (MPEG program streams, MPEG-1/2) the seek lands a few
frames past the target and decoding starts at the next keyframe: the clip began 3-6 frames
late (docs/measured.md). So for each clip we ask the demuxer the same question ffmpeg will: seek to
the in point and decode the first picture. If it is later than the in point, back off until
it is not, then open the input that far before the in point and trim the rest in the filter
graph (exact, by timestamp).

The same short look near the out point tells where the film's streams really end, so the
exporter knows how many frames or samples the source truly lacks (a film whose sound stops
before its picture) and can treat any other shortfall as a failure, never fill it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

US = 1_000_000
LEAD_US = 100_000  # always open a little early: the in point's frame may start 1 µs before it
BACKOFFS_US = (0, 1_000_000, 4_000_000, 15_000_000)
SAFETY_US = 1_000_000  # where backing off was needed, one more second: ffmpeg's own seek may differ a little
LOOK_PACKETS = 400


@dataclass(frozen=True)
class Access:
    lead_us: int  # open the input this long before the in point (never before the film's start)
    video_end_us: int | None  # film time where the picture ends, if within reach of the out point
    audio_end_us: int | None


def measure(path: Path, film_start_us: int, in_us: int, out_us: int, video: bool, audio: bool) -> Access:
    import av  # here, not at the top: the exporting process needs only ``Access`` (``pieces``)
    import av.error

    try:
        with av.open(str(path)) as container:
            return measure_in(container, film_start_us, in_us, out_us, video, audio)
    except (av.error.FFmpegError, OSError):
        return Access(in_us, None, None)  # decode from the start: slow but exact


def measure_in(container, film_start_us: int, in_us: int, out_us: int, video: bool, audio: bool) -> Access:
    """``measure`` in a film already open (the export opens each film once, ``pieces``)."""
    import av.error

    try:
        lead = _lead(container, film_start_us, in_us) if video else LEAD_US
        ends = _ends(container, film_start_us, out_us, video, audio)
    except (av.error.FFmpegError, OSError, StopIteration):
        lead, ends = in_us, (None, None)  # decode from the start: slow but exact
    return Access(min(lead, in_us), *ends)


def _first_picture_us(container, stream, film_start_us: int) -> int | None:
    import av.error

    tries = 0
    for packet in container.demux(stream):
        tries += 1
        try:
            for frame in packet.decode():
                if frame.pts is not None:
                    return math.floor(frame.pts * frame.time_base * US) - film_start_us
        except (av.error.FFmpegError, ValueError):
            pass
        if tries > LOOK_PACKETS:
            break
    return None


def _lead(container, film_start_us: int, in_us: int) -> int:
    stream = _video(container)
    if stream is None:
        return LEAD_US
    for backoff in BACKOFFS_US:
        target = in_us - LEAD_US - backoff
        if target <= 0:
            return in_us
        container.seek(target + film_start_us, backward=True, any_frame=False)
        stream.codec_context.flush_buffers()
        first = _first_picture_us(container, stream, film_start_us)
        if first is not None and first <= in_us - LEAD_US // 2:
            return LEAD_US + backoff + (SAFETY_US if backoff else 0)
    return in_us


def _ends(container, film_start_us: int, out_us: int, video: bool, audio: bool) -> tuple[int | None, int | None]:
    """Film time where each stream's last packet ends, looking from 2 s before ``out_us``;
    None where the stream goes on past the out point (or there is no such stream)."""
    streams = [s for s in (_video(container) if video else None, _audio(container) if audio else None) if s]
    if not streams:
        return None, None
    container.seek(max(out_us - 2 * US, 0) + film_start_us, backward=True, any_frame=False)
    ends: dict[int, int] = {}
    past: set[int] = set()
    for packet in container.demux(streams):
        if packet.pts is None or not packet.size or packet.is_discard:
            continue
        begin = packet.pts * packet.time_base * US - film_start_us
        finish = math.floor((packet.pts + (packet.duration or 0)) * packet.time_base * US) - film_start_us
        ends[packet.stream.index] = max(ends.get(packet.stream.index, 0), finish)
        if begin > out_us + US // 2:
            past.add(packet.stream.index)
            if len(past) == len(streams):
                break
    result = []
    for kind in ("video", "audio"):
        stream = next((s for s in streams if s.type == kind), None)
        result.append(None if stream is None or stream.index in past else ends.get(stream.index))
    return result[0], result[1]


def video_stream(container):
    """The film's picture: the video stream with most frames, never a cover picture."""
    return _video(container)


def audio_stream(container):
    return _audio(container)


def _video(container):
    import av

    streams = [s for s in container.streams.video if not (s.disposition & av.stream.Disposition.attached_pic)]
    return max(streams, key=lambda s: s.frames or 0) if streams else None


def _audio(container):
    return container.streams.audio[0] if container.streams.audio else None
