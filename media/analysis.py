"""One pass over a film: thumbnail pages and waveform peaks into a cache folder.

Both are written to disk as the film is decoded, so memory stays flat at any length."""

from __future__ import annotations

from pathlib import Path

import av
import av.error

from media.jobs import CancelToken, ProgressFn, no_progress
from media.probe import MediaInfo, open_container, pick_streams
from media.thumbnails import StripCollector
from media.waveform import PeakCollector

US = 1_000_000


def _decode(stream_ctx, packet):
    try:
        return stream_ctx.decode(packet)
    except (av.error.FFmpegError, ValueError):
        return []  # a damaged packet: skip it, the rest of the film still counts


def analyse(
    info: MediaInfo,
    folder: Path,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Write the strip and peaks for ``info.path`` into ``folder`` (which must exist)."""
    cancel = cancel or CancelToken()
    with open_container(info.path) as container:
        videos, audios = pick_streams(container)
        video = _match(videos, info.has_video, info.width)
        audio = audios[0] if info.has_audio and audios else None
        streams = [s for s in (video, audio) if s is not None]
        strip = StripCollector(info, folder) if video is not None else None
        peaks = PeakCollector(folder) if audio is not None else None
        try:
            _run(container, video, audio, streams, strip, peaks, info, progress, cancel)
        finally:
            if peaks is not None:
                peaks.close()
    progress(1.0, "thumbnails and waveform")


def _run(container, video, audio, streams, strip, peaks, info, progress, cancel) -> None:
    if video is not None:
        video.thread_type = "AUTO"
    duration = max(info.duration_us, 1)
    for i, packet in enumerate(container.demux(streams)):
        if i % 200 == 0:
            cancel.check()
        if packet.size == 0 or (packet.pts is None and packet.dts is None):
            continue  # end-of-stream markers; decoders are flushed below
        if packet.stream is video:
            if strip.keyframes_only and not packet.is_keyframe:
                continue
            for frame in _decode(video.codec_context, packet):
                _offer(strip, frame, video.time_base)
        elif packet.stream is audio:
            for frame in _decode(audio.codec_context, packet):
                peaks.add(frame)
        if i % 200 == 0:
            t = packet.pts if packet.pts is not None else packet.dts
            progress(min(t * packet.time_base * US / duration, 1.0), "thumbnails and waveform")
    if strip is not None:
        for frame in _decode(video.codec_context, None):
            _offer(strip, frame, video.time_base)
        strip.finish()
    if peaks is not None:
        peaks.finish()


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
