"""Where a film's picture is damaged: frames whose packets FFmpeg cannot decode.

The one pass (``one_pass``) decodes with frame threads, which report a bad packet late (a few
packets on, or only when the decoder is flushed at the end), so it only notes that the picture
failed somewhere. Then, and only then, the same packets are decoded again here on one thread,
which fails on the bad packet itself: its time is the damaged stretch the import says. Films
whose every frame is decoded at import (under ``ALL_FRAMES_BELOW_US``) are checked whole; a
longer film's keyframes only (what its import decodes), so damage between keyframes there is
not found.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import av.error

from media.jobs import CancelToken
from media.reading.probe import open_container, pick_streams
from media.timecode import format_short

US = 1_000_000
CHECK_EVERY = 200  # packets between cancel checks


class Stretches:
    """Packets that did not decode (stream seconds), merged when they touch."""

    def __init__(self) -> None:
        self.bad: list[tuple[Fraction, Fraction]] = []
        self.frames = 0

    def failed(self, packet) -> None:
        self.frames += 1
        add_failed_packet(self.bad, packet)


def add_failed_packet(bad: list[tuple[Fraction, Fraction]], packet) -> None:
    """A packet that did not decode, added to ``bad`` (stream seconds, merged when within 10 ms
    of the stretch before): pictures here, and the one pass's sound."""
    if packet.pts is None or packet.time_base is None:
        return
    begin = Fraction(packet.pts) * Fraction(packet.time_base)
    end = begin + Fraction(packet.duration or 0) * Fraction(packet.time_base)
    if bad and begin <= bad[-1][1] + Fraction(1, 100):
        bad[-1] = (bad[-1][0], max(end, bad[-1][1]))
    else:
        bad.append((begin, end))


def locate(path: Path, width: int, keyframes_only: bool, cancel: CancelToken | None = None) -> Stretches:
    """The picture packets of ``path`` that do not decode, decoded again on one thread (the
    same packets the one pass decoded: all, or keyframes only)."""
    cancel = cancel or CancelToken()
    found = Stretches()
    with open_container(path) as container:
        videos, _audios = pick_streams(container)
        video = next((v for v in videos if v.codec_context.width == width), videos[0] if videos else None)
        if video is None:
            return found
        video.thread_type = "SLICE"  # one frame at a time: a failure is the packet just sent
        ctx = video.codec_context
        for i, packet in enumerate(container.demux(video)):
            if i % CHECK_EVERY == 0:
                cancel.check()
            if not packet.size or (keyframes_only and not packet.is_keyframe):
                continue
            try:
                ctx.decode(packet)
            except (av.error.FFmpegError, ValueError):
                found.failed(packet)
    return found


def warnings(found: Stretches, film_start_us: int, duration_us: int) -> list[str]:
    """What the import says of the damaged picture, one sentence per stretch (three at most)."""
    zero = Fraction(film_start_us, US)

    def film(t: Fraction) -> int:
        return min(max(round((t - zero) * US), 0), duration_us)

    said = []
    for begin, end in found.bad[:3]:
        said.append(f"its picture is damaged from {format_short(film(begin))} to {format_short(film(end))}: "
                    "frames there cannot be decoded")
    if len(found.bad) > 3:
        said.append(f"its picture is damaged in {len(found.bad) - 3} more places")
    if found.frames and not found.bad:
        said.append(f"its picture is damaged: {found.frames} frames cannot be decoded")
    return said
