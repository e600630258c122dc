"""MP4 export: frame-exact cuts, streamed through one encoder.

Each segment (clip or card) is decoded by its own short ffmpeg process: the clip opened with
``-ss``/``-t`` (an accurate seek: decode from the keyframe before, drop frames before the in
point), made upright (ffmpeg applies rotation), square-pixelled, letterboxed into the reel's
frame, set to the reel's rate, captioned and faded, and cut to an exact number of frames. Its
raw frames and raw 48 kHz stereo sound stream through two pipes into a single x264/AAC
encoder. Only one decoder lives at a time, so memory stays flat however long the reel
(one ffmpeg with every clip as an input held ~60 MB per clip). Frame and sample counts are
allotted by cumulative rounding and enforced on the bytes, so sound and picture cannot drift.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg

from media.errors import ProtoReelError, StorageError
from media.jobs import Cancelled, CancelToken, ProgressFn, no_progress
from media.export.atomic import atomic_output
from media.export.plan import PlanItem, ReelPlan
from media.export.stills import caption_path, card_path, render_stills

US = 1_000_000
RATE = 48_000
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
CHUNK = 1 << 20


def _sec(us: int | Fraction) -> str:
    return f"{float(Fraction(us) / US):.6f}"


@dataclass
class Segment:
    video_cmd: list[str]
    audio_cmd: list[str] | None  # None: silence
    frames: int
    samples: int


class Layout:
    """Frames and samples per segment by cumulative rounding: the reel stays within half a
    frame of the exact sum however many items it has, and sound ends where picture does."""

    def __init__(self, fps: Fraction) -> None:
        self.fps = fps
        self.elapsed_us = 0
        self.frames_done = 0
        self.samples_done = 0

    def next(self, duration_us: int) -> tuple[int, int]:
        self.elapsed_us += duration_us
        frames_end = max(round(Fraction(self.elapsed_us, US) * self.fps), self.frames_done + 1)
        samples_end = round(Fraction(frames_end) / self.fps * RATE)
        out = (frames_end - self.frames_done, samples_end - self.samples_done)
        self.frames_done, self.samples_done = frames_end, samples_end
        return out


def _fit(plan: ReelPlan, item: PlanItem | None) -> str:
    """Square pixels, letterboxed into the reel's frame (nothing when it already is)."""
    w, h = plan.width, plan.settings.height
    if item is not None and (item.width, item.height) == (w, h) and item.rotation == 0 and item.sar == 1:
        return "setsar=1"
    return (f"scale=iw*sar:ih,setsar=1,scale={w}:{h}:force_original_aspect_ratio=decrease,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1")


def _raw_video(graph: str) -> list[str]:
    return ["-filter_complex", graph, "-map", "[v]", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]


def _decoder(*inputs: str) -> list[str]:
    # One thread: a segment decodes far faster than x264 encodes, and frame threads would
    # hold several extra full-size frames each.
    return [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-threads", "1", "-filter_threads", "1", *inputs]


def card_segment(plan: ReelPlan, png: Path, frames: int, samples: int) -> Segment:
    fps = plan.settings.fps
    graph = (f"[0:v]{_fit(plan, None)},format=yuv420p,loop=loop={frames - 1}:size=1:start=0,"
             f"setpts=N/({fps})/TB,trim=end_frame={frames}[v]")
    return Segment(_decoder("-i", str(png)) + _raw_video(graph), None, frames, samples)


def clip_segment(plan: ReelPlan, item: PlanItem, caption: Path | None, frames: int, samples: int) -> Segment:
    s = plan.settings
    d = item.duration_us
    seek = ["-ss", _sec(item.start_us), "-t", _sec(d), "-i", str(item.source)]
    inputs = list(seek) if item.has_video else [
        "-f", "lavfi", "-i", f"color=c=black:s={plan.width}x{s.height}:r={s.fps}"]
    fade = ""
    if item.fade:
        fd = float(s.fade_seconds)
        out_at = max(frames / s.fps - fd, 0)
        fade = f",fade=t=in:st=0:d={fd},fade=t=out:st={float(out_at):.6f}:d={fd}"
    video = (f"[0:v]{_fit(plan, item) if item.has_video else 'setsar=1'},fps={s.fps},format=yuv420p,"
             f"tpad=stop_mode=clone:stop_duration=1,trim=end_frame={frames},setpts=PTS-STARTPTS{fade}")
    if caption is not None:
        inputs += ["-i", str(caption)]
        # One picture; overlay keeps showing it to the clip's end (eof_action=repeat).
        graph = f"{video}[base];[base][1:v]overlay=0:0:eof_action=repeat,format=yuv420p[v]"
    else:
        graph = f"{video}[v]"
    audio = None
    if item.has_audio:
        afade = ""
        if item.fade:
            fd = float(s.fade_seconds)
            afade = f",afade=t=in:st=0:d={fd},afade=t=out:st={max(samples / RATE - fd, 0):.6f}:d={fd}"
        audio = _decoder(*seek) + [
            "-vn", "-af", f"aresample={RATE},aformat=sample_fmts=s16:channel_layouts=stereo,apad,"
                          f"atrim=end_sample={samples}{afade}",
            "-f", "s16le", "-ar", str(RATE), "-ac", "2", "pipe:1"]
    return Segment(_decoder(*inputs) + _raw_video(graph), audio, frames, samples)


def plan_segments(plan: ReelPlan, work: Path) -> list[Segment]:
    layout = Layout(plan.settings.fps)
    segments = []
    for n, (kind, item, duration) in enumerate(plan.segments()):
        frames, samples = layout.next(duration)
        if kind == "clip":
            caption = caption_path(work, n)
            segments.append(clip_segment(plan, item, caption if caption.exists() else None, frames, samples))
        else:
            segments.append(card_segment(plan, card_path(work, n), frames, samples))
    return segments


def encoder_command(plan: ReelPlan, video_in: Path, audio_in: Path, out: Path) -> list[str]:
    s = plan.settings
    return [
        FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y",
        "-thread_queue_size", "16", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{plan.width}x{s.height}",
        "-r", str(s.fps), "-i", str(video_in),
        "-f", "s16le", "-ar", str(RATE), "-ac", "2", "-i", str(audio_in),
        "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", s.preset, "-crf", str(s.crf), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", s.audio_bitrate, "-ar", str(RATE), "-ac", "2",
        # Nothing leaks: only the title goes in (the decoders already dropped sources' tags).
        "-map_metadata", "-1", "-metadata", f"title={plan.title}", "-movflags", "+faststart", "-f", "mp4",
        "-progress", "pipe:1", "-stats_period", "0.25", str(out),
    ]


class _Feeder(threading.Thread):
    """Writes exactly the segments' bytes into one pipe of the encoder, segment by segment."""

    def __init__(self, fifo: Path, jobs: list[tuple[list[str] | None, int, bytes]], state: "_State") -> None:
        super().__init__(daemon=True)
        self.fifo, self.jobs, self.state = fifo, jobs, state
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            sink = self.state.open_fifo(self.fifo)
            try:
                for command, size, filler in self.jobs:
                    if self.state.stopped:
                        return
                    self._one(sink, command, size, filler)
            finally:
                os.close(sink)
        except BaseException as exc:  # reported by write()
            self.error = exc
            self.state.stop()

    def _one(self, sink: int, command, size: int, filler: bytes) -> None:
        written = 0
        if command is not None:
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.state.track(proc)
            try:
                source = proc.stdout.fileno()
                _big_pipe(source)
                while written < size and not self.state.stopped:
                    # Pipe to pipe inside the kernel: gigabytes of raw frames never pass
                    # through Python, yet every byte is counted.
                    moved = _move(source, sink, min(CHUNK, size - written))
                    if not moved:
                        break
                    written += moved
            finally:
                proc.kill()
                err = proc.stderr.read().decode(errors="replace").strip()
                proc.wait()
                self.state.untrack(proc)
            if written == 0 and not self.state.stopped:
                raise ProtoReelError(f"a clip could not be decoded ({err.splitlines()[-1] if err else 'no output'})")
        # Whatever a decoder fell short by (it pads, so at most a damaged tail) is filled with
        # black frames or silence: every segment has exactly its length, sync cannot drift.
        while written < size and not self.state.stopped:
            piece = (filler * (CHUNK // max(len(filler), 1) + 1))[: min(CHUNK, size - written)] if filler else \
                bytes(min(CHUNK, size - written))
            _write_all(sink, piece)
            written += len(piece)


def _big_pipe(fd: int) -> None:
    """1 MB pipes instead of 64 KB: a 1080p frame is 3 MB, and every refill is a context
    switch between decoder, us and encoder."""
    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), CHUNK)
    except OSError:
        pass


def _move(source: int, sink: int, count: int) -> int:
    if hasattr(os, "splice"):
        return os.splice(source, sink, count)
    data = os.read(source, count)
    _write_all(sink, data)
    return len(data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class _State:
    def __init__(self, encoder: subprocess.Popen) -> None:
        self.encoder = encoder
        self.stopped = False
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    def track(self, proc) -> None:
        with self._lock:
            self._procs.add(proc)
            if self.stopped:
                proc.kill()

    def untrack(self, proc) -> None:
        with self._lock:
            self._procs.discard(proc)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            for proc in self._procs:
                proc.kill()
        self.encoder.kill()

    def open_fifo(self, fifo: Path):
        """Open for writing without hanging if the encoder died before opening its end."""
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                os.set_blocking(fd, True)
                _big_pipe(fd)
                return fd
            except OSError:
                if self.stopped or self.encoder.poll() is not None:
                    raise ProtoReelError("the encoder stopped before the export began")
                time.sleep(0.01)


def write(plan: ReelPlan, out: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> Path:
    cancel = cancel or CancelToken()
    for item in plan.items:
        if not item.source.is_file():
            raise ProtoReelError(f"{item.source}: the film of clip {item.clip_title!r} is missing; relink it first")
    frame_bytes = plan.width * plan.settings.height * 3 // 2
    with tempfile.TemporaryDirectory(prefix="protoreel-export-") as tmp, atomic_output(out) as partial:
        work = Path(tmp)
        progress(0.0, "preparing cards and captions")
        render_stills(plan, work)
        cancel.check()
        segments = plan_segments(plan, work)
        total_us = sum(s.frames for s in segments) / plan.settings.fps * US
        video_fifo, audio_fifo = work / "video.fifo", work / "audio.fifo"
        os.mkfifo(video_fifo)
        os.mkfifo(audio_fifo)
        encoder = subprocess.Popen(encoder_command(plan, video_fifo, audio_fifo, partial),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        state = _State(encoder)
        black = bytes([16]) * (plan.width * plan.settings.height) + bytes([128]) * (frame_bytes - plan.width * plan.settings.height)
        feeders = [
            _Feeder(video_fifo, [(s.video_cmd, s.frames * frame_bytes, black) for s in segments], state),
            _Feeder(audio_fifo, [(s.audio_cmd, s.samples * 4, b"") for s in segments], state),
        ]
        for feeder in feeders:
            feeder.start()
        started = time.monotonic()
        try:
            for line in encoder.stdout:
                key, _, value = line.strip().partition("=")
                if key == "out_time_us" and value.lstrip("-").isdigit():
                    done = min(max(int(value), 0) / total_us, 1.0)
                    progress(done, _time_left(started, done))
                if cancel.cancelled:
                    state.stop()
                    break
            encoder.wait()
        except BaseException:
            state.stop()
            encoder.wait()
            raise
        finally:
            for feeder in feeders:
                feeder.join(10)
        cancel.check()
        problem = next((f.error for f in feeders if f.error is not None), None)
        if encoder.returncode != 0 or problem is not None:
            err = encoder.stderr.read().strip().splitlines()
            detail = err[-1] if err else (str(problem) if problem else f"ffmpeg exited with {encoder.returncode}")
            if "No space left" in detail:
                raise StorageError(f"{out.parent}: the disk is full; free some space and export again")
            if isinstance(problem, Cancelled):
                raise problem
            raise ProtoReelError(f"{out.name}: the export failed ({detail})")
        progress(1.0, "done")
    return out


def _time_left(started: float, done: float) -> str:
    if done <= 0.02:
        return "encoding…"
    left = (time.monotonic() - started) * (1 - done) / done
    return f"about {int(left // 60)} min {int(left % 60):02d} s left" if left >= 60 else f"about {int(left) + 1} s left"
