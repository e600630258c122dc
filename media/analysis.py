"""One pass over a film: thumbnail strip and waveform peaks into a cache folder."""

from __future__ import annotations

from pathlib import Path

import av
import av.error

from media.jobs import CancelToken, ProgressFn, no_progress
from media.probe import MediaInfo, open_container, pick_streams
from media.thumbnails import StripCollector
from media.waveform import PeakCollector, save_peaks

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
        strip = StripCollector(info) if video is not None else None
        peaks = PeakCollector() if audio is not None else None
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
                    _offer(strip, frame)
            elif packet.stream is audio:
                for frame in _decode(audio.codec_context, packet):
                    peaks.add(frame)
            if i % 200 == 0:
                t = packet.pts if packet.pts is not None else packet.dts
                progress(min(t * packet.time_base * US / duration, 1.0), "thumbnails and waveform")
        if strip is not None:
            for frame in _decode(video.codec_context, None):
                _offer(strip, frame)
            strip.finish()
            strip.save(folder)
        if peaks is not None:
            save_peaks(folder, peaks.finish())
    progress(1.0, "thumbnails and waveform")


def _offer(strip: StripCollector, frame) -> None:
    time_us = _frame_us(frame) - strip.info.start_us  # film time, zero at the film's start
    if strip.wants(time_us):
        strip.add(time_us, frame)


def _frame_us(frame) -> int:
    if frame.pts is None or frame.time_base is None:
        return 0
    return round(frame.pts * frame.time_base * US)


def _match(videos, has_video: bool, width: int | None):
    """The same video stream the probe chose: the one with frames, of the probed width."""
    if not has_video or not videos:
        return None
    for stream in videos:
        if stream.codec_context.width == width and stream.frames != 0:
            return stream
    return videos[0]
