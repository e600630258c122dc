"""Probe a media file with PyAV: what it holds, whether it decodes, exact timing.

Timing comes from the packets themselves (media/reading/packet_timing.py): one demux pass, no
decoding, then one decoded frame per stream to prove the file plays and to read rotation.
An import probes quickly (header and first packets) and takes the exact timing from its own
thumbnail and waveform pass over the packets (``exact``), so the file is read once.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.error

from media.safe_io import kind_of
from media.errors import UnsupportedMedia
from media.jobs import CancelToken
from media.reading import interlace
from media.reading.orientation import Orientation
from media.reading.packet_timing import US, FilmTiming, StreamTiming, settle
from media.reading.recorded_time import RecordedTime, recorded_time

log = logging.getLogger(__name__)
av.logging.set_level(av.logging.PANIC)  # FFmpeg's own chatter; we report problems ourselves

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
    mirror: bool = False  # then flipped left-right (front phone cameras): see media.reading.orientation
    sar: Fraction = Fraction(1)
    fps: Fraction | None = None
    frame_count: int | None = None
    vfr: bool = False
    video_start_us: int = 0
    start_us: int = 0  # stream timestamp of the film's time zero
    play_offset_us: int = 0  # that zero on the player's clock (media.reading.packet_timing.settle)
    has_audio: bool = False
    audio_codec: str = ""
    audio_rate: int | None = None
    audio_channels: int | None = None
    audio_duration_us: int | None = None
    video_duration_us: int | None = None
    recorded: RecordedTime | None = None  # when it was filmed, as the file says
    field_order: str = ""  # interlaced: "tff" or "bff" (media.reading.interlace); "" progressive
    # Film time where the sound really stops, when its last packets do not decode (damaged):
    # what the export can use. None: as long as its packets.
    sound_end_us: int | None = None
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


def declared_rate(stream):
    """The frame rate a picture stream's header declares (None for sound)."""
    if stream.type != "video":
        return None
    return stream.average_rate or stream.guessed_rate or stream.base_rate or None


def sample_rate(stream) -> int | None:
    """A sound stream's samples a second (None for pictures)."""
    if stream.type != "audio":
        return None
    return stream.codec_context.sample_rate or getattr(stream, "sample_rate", None) or None


def pick_streams(container):
    """The main video stream (ignoring cover art and empty tracks) and the main audio stream."""
    video = [
        s for s in container.streams.video
        if not (s.disposition & av.stream.Disposition.attached_pic) and s.codec_context is not None
    ]
    audio = [s for s in container.streams.audio if s.codec_context is not None and s.codec_context.name]
    return video, audio


def _measure(container, streams, cancel: CancelToken | None, limit: int | None = None,
             firsts: dict | None = None) -> dict[int, StreamTiming]:
    """Time the packets of ``streams`` (the first ``limit`` only, if given). With ``firsts``
    (a dict), also decode each stream's first frame into it, from the same packets."""
    timings = {s.index: StreamTiming(s.time_base, declared_rate(s), sample_rate(s)) for s in streams}
    tries = {s.index: 0 for s in streams}
    for i, packet in enumerate(container.demux(streams)):
        if limit is not None and i >= limit:
            break  # probe_quick: the first packets only
        if cancel is not None and i % 2000 == 0:
            cancel.check()
        index = packet.stream_index
        if packet.size and index in timings:
            timings[index].add(packet)
        if firsts is not None and index in tries and index not in firsts and tries[index] < DECODE_TRIES:
            tries[index] += 1
            frame = _decoded(packet)
            if frame is not None:
                firsts[index] = frame
    return timings


def _decoded(packet):
    """The first frame (with samples, for sound) this packet gives, if any."""
    try:
        for frame in packet.decode():
            if packet.stream.type == "audio" and not frame.samples:
                continue
            return frame
    except (av.error.FFmpegError, ValueError):
        pass
    return None


def _first_frame(path: Path, stream_index: int, firsts: dict | None = None):
    """Decode the stream's first frame, or None when it never decodes (``firsts``: frames
    already decoded by the quick probe's demux).

    A fresh container: seeking back after the demux pass is unreliable in some formats.
    """
    if firsts and stream_index in firsts:
        return firsts[stream_index]
    with open_container(path) as container:
        stream = container.streams[stream_index]
        tries = 0
        for packet in container.demux(stream):
            tries += 1
            frame = _decoded(packet)
            if frame is not None:
                return frame
            if tries >= DECODE_TRIES:
                break
    return None


QUICK_PACKETS = 600  # probe_quick: enough packets for the frame rate and a decoded frame


def probe_quick(path: Path | str, cancel: CancelToken | None = None) -> MediaInfo:
    """Facts enough to play and mark a long film at once (a demux pass over hours of packets
    takes seconds), from one opening of the file (each opening of an MP4 reads its whole
    packet index: 0.1 s and 15 MB an hour): the first packets of each stream for its rate and
    first frames, the container's header for its length (``frame_count`` unknown). The import's
    thumbnail pass gives the exact facts (``exact``). Files with no length in their header get
    the full ``probe``."""
    return probe(path, cancel, quick=True)


def probe(path: Path | str, cancel: CancelToken | None = None, quick: bool = False) -> MediaInfo:
    """Read what ``path`` holds; raise ``UnsupportedMedia`` naming the file and the reason."""
    path = Path(path)
    if not path.exists():
        raise UnsupportedMedia(f"{path}: file not found")
    if path.is_dir():
        raise UnsupportedMedia(f"{path}: is a folder, not a file")
    if not path.is_file():  # a FIFO would block the demuxer for ever; a device never ends
        raise UnsupportedMedia(f"{path}: is {kind_of(path.stat().st_mode)}, not a file; films are read from files")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, "the file is empty (0 bytes)")
    with open_container(path) as container:
        header_us = container.duration if quick else None
        quick = bool(header_us and header_us > 0)
        video, audio = pick_streams(container)
        if not video and not audio:
            raise _refuse(path, "holds no video or audio stream")
        firsts: dict | None = {} if quick else None
        timings = _measure(container, video + audio, cancel, QUICK_PACKETS if quick else None, firsts)
        # The main video stream is the one with the most frames (skips empty extra tracks).
        video = sorted((s for s in video if len(timings[s.index].pts) > 0), key=lambda s: -len(timings[s.index].pts))
        audio = [s for s in audio if len(timings[s.index].pts) > 0]
        if not video and not audio:
            raise _refuse(path, "holds no video frames or audio samples (damaged, or cut short while copying)")
        info = MediaInfo(path=path, container=container.format.name, duration_us=0, size_bytes=size,
                         recorded=recorded_time(path, container))
        video_timing = audio_timing = None
        if video:
            _probe_video(path, video[0], info, firsts)
            video_timing = timings[video[0].index]
        if audio:
            if _probe_audio(audio[0], info, firsts):
                audio_timing = timings[audio[0].index]
            elif not info.has_video:
                raise _refuse(path, f"its {audio[0].codec_context.name} audio does not decode (damaged or unsupported)")
            else:
                info.warnings.append("the audio track does not decode and is ignored")
        settle(info, video_timing, audio_timing, container.start_time)
        if quick:
            info.duration_us, info.frame_count = header_us, None
        if info.duration_us == 0:
            raise _refuse(path, "has no playable length (0 seconds)")
        return info


def exact(quick: MediaInfo, timing: FilmTiming, cancel: CancelToken | None = None) -> MediaInfo:
    """The exact facts of a film that ``probe_quick`` read, from the packets a pass over the
    whole file measured (the import's thumbnail and waveform pass): no second pass. Where that
    pass could not be sure it read the streams the probe chooses, the full probe runs."""
    video = timing.video if quick.has_video else None
    audio = timing.audio if quick.has_audio else None
    if not timing.sure or (quick.has_video and not video) or (quick.has_audio and not audio):
        return probe(quick.path, cancel)
    info = dataclasses.replace(quick, warnings=list(quick.warnings))
    settle(info, video, audio, timing.container_start_us)
    if info.duration_us == 0:
        raise _refuse(info.path, "has no playable length (0 seconds)")
    return info


def _probe_video(path: Path, stream, info: MediaInfo, firsts: dict | None = None) -> None:
    ctx = stream.codec_context
    frame = _first_frame(info.path, stream.index, firsts)
    if frame is None:
        raise _refuse(path, f"its {ctx.name} video does not decode (damaged or unsupported)")
    if frame.width < 2 or frame.height < 2:
        raise _refuse(path, f"its video is {frame.width}×{frame.height} pixels, too small to be a film")
    info.has_video = True
    info.video_codec = ctx.name
    info.field_order = interlace.flagged(stream, frame)  # what the flags say; the import asks the picture too
    info.width, info.height = frame.width, frame.height
    orientation = Orientation.of_frame(frame)
    info.rotation, info.mirror = orientation.rotation, orientation.mirror
    sar = stream.sample_aspect_ratio or ctx.sample_aspect_ratio
    info.sar = Fraction(sar) if sar and sar > 0 else Fraction(1)


def _probe_audio(stream, info: MediaInfo, firsts: dict | None = None) -> bool:
    frame = _first_frame(info.path, stream.index, firsts)
    if frame is None:
        return False
    info.has_audio = True
    info.audio_codec = stream.codec_context.name
    info.audio_rate = frame.sample_rate
    info.audio_channels = frame.layout.nb_channels if frame.layout else None
    return True


class FileWindow(io.RawIOBase):
    """``size`` bytes of an open file from ``start`` on, as a file of their own (a film stored
    inside a bundle, read where it lies: nothing copied out)."""

    def __init__(self, fh, start: int, size: int) -> None:
        super().__init__()
        self._fh, self._start, self._size, self._at = fh, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = max(0, min(len(buffer), self._size - self._at))
        if not want:
            return 0
        self._fh.seek(self._start + self._at)
        data = self._fh.read(want)
        buffer[:len(data)] = data
        self._at += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._size}[whence]
        self._at = max(0, base + offset)
        return self._at

    def tell(self) -> int:
        return self._at


GLANCE_PACKETS = 50


def film_problem(fileobj) -> str | None:
    """Why ``fileobj`` is not a film FFmpeg can play (None: it is): it must open, hold a video
    or audio stream, and give a packet with data among its first ones. Reads its header and a
    few packets only, whatever its size (a bundle's member is checked so before it is hashed
    or copied out: gigabytes of zeros behind an MP4's first box are refused in a moment)."""
    try:
        with av.open(fileobj, metadata_errors="ignore") as container:
            video, audio = pick_streams(container)
            if not video and not audio:
                return "holds no video or audio stream"
            for n, packet in enumerate(container.demux(*video, *audio)):
                if packet.size:
                    return None
                if n >= GLANCE_PACKETS:
                    break
            return "holds no video frames or audio samples (damaged, or cut short while copying)"
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OSError):
        return "not a video or audio file FFmpeg can open (unknown format, encrypted or damaged)"
