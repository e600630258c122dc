"""Thumbnail pages, waveform peaks and exact timing of a film, from one pass over its packets.

One opening of the file, one demux: pictures (keyframes of long films) and sound are decoded
as their packets come, and every packet is timed (``FilmTiming``), so the film's exact length,
rate and frame count need no second pass (``media.reading.probe.exact``). One opening also keeps
memory flat: FFmpeg holds an MP4's whole packet index for each opening (about 15 MB an hour).
Pictures and peaks are written to disk as they are decoded, so a longer film takes no more
memory. Two picture/sound threads over two openings were measured slower on two cores (the
Python work per packet holds the GIL) and cost a second index; the other core hashes the file
meanwhile, and imports run two films at a time.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import av
import av.error

from media.jobs import CancelToken, ProgressFn, no_progress
from media.reading import interlace
from media.reading.frame_index import INDEX_FILE, FrameIndex
from media.reading.packet_timing import FilmTiming, StreamTiming
from media.reading.probe import MediaInfo, declared_rate, exact, open_container, pick_streams, sample_rate
from media.analysis import damaged_pictures
from media.analysis.thumbnails import StripCollector
from media.analysis.waveform import PeakCollector

US = 1_000_000
MESSAGE = "thumbnails and waveform"
PROGRESS_EVERY = 200  # packets between cancel checks and progress reports


def analyse(
    info: MediaInfo,
    folder: Path,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> MediaInfo:
    """Write the strip and peaks for ``info.path`` into ``folder`` (which must exist) and
    return the film's exact facts (``info`` may come from ``probe_quick``): its length is known
    only once every packet is read, so the strip's last marks are settled after that."""
    cancel = cancel or CancelToken()
    if info.has_video:  # interlaced? The flags, and the picture itself when they may lie
        info = dataclasses.replace(info, field_order=interlace.detect(
            info.path, info.field_order, info.fps, info.vfr, info.height, info.duration_us))
    timing = FilmTiming()
    failures: list[int] = []  # picture packets that did not decode (frame threads say it late)
    strip = _one_pass(info, folder, progress, cancel, timing, failures)
    facts = exact(info, timing, cancel)
    facts.field_order = info.field_order
    if failures and strip is not None:  # where: decoded again, on one thread (damaged films only)
        found = damaged_pictures.locate(info.path, info.width, strip.keyframes_only, cancel)
        facts.warnings.extend(damaged_pictures.warnings(found, facts.start_us, facts.duration_us))
    if facts.has_audio and timing.audio is not None and timing.heard is not None:
        _damaged_sound(facts, timing)
    if facts.has_video and timing.sure and timing.video is not None:
        # Every frame's time, kept beside the pictures: the one frame rule (media.reading.frame_index).
        index = FrameIndex.from_timing(timing.video, facts.start_us)
        if index is not None:
            index.save(folder / INDEX_FILE, facts.start_us)
    if strip is not None:
        strip.finish(facts.duration_us)
    progress(1.0, MESSAGE)
    return facts


def _one_pass(info: MediaInfo, folder: Path, progress: ProgressFn, cancel: CancelToken,
              timing: FilmTiming, failures: list[int]) -> StripCollector | None:
    with open_container(info.path) as container:
        videos, audios = pick_streams(container)
        # Sure to read the streams the probe chooses with one of each kind that it found too.
        timing.container_start_us = container.start_time
        timing.sure = (len(videos) <= 1 and len(audios) <= 1 and info.has_video == bool(videos)
                       and info.has_audio == bool(audios))
        video = _match(videos, info.has_video, info.width)
        audio = audios[0] if info.has_audio and audios else None
        if video is None and audio is None:
            return None
        strip = StripCollector(info, folder) if video is not None else None
        peaks = PeakCollector(folder) if audio is not None else None
        heard = timing.heard = SoundHeard()
        timers: dict[int, StreamTiming] = {}
        if video is not None:
            video.thread_type = "AUTO"
            timing.video = timers[video.index] = StreamTiming(video.time_base, declared_rate(video))
        if audio is not None:
            timing.audio = timers[audio.index] = StreamTiming(audio.time_base, sample_rate=sample_rate(audio))
        video_index = video.index if video is not None else -1
        try:
            for packet in _packets(container, [s for s in (video, audio) if s is not None], info, progress,
                                   cancel, timers):
                if packet.stream_index == video_index:
                    if strip.keyframes_only and not packet.is_keyframe:
                        continue
                    for frame in _decode(video.codec_context, packet, failures):
                        _offer(strip, frame, video.time_base)
                else:
                    try:
                        frames = audio.codec_context.decode(packet)
                    except (av.error.FFmpegError, ValueError):
                        heard.failed(packet)  # a damaged packet: the rest of the film still counts
                        frames = []
                    for frame in frames:
                        at = None if frame.pts is None else _frame_us(frame, audio.time_base) - info.start_us
                        peaks.add(frame, at)  # film time: the first frame places the sound
                        heard.add(frame, audio.time_base)
            if strip is not None:
                for frame in _decode(video.codec_context, None, failures):
                    _offer(strip, frame, video.time_base)
            if peaks is not None:
                peaks.finish()
        finally:
            if peaks is not None:
                peaks.close()
    return strip


class SoundHeard:
    """Which of the sound's packets did not decode (stream seconds), and where the decoded
    sound ends: a damaged recording's bad packets leave holes, or end the sound early. (A
    decoder that trims encoder padding at the end, as MP3 and Opus do, fails no packet.)"""

    def __init__(self) -> None:
        self.end: Fraction | None = None  # the end of the last decoded sound
        self.bad: list[tuple[Fraction, Fraction]] = []  # packets that did not decode, merged when touching

    def add(self, frame, time_base) -> None:
        base = frame.time_base or time_base
        if frame.pts is None or base is None or not frame.sample_rate:
            return
        end = Fraction(frame.pts) * Fraction(base) + Fraction(frame.samples, frame.sample_rate)
        self.end = end if self.end is None else max(self.end, end)

    def failed(self, packet) -> None:
        damaged_pictures.add_failed_packet(self.bad, packet)


def _damaged_sound(facts: MediaInfo, timing: FilmTiming) -> None:
    """Say what of the sound is damaged. Bad packets after the last sound that decodes: the
    sound ends there (``sound_end_us``: the export treats the rest as sound the film lacks, as
    for a film whose sound stops before its picture). Bad packets inside: said; every decoder
    plays them as silence, in time (it keeps time by the timestamps)."""
    from media.timecode import format_short

    heard = timing.heard
    zero = Fraction(facts.start_us, US)
    film = lambda t: max(round((t - zero) * US), 0)  # noqa: E731
    inside = [(b, e) for b, e in heard.bad if heard.end is not None and b < heard.end]
    for begin, end in inside[:3]:
        facts.warnings.append(f"its sound is damaged from {format_short(film(begin))} to {format_short(film(end))} "
                              "and cannot be decoded: silence there")
    if len(inside) > 3:
        facts.warnings.append(f"its sound is damaged in {len(inside) - 3} more places: silence there")
    if heard.bad and (heard.end is None or heard.bad[-1][1] > heard.end):
        facts.sound_end_us = film(heard.end) if heard.end is not None else 0
        facts.warnings.append(f"its sound is damaged from {format_short(facts.sound_end_us)} to the end and "
                              "cannot be decoded: the sound stops there")


def _packets(container, streams, info: MediaInfo, progress: ProgressFn, cancel: CancelToken,
             timers: dict[int, StreamTiming]):
    """The packets of ``streams`` to decode, each timed by ``timers`` (by stream index),
    checking for cancel and reporting progress every few hundred packets; end-of-stream
    markers are left out (the caller flushes the decoder)."""
    duration = max(info.duration_us, 1)
    for i, packet in enumerate(container.demux(streams)):
        if i % PROGRESS_EVERY == 0:
            cancel.check()
            t = packet.pts if packet.pts is not None else packet.dts
            if t is not None:
                progress(min(t * packet.time_base * US / duration, 1.0), MESSAGE)
        if not packet.size:
            continue
        if timers[packet.stream_index].add(packet) or packet.dts is not None:
            yield packet  # (a packet with no time at all is left out)


def _decode(stream_ctx, packet, failures: list[int]):
    try:
        return stream_ctx.decode(packet)
    except (av.error.FFmpegError, ValueError):
        failures.append(1)  # said once the pass is over (media.analysis.damaged_pictures)
        return []  # a damaged packet: skip it, the rest of the film still counts


def _offer(strip: StripCollector, frame, time_base) -> None:
    time_us = _frame_us(frame, time_base) - strip.info.start_us  # film time, zero at the film's start
    if strip.wants(time_us):
        strip.add(time_us, frame)


def _frame_us(frame, time_base) -> int:
    # frames flushed out of a threaded decoder carry no time base of their own (PyAV)
    base = frame.time_base or time_base
    if frame.pts is None or base is None:
        return 0
    return round(frame.pts * base * US)


def _match(videos, has_video: bool, width: int | None):
    """The same video stream the probe chose: the one with frames, of the probed width."""
    if not has_video or not videos:
        return None
    for stream in videos:
        if stream.codec_context.width == width and stream.frames != 0:
            return stream
    return videos[0]
