"""Probe a media file with PyAV: what it holds, whether it decodes, exact timing.

Container headers lie (an MKV declaring 60 fps for 30 fps frames, an MP3 whose duration is
guessed from a bitrate), so timing comes from the packets themselves: one demux pass, no
decoding, then one decoded frame per stream to prove the file plays and to read rotation.
"""

from __future__ import annotations

import logging
from array import array
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.error
import numpy as np

from media.errors import UnsupportedMedia
from media.jobs import CancelToken
from media.orientation import Orientation

log = logging.getLogger(__name__)
av.logging.set_level(av.logging.PANIC)  # FFmpeg's own chatter; we report problems ourselves

US = 1_000_000
STANDARD_RATES = [Fraction(r) for r in ("24000/1001", "24", "25", "30000/1001", "30", "48", "50", "60000/1001", "60", "90", "100", "120", "240")]
SNAP_TOLERANCE = Fraction(1, 200)  # within 0.5% of a standard rate: the camera meant that rate
DECODE_TRIES = 300  # packets to try before declaring a stream undecodable


@dataclass
class MediaInfo:
    path: Path
    container: str
    duration_us: int
    size_bytes: int
    has_video: bool = False
    video_codec: str = ""
    width: int | None = None
    height: int | None = None
    rotation: int = 0  # degrees clockwise to turn the picture upright
    mirror: bool = False  # then flipped left-right (front phone cameras): see media.orientation
    sar: Fraction = Fraction(1)
    fps: Fraction | None = None
    frame_count: int | None = None
    vfr: bool = False
    video_start_us: int = 0
    start_us: int = 0  # stream timestamp of the film's time zero
    has_audio: bool = False
    audio_codec: str = ""
    audio_rate: int | None = None
    audio_channels: int | None = None
    audio_duration_us: int | None = None
    video_duration_us: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def orientation(self) -> Orientation:
        return Orientation(self.rotation, self.mirror)

    @property
    def display_size(self) -> tuple[int, int] | None:
        """Upright size in square pixels."""
        if not self.has_video or not self.width or not self.height:
            return None
        w = round(self.width * self.sar) if self.sar and self.sar != 1 else self.width
        return (self.height, w) if self.rotation in (90, 270) else (w, self.height)


def _refuse(path: Path, reason: str) -> UnsupportedMedia:
    return UnsupportedMedia(f"{path.name}: {reason}")


def open_container(path: Path):
    try:
        return av.open(str(path), metadata_errors="ignore")
    except FileNotFoundError as exc:
        raise UnsupportedMedia(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise UnsupportedMedia(f"{path}: is a folder, not a file") from exc
    except PermissionError as exc:
        raise UnsupportedMedia(f"{path}: permission denied") from exc
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise _refuse(path, "not a video or audio file FFmpeg can open (unknown format, encrypted or damaged)") from exc


def pick_streams(container):
    """The main video stream (ignoring cover art and empty tracks) and the main audio stream."""
    video = [
        s for s in container.streams.video
        if not (s.disposition & av.stream.Disposition.attached_pic) and s.codec_context is not None
    ]
    audio = [s for s in container.streams.audio if s.codec_context is not None and s.codec_context.name]
    return video, audio


@dataclass
class _Timing:
    # 8 bytes a packet (a list of Python ints took ~5x that: 100+ MB for a 6-hour film)
    pts: array = field(default_factory=lambda: array("q"))
    start: Fraction | None = None
    end: Fraction | None = None

    def add(self, packet) -> None:
        # Packets an edit list cuts away (AAC encoder priming, a trimmed phone clip's head)
        # are demuxed but never shown or heard: they are not part of the film's length.
        if packet.pts is None or packet.is_discard:
            return
        tb = packet.time_base
        begin = packet.pts * tb
        finish = (packet.pts + (packet.duration or 0)) * tb
        self.pts.append(packet.pts)
        self.start = begin if self.start is None else min(self.start, begin)
        self.end = finish if self.end is None else max(self.end, finish)


def _measure(container, streams, cancel: CancelToken | None, limit: int | None = None) -> dict[int, _Timing]:
    timings = {s.index: _Timing() for s in streams}
    for i, packet in enumerate(container.demux(streams)):
        if limit is not None and i >= limit:
            break  # probe_quick: the first packets only
        if cancel is not None and i % 2000 == 0:
            cancel.check()
        if packet.size and packet.stream.index in timings:
            timings[packet.stream.index].add(packet)
    return timings


def _first_frame(path: Path, stream_index: int):
    """Decode the stream's first frame, or None when it never decodes.

    A fresh container: seeking back after the demux pass is unreliable in some formats.
    """
    with open_container(path) as container:
        stream = container.streams[stream_index]
        tries = 0
        for packet in container.demux(stream):
            tries += 1
            try:
                for frame in packet.decode():
                    if stream.type == "audio" and not frame.samples:
                        continue
                    return frame
            except (av.error.FFmpegError, ValueError):
                pass
            if tries >= DECODE_TRIES:
                break
    return None


def _rate_and_vfr(timing: _Timing, time_base: Fraction) -> tuple[Fraction | None, bool, int]:
    pts = np.unique(np.frombuffer(timing.pts, dtype=np.int64))  # sorted, each once
    count = len(pts)
    if count < 2 or pts[-1] == pts[0]:
        return None, False, count
    # From the timestamps themselves: a missing last-packet duration (common in MKV) must
    # not bend the rate.
    measured = Fraction(count - 1) / (int(pts[-1] - pts[0]) * time_base)
    ticks = np.sort(np.diff(pts))  # gaps in stream ticks: exact, and 8 bytes each
    gaps = (Fraction(int(ticks[0])) * time_base, Fraction(int(ticks[-1])) * time_base)
    median = Fraction(int(ticks[len(ticks) // 2])) * time_base
    pts = (int(pts[0]), int(pts[-1]))
    if timing.end is not None and timing.end <= pts[-1] * time_base:
        timing.end = pts[-1] * time_base + median  # the last frame lasts as long as most
    # Ignore timestamp rounding (MKV's 1 ms ticks make 30 fps alternate 33/34 ms).
    slack = max(Fraction(3, 1000), median / 5)
    vfr = (gaps[1] - gaps[0]) > slack
    # The nominal rate is the frame grid most frames sit on (1 / the median gap): timecodes
    # count frames on it. Gaps and bursts in VFR footage then show only in ``vfr``.
    for candidate in (1 / median, measured):
        nearest = min(STANDARD_RATES, key=lambda rate: abs(candidate / rate - 1))
        if abs(candidate / nearest - 1) <= SNAP_TOLERANCE:
            return nearest, vfr, count
    return measured.limit_denominator(1001), vfr, count


QUICK_PACKETS = 600  # probe_quick: enough packets for the frame rate and a decoded frame


def probe_quick(path: Path | str, cancel: CancelToken | None = None) -> MediaInfo:
    """Facts enough to play and mark a long film at once (a demux pass over hours of packets
    takes seconds): the first packets of each stream for its rate, the container's header for
    its length (``frame_count`` unknown). ``probe`` gives the exact facts later (app/ops/
    staged_import.py runs it in the background). Files with no length in their header get the
    full ``probe``."""
    path = Path(path)
    if path.is_file():
        with open_container(path) as container:
            header_us = container.duration
        if header_us and header_us > 0:
            return probe(path, cancel, _quick_length_us=header_us)
    return probe(path, cancel)


def probe(path: Path | str, cancel: CancelToken | None = None, _quick_length_us: int | None = None) -> MediaInfo:
    """Read what ``path`` holds; raise ``UnsupportedMedia`` naming the file and the reason."""
    path = Path(path)
    if not path.exists():
        raise UnsupportedMedia(f"{path}: file not found")
    if path.is_dir():
        raise UnsupportedMedia(f"{path}: is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, "the file is empty (0 bytes)")
    with open_container(path) as container:
        video, audio = pick_streams(container)
        if not video and not audio:
            raise _refuse(path, "holds no video or audio stream")
        timings = _measure(container, video + audio, cancel, QUICK_PACKETS if _quick_length_us else None)
        # The main video stream is the one with the most frames (skips empty extra tracks).
        video = sorted((s for s in video if len(timings[s.index].pts) > 0), key=lambda s: -len(timings[s.index].pts))
        audio = [s for s in audio if len(timings[s.index].pts) > 0]
        if not video and not audio:
            raise _refuse(path, "holds no video frames or audio samples (damaged, or cut short while copying)")
        info = MediaInfo(path=path, container=container.format.name, duration_us=0, size_bytes=size)
        starts, ends = [], []
        if video:
            _probe_video(path, container, video[0], timings[video[0].index], info)
            starts.append(timings[video[0].index].start)
            ends.append(timings[video[0].index].end)
        if audio:
            if _probe_audio(container, audio[0], info):
                starts.append(timings[audio[0].index].start)
                ends.append(timings[audio[0].index].end)
                t = timings[audio[0].index]
                info.audio_duration_us = round((t.end - t.start) * US)
            elif not info.has_video:
                raise _refuse(path, f"its {audio[0].codec_context.name} audio does not decode (damaged or unsupported)")
            else:
                info.warnings.append("the audio track does not decode and is ignored")
        # Time zero is FFmpeg's container start (what Qt's player counts from too).
        info.start_us = container.start_time if container.start_time is not None else round(min(starts) * US)
        info.duration_us = max(0, round((max(ends) - min(starts)) * US))
        if _quick_length_us is not None:
            info.duration_us, info.frame_count = _quick_length_us, None
        if info.duration_us == 0:
            raise _refuse(path, "has no playable length (0 seconds)")
        return info


def _probe_video(path: Path, container, stream, timing: _Timing, info: MediaInfo) -> None:
    ctx = stream.codec_context
    frame = _first_frame(info.path, stream.index)
    if frame is None:
        raise _refuse(path, f"its {ctx.name} video does not decode (damaged or unsupported)")
    if frame.width < 2 or frame.height < 2:
        raise _refuse(path, f"its video is {frame.width}×{frame.height} pixels, too small to be a film")
    info.has_video = True
    info.video_codec = ctx.name
    info.width, info.height = frame.width, frame.height
    orientation = Orientation.of_frame(frame)
    info.rotation, info.mirror = orientation.rotation, orientation.mirror
    sar = stream.sample_aspect_ratio or ctx.sample_aspect_ratio
    info.sar = Fraction(sar) if sar and sar > 0 else Fraction(1)
    info.fps, info.vfr, info.frame_count = _rate_and_vfr(timing, stream.time_base)
    info.video_start_us = round(timing.start * US)
    info.video_duration_us = round((timing.end - timing.start) * US)


def _probe_audio(container, stream, info: MediaInfo) -> bool:
    frame = _first_frame(info.path, stream.index)
    if frame is None:
        return False
    info.has_audio = True
    info.audio_codec = stream.codec_context.name
    info.audio_rate = frame.sample_rate
    info.audio_channels = frame.layout.nb_channels if frame.layout else None
    return True
