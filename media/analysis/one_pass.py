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
from media.reading.probe import MediaInfo, declared_rate, exact, open_container, pick_streams
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
    strip = _one_pass(info, folder, progress, cancel, timing)
    facts = exact(info, timing, cancel)
    facts.field_order = info.field_order
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
              timing: FilmTiming) -> StripCollector | None:
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
            timing.audio = timers[audio.index] = StreamTiming(audio.time_base)
        video_index = video.index if video is not None else -1
        try:
            for packet in _packets(container, [s for s in (video, audio) if s is not None], info, progress,
                                   cancel, timers):
                if packet.stream_index == video_index:
                    if strip.keyframes_only and not packet.is_keyframe:
                        continue
                    for frame in _decode(video.codec_context, packet):
                        _offer(strip, frame, video.time_base)
                else:
                    for frame in _decode(audio.codec_context, packet):
                        peaks.add(frame)
                        heard.add(frame, audio.time_base)
            if strip is not None:
                for frame in _decode(video.codec_context, None):
                    _offer(strip, frame, video.time_base)
            if peaks is not None:
                peaks.finish()
        finally:
            if peaks is not None:
                peaks.close()
    return strip


class SoundHeard:
    """Where the decoded sound really is (stream seconds), beside where its packets say it is:
    a damaged recording's packets that do not decode leave holes, or end the sound early."""

    GAP = Fraction(1, 20)  # holes shorter than this are a decoder's rounding, not damage
    SHORT = Fraction(1, 1000)  # the sound ends this much before its packets: its last ones do not decode

    def __init__(self) -> None:
        self.end: Fraction | None = None
        self.holes: list[tuple[Fraction, Fraction]] = []

    def add(self, frame, time_base) -> None:
        base = frame.time_base or time_base
        if frame.pts is None or base is None or not frame.sample_rate:
            return
        start = Fraction(frame.pts) * Fraction(base)
        if self.end is not None and start - self.end > self.GAP:
            self.holes.append((self.end, start))
        end = start + Fraction(frame.samples, frame.sample_rate)
        self.end = end if self.end is None else max(self.end, end)


def _damaged_sound(facts: MediaInfo, timing: FilmTiming) -> None:
    """Say what of the sound is damaged; where its end does not decode, the sound ends where
    decoding stops (``sound_end_us``: the export treats the rest as sound the film lacks, as
    for a film whose sound stops before its picture). Holes inside are played as silence by
    every decoder (they keep time by the timestamps) and are said too."""
    from media.timecode import format_short

    heard, packets = timing.heard, timing.audio
    zero = Fraction(facts.start_us, US)
    for begin, end in heard.holes[:3]:
        facts.warnings.append(f"its sound is damaged from {format_short(round((begin - zero) * US))} to "
                              f"{format_short(round((end - zero) * US))} and cannot be decoded: silence there")
    if heard.end is None:
        return
    if packets.end is not None and packets.end - heard.end > SoundHeard.SHORT:
        facts.sound_end_us = max(round((heard.end - zero) * US), 0)
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


def _decode(stream_ctx, packet):
    try:
        return stream_ctx.decode(packet)
    except (av.error.FFmpegError, ValueError):
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
