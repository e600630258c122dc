"""MP4 export: frame-exact cuts, streamed through one encoder.

The reel is cut into segments (``segments``): each clip decoded by its own short ffmpeg (from
the clip's packets, copied out of a long film beforehand with each film opened once: ``pieces``,
so memory does not grow with the film's length), each card one picture repeated. Their raw
frames and raw 48 kHz stereo sound stream through two pipes into a single x264/AAC encoder
(``feed``). Only one decoder per pipe lives at a time, so
memory stays flat however long the reel. Frame and sample counts are allotted by cumulative
rounding and enforced on the bytes: a segment that comes up short fails the export, naming
its clip and film.

Two ways into the encoder (``media.oslayer``): on Linux one ffmpeg reads both from named
pipes; on the portable path (Windows, macOS, or forced) there are no named pipes, so pictures
go into an x264 encoder's standard input and sound into an AAC encoder's, side by side, and
the two finished streams are put together without re-encoding (``-c copy``, faststart): the
same frames, the same sound, the same file layout.

Every child dies with us where the system allows (``media.oslayer``); the main loop wakes
five times a second, so Cancel or Ctrl+C stops everything within a second; what a killed
export leaves is cleared when the library next opens (``leftovers``).
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

from media import oslayer
from media.errors import BadInput, ProtoReelError, StorageError
from media.export import leftovers
from media.export.atomic import atomic_output
from media.export.feed import Feeder, FifoSink, Run, SegmentFailed, StdinSink
from media.export.pieces import cut_all
from media.export.plan import ReelPlan
from media.export.segments import FFMPEG, RATE, plan_segments
from media.export.stills import render_stills
from media.jobs import Cancelled, CancelToken, ProgressFn, no_progress

US = 1_000_000
TICK = 0.2
# Memory, measured (bench/long_export_memory.py): x264's defaults keep ~20 full frames in flight
# (3 frame threads, 10 frames of lookahead, 3 B-frames), ~300 MB at 1080p. Two sliced threads
# (one frame at a time, cut in two), a 2-frame lookahead and no B-frames keep both cores busy on
# ~130 MB (files ~5-10% larger at the same quality).
X264_LEAN = "threads=2:sliced-threads=1:rc-lookahead=2:sync-lookahead=0:bframes=0"
QUEUE = 2  # raw frames waiting in the encoder's input (3 MB each at 1080p); the pipes hold more


def _video_in(plan: ReelPlan, source: str) -> list[str]:
    s = plan.settings
    return ["-thread_queue_size", str(QUEUE), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{plan.width}x{s.height}",
            "-r", str(s.fps), "-i", source]


def _audio_in(source: str) -> list[str]:
    return ["-thread_queue_size", str(QUEUE), "-f", "s16le", "-ar", str(RATE), "-ac", "2", "-i", source]


def _video_codec(plan: ReelPlan) -> list[str]:
    s = plan.settings
    return ["-c:v", "libx264", "-preset", s.preset, "-crf", str(s.crf), "-x264-params", X264_LEAN, "-pix_fmt", "yuv420p"]


def _audio_codec(plan: ReelPlan) -> list[str]:
    return ["-c:a", "aac", "-b:a", plan.settings.audio_bitrate, "-ar", str(RATE), "-ac", "2"]


def _finished(plan: ReelPlan, out: Path) -> list[str]:
    # Nothing leaks: only the title goes in (the decoders already dropped sources' tags).
    return ["-map_metadata", "-1", "-map_chapters", "-1", "-metadata", f"title={plan.title}",
            "-movflags", "+faststart", "-f", "mp4", str(out)]


_HEAD = [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y"]
_PROGRESS = ["-progress", "pipe:1", "-stats_period", "0.25"]


def encoder_command(plan: ReelPlan, video_in: Path, audio_in: Path, out: Path) -> list[str]:
    """The Linux path: one encoder reading pictures and sound from two named pipes."""
    return [*_HEAD, *_video_in(plan, str(video_in)), *_audio_in(str(audio_in)), "-map", "0:v", "-map", "1:a",
            *_video_codec(plan), *_audio_codec(plan), *_PROGRESS, *_finished(plan, out)]


def video_encoder_command(plan: ReelPlan, out: Path) -> list[str]:
    """The portable path's picture encoder: raw frames on its standard input."""
    return [*_HEAD, *_video_in(plan, "pipe:0"), "-map", "0:v", *_video_codec(plan), *_PROGRESS,
            "-map_metadata", "-1", "-f", "mp4", str(out)]


def audio_encoder_command(plan: ReelPlan, out: Path) -> list[str]:
    """The portable path's sound encoder: raw 48 kHz stereo on its standard input."""
    return [*_HEAD, *_audio_in("pipe:0"), "-map", "0:a", *_audio_codec(plan), "-map_metadata", "-1",
            "-f", "mp4", str(out)]


def join_command(plan: ReelPlan, video: Path, audio: Path, out: Path) -> list[str]:
    """The portable path's last step: both streams into the reel as they are (no re-encoding)."""
    return [*_HEAD, "-i", str(video), "-i", str(audio), "-map", "0:v", "-map", "1:a", "-c", "copy",
            *_finished(plan, out)]


def write(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
          work_dir: Path | None = None) -> Path:
    """Write the reel to ``out``. ``work_dir``: an empty folder for the export's working files
    (the library passes one under its ``.tmp/``); by default one in the system's temp folder."""
    cancel = cancel or CancelToken()
    for item in plan.items:
        if not item.source.is_file():
            raise BadInput(f"{item.source}: the film of clip {item.clip_title!r} is missing; relink it first")
    work = Path(work_dir) if work_dir is not None else leftovers.system_work_dir()
    try:
        with atomic_output(out) as partial:
            leftovers.note_partial(work, partial)
            progress(0.0, "preparing cards and captions")
            render_stills(plan, work, cancel)
            cancel.check()
            _encode(plan, work, partial, out, progress, cancel)
            progress(1.0, "done")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _encode(plan: ReelPlan, work: Path, partial: Path, out: Path, progress: ProgressFn, cancel: CancelToken) -> None:
    segments = plan_segments(plan, work)
    progress(0.0, "reading the films")
    cut_all(segments, work, cancel)  # each film opened once, here; the decoders read small pieces
    total_us = sum(s.frames for s in segments) / plan.settings.fps * US
    frame_bytes = plan.width * plan.settings.height * 3 // 2
    if not oslayer.fifos():
        _run_portable(plan, segments, total_us, frame_bytes, work, partial, out, progress, cancel)
        return
    video_fifo, audio_fifo = _fifos(work)
    try:
        run = Run()
        encoder, log = run.start(encoder_command(plan, video_fifo, audio_fifo, partial), stdout=subprocess.PIPE)
        feeders = [Feeder(FifoSink(video_fifo, run), segments, "video", frame_bytes, run),
                   Feeder(FifoSink(audio_fifo, run), segments, "audio", frame_bytes, run)]
        _watch(run, [(encoder, log)], encoder, feeders, total_us, out, progress, cancel)
    finally:
        if video_fifo.parent != work:
            shutil.rmtree(video_fifo.parent, ignore_errors=True)


def _run_portable(plan, segments, total_us, frame_bytes, work, partial, out, progress, cancel) -> None:
    """Pictures and sound each into their own encoder's standard input, then joined as they
    are. The join copies the finished streams once (a few seconds' work for minutes of reel)."""
    run = Run()
    video_file, audio_file = work / "pictures.mp4", work / "sound.m4a"
    video, video_log = run.start(video_encoder_command(plan, video_file), stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE)
    audio, audio_log = run.start(audio_encoder_command(plan, audio_file), stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL)
    feeders = [Feeder(StdinSink(video.stdin), segments, "video", frame_bytes, run),
               Feeder(StdinSink(audio.stdin), segments, "audio", frame_bytes, run)]
    _watch(run, [(video, video_log), (audio, audio_log)], video, feeders, total_us, out, progress, cancel)
    join = Run()
    joiner, join_log = join.start(join_command(plan, video_file, audio_file, partial), stdout=subprocess.DEVNULL)
    try:
        while joiner.poll() is None:
            if cancel.cancelled:
                join.stop()
            time.sleep(TICK / 4)
    finally:
        join.stop()
        joiner.wait()
    cancel.check()
    _check_encoder(joiner, join_log, out)
    video_file.unlink(missing_ok=True)
    audio_file.unlink(missing_ok=True)


def _watch(run: Run, encoders: list, reporter, feeders: list[Feeder], total_us: float, out: Path,
           progress: ProgressFn, cancel: CancelToken) -> None:
    """Start the feeders and wait for every encoder to finish, reporting ``reporter``'s
    progress; then raise whatever went wrong, the producers' failures first."""
    for feeder in feeders:
        feeder.start()
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(reporter.stdout, lines), daemon=True).start()
    started = time.monotonic()
    try:
        while any(encoder.poll() is None for encoder, _ in encoders):
            if cancel.cancelled or any(f.error is not None for f in feeders) or any(
                    encoder.returncode not in (None, 0) for encoder, _ in encoders):
                run.stop()
                break
            try:
                line = lines.get(timeout=TICK)
            except queue.Empty:
                continue
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.lstrip("-").isdigit():
                done = min(max(int(value), 0) / total_us, 1.0)
                progress(done, _time_left(started, done))
        for encoder, _ in encoders:
            encoder.wait()
    except BaseException:
        run.stop()
        for encoder, _ in encoders:
            encoder.wait()
        raise
    finally:
        for feeder in feeders:
            feeder.join(5)
        run.stop()
    cancel.check()
    problem = next((f.error for f in feeders if isinstance(f.error, SegmentFailed)), None)
    if problem is not None:
        raise problem
    for encoder, log in encoders:
        if encoder not in run.killed:  # an encoder that failed by itself (a full disk) says why
            _check_encoder(encoder, log, out)
    other = next((f.error for f in feeders if f.error is not None), None)
    if other is not None:
        raise other if isinstance(other, (ProtoReelError, Cancelled)) else ProtoReelError(
            f"{out.name}: the export failed ({other})")
    for encoder, log in encoders:  # ended by someone else: never a reel without its end
        _check_encoder(encoder, log, out)


def _check_encoder(encoder, log, out: Path) -> None:
    if encoder.returncode != 0:
        detail = log.last() or f"ffmpeg exited with {encoder.returncode}"
        if "No space left" in detail:
            raise StorageError(f"{out.parent}: the disk is full; free some space and export again")
        raise ProtoReelError(f"{out.name}: the export failed ({detail})")


def _fifos(work: Path) -> tuple[Path, Path]:
    """The encoder's two input pipes, in the work folder; a library on a disk that cannot
    hold them (FAT, a network share) gets them in a pid-named system temp folder instead."""
    try:
        oslayer.make_fifo(work / "video.fifo")
    except OSError:
        work = leftovers.system_work_dir()
        oslayer.make_fifo(work / "video.fifo")
    oslayer.make_fifo(work / "audio.fifo")
    return work / "video.fifo", work / "audio.fifo"


def _read_lines(stream, lines: queue.Queue) -> None:
    for raw in iter(stream.readline, b""):
        lines.put(raw.decode(errors="replace"))
    stream.close()


def _time_left(started: float, done: float) -> str:
    if done <= 0.02:
        return "encoding…"
    left = (time.monotonic() - started) * (1 - done) / done
    return f"about {int(left // 60)} min {int(left % 60):02d} s left" if left >= 60 else f"about {int(left) + 1} s left"
