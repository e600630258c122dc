"""Thumbnail pages and waveform peaks of a film into a cache folder.

Pictures (keyframes of long films) and sound are decoded at the same time, each from its own
opening of the file, so the two halves overlap on two cores. Films of hours are read in one
pass instead: FFmpeg keeps an MP4's whole packet index in memory for each opening (about
15 MB an hour), and two of them would take a 6-hour import past 300 MB. Pictures and peaks are
written to disk as they are decoded, so they take no more memory for a longer film."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import av.error

from media.jobs import Cancelled, CancelToken, ProgressFn, no_progress
from media.probe import MediaInfo, open_container, pick_streams
from media.thumbnails import StripCollector
from media.waveform import PeakCollector

US = 1_000_000
MESSAGE = "thumbnails and waveform"
ONE_PASS_FROM_US = 90 * 60 * US  # from this length on, one opening of the file (see above)


def _decode(stream_ctx, packet):
    try:
        return stream_ctx.decode(packet)
    except (av.error.FFmpegError, ValueError):
        return []  # a damaged packet: skip it, the rest of the film still counts


class _Halves:
    """Progress of the two halves as one figure, and a stop for the other half when one fails."""

    def __init__(self, progress: ProgressFn, cancel: CancelToken, count: int) -> None:
        self.progress, self.cancel, self.count = progress, cancel, max(count, 1)
        self.done: dict[str, float] = {}
        self.failed = threading.Event()

    def report(self, half: str, fraction: float) -> None:
        self.done[half] = fraction
        self.progress(min(sum(self.done.values()) / self.count, 1.0), MESSAGE)

    def check(self) -> None:
        self.cancel.check()
        if self.failed.is_set():
            raise Cancelled()


def analyse(
    info: MediaInfo,
    folder: Path,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Write the strip and peaks for ``info.path`` into ``folder`` (which must exist)."""
    cancel = cancel or CancelToken()
    if info.duration_us >= ONE_PASS_FROM_US:
        _one_pass(info, folder, _Halves(progress, cancel, 1))
        progress(1.0, MESSAGE)
        return
    halves = _Halves(progress, cancel, int(info.has_video) + int(info.has_audio))
    with ThreadPoolExecutor(1, thread_name_prefix="sound") as pool:
        sound = pool.submit(_sound, info, folder, halves) if info.has_audio else None
        try:
            if info.has_video:
                _pictures(info, folder, halves)
        except BaseException as exc:
            halves.failed.set()  # the sound half stops too
            other = _outcome(sound)
            if isinstance(exc, Cancelled) and not cancel.cancelled and other is not None:
                raise other from None  # the sound half failed first: its error is the one
            raise
        other = _outcome(sound)
        if other is not None:
            raise other
    progress(1.0, MESSAGE)


def _one_pass(info: MediaInfo, folder: Path, halves: _Halves) -> None:
    """Pictures and sound from one demux of the file (long films: one packet index in memory)."""
    with open_container(info.path) as container:
        videos, audios = pick_streams(container)
        video = _match(videos, info.has_video, info.width)
        audio = audios[0] if info.has_audio and audios else None
        strip = StripCollector(info, folder) if video is not None else None
        peaks = PeakCollector(folder) if audio is not None else None
        if video is not None:
            video.thread_type = "AUTO"
        try:
            for packet in _packets(container, [s for s in (video, audio) if s is not None], info, halves, "both"):
                if packet.stream is video:
                    if strip.keyframes_only and not packet.is_keyframe:
                        continue
                    for frame in _decode(video.codec_context, packet):
                        _offer(strip, frame, video.time_base)
                elif packet.stream is audio:
                    for frame in _decode(audio.codec_context, packet):
                        peaks.add(frame)
            if strip is not None:
                for frame in _decode(video.codec_context, None):
                    _offer(strip, frame, video.time_base)
                strip.finish()
            if peaks is not None:
                peaks.finish()
        finally:
            if peaks is not None:
                peaks.close()


def _outcome(future) -> BaseException | None:
    if future is None:
        return None
    try:
        future.result()
    except BaseException as exc:  # handed to the caller, which raises the right one
        return exc
    return None


def _pictures(info: MediaInfo, folder: Path, halves: _Halves) -> None:
    with open_container(info.path) as container:
        videos, _audios = pick_streams(container)
        video = _match(videos, info.has_video, info.width)
        if video is None:
            return
        video.thread_type = "AUTO"
        strip = StripCollector(info, folder)
        for packet in _packets(container, video, info, halves, "pictures"):
            if strip.keyframes_only and not packet.is_keyframe:
                continue
            for frame in _decode(video.codec_context, packet):
                _offer(strip, frame, video.time_base)
        for frame in _decode(video.codec_context, None):
            _offer(strip, frame, video.time_base)
        strip.finish()
        halves.report("pictures", 1.0)


def _packets(container, streams, info: MediaInfo, halves: _Halves, half: str):
    """The packets of ``streams`` (one or a list) to decode, checking for cancel and reporting ``half``'s progress
    every 200 packets; end-of-stream markers are left out (callers flush the decoder)."""
    duration = max(info.duration_us, 1)
    for i, packet in enumerate(container.demux(streams)):
        if i % 200 == 0:
            halves.check()
            t = packet.pts if packet.pts is not None else packet.dts
            if t is not None:
                halves.report(half, t * packet.time_base * US / duration)
        if packet.size == 0 or (packet.pts is None and packet.dts is None):
            continue
        yield packet


def _sound(info: MediaInfo, folder: Path, halves: _Halves) -> None:
    try:
        _sound_peaks(info, folder, halves)
    except BaseException:
        halves.failed.set()  # the picture half stops at its next check
        raise


def _sound_peaks(info: MediaInfo, folder: Path, halves: _Halves) -> None:
    with open_container(info.path) as container:
        _videos, audios = pick_streams(container)
        if not audios:
            return
        audio = audios[0]
        peaks = PeakCollector(folder)
        try:
            for packet in _packets(container, audio, info, halves, "sound"):
                for frame in _decode(audio.codec_context, packet):
                    peaks.add(frame)
            peaks.finish()
        finally:
            peaks.close()
        halves.report("sound", 1.0)


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
