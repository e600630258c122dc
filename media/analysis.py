"""Thumbnail pages and waveform peaks of a film into a cache folder.

Pictures (keyframes of long films) and sound are decoded at the same time, each from its own
opening of the file, so the two halves overlap on two cores. Films of hours are read in one
pass instead: FFmpeg keeps an MP4's whole packet index in memory for each opening (about
15 MB an hour), and two of them would take a 6-hour import past 300 MB. Pictures and peaks are
written to disk as they are decoded, so they take no more memory for a longer film.

The pass also times every packet of the streams it reads (``FilmTiming``): the import takes a
film's exact length, rate and frame count from it instead of reading the file a second time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import av.error

from media.jobs import Cancelled, CancelToken, ProgressFn, no_progress
from media.packet_timing import FilmTiming, StreamTiming
from media.probe import MediaInfo, exact, open_container, pick_streams
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
) -> MediaInfo:
    """Write the strip and peaks for ``info.path`` into ``folder`` (which must exist) and
    return the film's exact facts (``info`` may come from ``probe_quick``): its length is known
    only once every packet is read, so the strip's last marks are settled after that."""
    cancel = cancel or CancelToken()
    timing = FilmTiming()
    if info.duration_us >= ONE_PASS_FROM_US:
        strip = _one_pass(info, folder, _Halves(progress, cancel, 1), timing)
    else:
        strip = _two_halves(info, folder, _Halves(progress, cancel, int(info.has_video) + int(info.has_audio)),
                            timing)
    facts = exact(info, timing, cancel)
    if strip is not None:
        strip.finish(facts.duration_us)
    progress(1.0, MESSAGE)
    return facts


def _two_halves(info: MediaInfo, folder: Path, halves: _Halves, timing: FilmTiming) -> StripCollector | None:
    """Pictures here and sound on a second thread, each from its own opening of the file."""
    with ThreadPoolExecutor(1, thread_name_prefix="sound") as pool:
        sound = pool.submit(_sound, info, folder, halves, timing) if info.has_audio else None
        try:
            strip = None
            if info.has_video:
                strip = _pictures(info, folder, halves, timing)
            else:
                _note_streams(info, None, timing)
        except BaseException as exc:
            halves.failed.set()  # the sound half stops too
            other = _outcome(sound)
            if isinstance(exc, Cancelled) and not halves.cancel.cancelled and other is not None:
                raise other from None  # the sound half failed first: its error is the one
            raise
        other = _outcome(sound)
        if other is not None:
            raise other
    return strip


def _note_streams(info: MediaInfo, container, timing: FilmTiming) -> None:
    """Whether this pass reads the streams the probe would choose: surely so with one
    picture and one sound stream that the quick probe found too; else the full probe runs."""
    if container is None:
        with open_container(info.path) as opened:
            return _note_streams(info, opened, timing)
    videos, audios = pick_streams(container)
    timing.container_start_us = container.start_time
    timing.sure = (len(videos) <= 1 and len(audios) <= 1 and info.has_video == bool(videos)
                   and info.has_audio == bool(audios))


def _timed(stream, slot: str, timing: FilmTiming) -> StreamTiming:
    setattr(timing, slot, StreamTiming(stream.time_base))
    return getattr(timing, slot)


def _one_pass(info: MediaInfo, folder: Path, halves: _Halves, timing: FilmTiming) -> StripCollector | None:
    """Pictures and sound from one demux of the file (long films: one packet index in memory)."""
    with open_container(info.path) as container:
        _note_streams(info, container, timing)
        videos, audios = pick_streams(container)
        video = _match(videos, info.has_video, info.width)
        audio = audios[0] if info.has_audio and audios else None
        strip = StripCollector(info, folder) if video is not None else None
        peaks = PeakCollector(folder) if audio is not None else None
        timers = {}
        if video is not None:
            video.thread_type = "AUTO"
            timers[video.index] = _timed(video, "video", timing)
        if audio is not None:
            timers[audio.index] = _timed(audio, "audio", timing)
        try:
            for packet in _packets(container, [s for s in (video, audio) if s is not None], info, halves, "both",
                                   timers):
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
            if peaks is not None:
                peaks.finish()
        finally:
            if peaks is not None:
                peaks.close()
    return strip


def _outcome(future) -> BaseException | None:
    if future is None:
        return None
    try:
        future.result()
    except BaseException as exc:  # handed to the caller, which raises the right one
        return exc
    return None


def _pictures(info: MediaInfo, folder: Path, halves: _Halves, timing: FilmTiming) -> StripCollector | None:
    with open_container(info.path) as container:
        _note_streams(info, container, timing)
        videos, _audios = pick_streams(container)
        video = _match(videos, info.has_video, info.width)
        if video is None:
            return None
        video.thread_type = "AUTO"
        strip = StripCollector(info, folder)
        timers = {video.index: _timed(video, "video", timing)}
        for packet in _packets(container, video, info, halves, "pictures", timers):
            if strip.keyframes_only and not packet.is_keyframe:
                continue
            for frame in _decode(video.codec_context, packet):
                _offer(strip, frame, video.time_base)
        for frame in _decode(video.codec_context, None):
            _offer(strip, frame, video.time_base)
    halves.report("pictures", 1.0)
    return strip


def _packets(container, streams, info: MediaInfo, halves: _Halves, half: str, timers: dict[int, StreamTiming]):
    """The packets of ``streams`` (one or a list) to decode, each timed by ``timers`` (by
    stream index), checking for cancel and reporting ``half``'s progress every 200 packets;
    end-of-stream markers are left out (callers flush the decoder)."""
    duration = max(info.duration_us, 1)
    for i, packet in enumerate(container.demux(streams)):
        if i % 200 == 0:
            halves.check()
            t = packet.pts if packet.pts is not None else packet.dts
            if t is not None:
                halves.report(half, t * packet.time_base * US / duration)
        if not packet.size:
            continue
        if timers[packet.stream_index].add(packet) or packet.dts is not None:
            yield packet  # (a packet with no time at all is left out)


def _sound(info: MediaInfo, folder: Path, halves: _Halves, timing: FilmTiming) -> None:
    try:
        _sound_peaks(info, folder, halves, timing)
    except BaseException:
        halves.failed.set()  # the picture half stops at its next check
        raise


def _sound_peaks(info: MediaInfo, folder: Path, halves: _Halves, timing: FilmTiming) -> None:
    with open_container(info.path) as container:
        _videos, audios = pick_streams(container)
        if not audios:
            return
        audio = audios[0]
        peaks = PeakCollector(folder)
        timers = {audio.index: _timed(audio, "audio", timing)}
        try:
            for packet in _packets(container, audio, info, halves, "sound", timers):
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
