"""MP4 export: frame-exact cuts, streamed through one encoder.

The reel is cut into segments (``segments``): each clip decoded by its own short ffmpeg (from
the clip's packets, copied out of a long film beforehand with each film opened once: ``pieces``,
so memory does not grow with the film's length), each card one picture repeated. Their raw
frames and raw 48 kHz stereo sound stream through two pipes into a single x264/AAC encoder
(``feed``). Only one decoder per pipe lives at a time, so
memory stays flat however long the reel. Frame and sample counts are allotted by cumulative
rounding and enforced on the bytes: a segment that comes up short fails the export, naming
its clip and film.

Every child dies with us (``media.oslayer``); the main loop wakes five times a second, so
Cancel or Ctrl+C stops everything within a second; what a killed export leaves is cleared
when the library next opens (``leftovers``).
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

from media.errors import BadInput, ProtoReelError, StorageError
from media.export import leftovers
from media.export.atomic import atomic_output
from media.export.feed import Feeder, Run, SegmentFailed
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


def encoder_command(plan: ReelPlan, video_in: Path, audio_in: Path, out: Path) -> list[str]:
    s = plan.settings
    return [
        FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-thread_queue_size", str(QUEUE), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{plan.width}x{s.height}",
        "-r", str(s.fps), "-i", str(video_in),
        "-thread_queue_size", str(QUEUE), "-f", "s16le", "-ar", str(RATE), "-ac", "2", "-i", str(audio_in),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", s.preset, "-crf", str(s.crf), "-x264-params", X264_LEAN, "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", s.audio_bitrate, "-ar", str(RATE), "-ac", "2",
        # Nothing leaks: only the title goes in (the decoders already dropped sources' tags).
        "-map_metadata", "-1", "-metadata", f"title={plan.title}", "-movflags", "+faststart", "-f", "mp4",
        "-progress", "pipe:1", "-stats_period", "0.25", str(out),
    ]


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
    video_fifo, audio_fifo = _fifos(work)
    try:
        _run(plan, segments, total_us, frame_bytes, video_fifo, audio_fifo, partial, out, progress, cancel)
    finally:
        if video_fifo.parent != work:
            shutil.rmtree(video_fifo.parent, ignore_errors=True)


def _run(plan, segments, total_us, frame_bytes, video_fifo, audio_fifo, partial, out, progress, cancel) -> None:
    run = Run()
    encoder, encoder_log = run.start(encoder_command(plan, video_fifo, audio_fifo, partial), stdout=subprocess.PIPE)
    feeders = [Feeder(video_fifo, segments, "video", frame_bytes, run),
               Feeder(audio_fifo, segments, "audio", frame_bytes, run)]
    for feeder in feeders:
        feeder.start()
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(encoder.stdout, lines), daemon=True).start()
    started = time.monotonic()
    try:
        while encoder.poll() is None:
            if cancel.cancelled or any(f.error is not None for f in feeders):
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
        encoder.wait()
    except BaseException:
        run.stop()
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
    if encoder.returncode != 0:
        detail = encoder_log.last() or f"ffmpeg exited with {encoder.returncode}"
        if "No space left" in detail:
            raise StorageError(f"{out.parent}: the disk is full; free some space and export again")
        raise ProtoReelError(f"{out.name}: the export failed ({detail})")
    other = next((f.error for f in feeders if f.error is not None), None)
    if other is not None:
        raise other if isinstance(other, (ProtoReelError, Cancelled)) else ProtoReelError(
            f"{out.name}: the export failed ({other})")


def _fifos(work: Path) -> tuple[Path, Path]:
    """The encoder's two input pipes, in the work folder; a library on a disk that cannot
    hold them (FAT, a network share) gets them in a pid-named system temp folder instead."""
    try:
        os.mkfifo(work / "video.fifo")
    except OSError:
        work = leftovers.system_work_dir()
        os.mkfifo(work / "video.fifo")
    os.mkfifo(work / "audio.fifo")
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
