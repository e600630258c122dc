"""Feeding the encoder: every segment's exact bytes into one of its two inputs (named pipes
on the Linux path; on the portable path the standard inputs of a picture and a sound
encoder, see ``mp4``), read from each producer as ``media.oslayer.reader`` allows.

Each producer (a short ffmpeg per segment) runs with its stderr drained as it goes into a
bounded log, so a decoder that prints thousands of warnings can never block on a full pipe.
A producer that gives nothing and uses no CPU for ``STALL_SECONDS`` is stuck (one that is
busy, such as the face filter on a loaded machine, is slow, not stuck, up to
``BUSY_SECONDS``); one that ends early is short.
Either fails the export at once with a message naming the clip and film: no black frames or
silence are ever slipped in to hide it. ``Run.stop()`` ends every child within a poll tick.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections import deque
from pathlib import Path

from media import oslayer
from media.errors import ProtoReelError
from media.export.segments import Segment

CHUNK = 1 << 20
STALL_SECONDS = 10.0
BUSY_SECONDS = 120.0  # even a working producer must give something this often
WORKING_CPU = 0.05  # CPU seconds per quiet spell that count as working
TICK = 0.2
LOG_LINES = 40
LOG_LINE_CHARS = 300


class SegmentFailed(ProtoReelError):
    """A segment's producer died, stalled or came up short."""


class _Waiting:
    """How long a producer has given nothing, and whether it is working meanwhile."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.silent = 0.0  # no output
        self.idle = 0.0  # no output and no CPU
        self.cpu = oslayer.tree_cpu_seconds(pid)

    def tick(self) -> str:
        """One more poll tick with nothing to read: why it is stuck, or "" while it may go on."""
        self.silent += TICK
        self.idle += TICK
        cpu = oslayer.tree_cpu_seconds(self.pid)
        if cpu is not None and self.cpu is not None and cpu - self.cpu >= WORKING_CPU:
            self.idle, self.cpu = 0.0, cpu  # busy: slow, not stuck
        if self.idle >= STALL_SECONDS:
            return f"gave nothing for {STALL_SECONDS:g} s"
        if self.silent >= BUSY_SECONDS:
            return f"worked {BUSY_SECONDS:g} s without giving anything"
        return ""


class ChildLog:
    """The last lines a child wrote on stderr, read as they come (bounded)."""

    def __init__(self, stream) -> None:
        self.lines: deque[str] = deque(maxlen=LOG_LINES)
        self.count = 0
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.count += 1
            self.lines.append(raw.decode(errors="replace").rstrip()[:LOG_LINE_CHARS])
        stream.close()

    def last(self) -> str:
        self._thread.join(1.0)
        return self.lines[-1] if self.lines else ""


class Run:
    """The children of one export and whether it is stopping."""

    def __init__(self) -> None:
        self.stopped = False
        self.killed: set[subprocess.Popen] = set()
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    def start(self, command: list[str], **popen_args) -> tuple[subprocess.Popen, ChildLog]:
        popen_args.setdefault("env", oslayer.lean_env())
        proc = oslayer.spawn(command, stderr=subprocess.PIPE, **popen_args)
        with self._lock:
            self._procs.add(proc)
            if self.stopped:
                proc.kill()
        return proc, ChildLog(proc.stderr)

    def finish(self, proc: subprocess.Popen) -> None:
        proc.kill()
        proc.wait()
        with self._lock:
            self._procs.discard(proc)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            for proc in self._procs:
                if proc.poll() is None:
                    self.killed.add(proc)  # ended by us: its exit status says nothing
                proc.kill()


class FifoSink:
    """The Linux path: a named pipe the encoder reads."""

    def __init__(self, fifo: Path, run: Run) -> None:
        self.fifo, self.run_ = fifo, run

    def open(self) -> int:
        """Opened for writing without hanging if the encoder never opens it."""
        try:
            return oslayer.open_fifo_for_writing(self.fifo, lambda: self.run_.stopped)
        except OSError:
            raise ProtoReelError("the export stopped before it began") from None

    def close(self, fd: int) -> None:
        os.close(fd)


class StdinSink:
    """The portable path: an encoder's own standard input (no named pipes on Windows)."""

    def __init__(self, stream) -> None:
        self.stream = stream

    def open(self) -> int:
        return self.stream.fileno()

    def close(self, fd: int) -> None:
        try:
            self.stream.close()
        except OSError:
            pass  # the encoder is gone already: its exit status says why


class Feeder(threading.Thread):
    """Writes exactly the segments' bytes into one input of the encoder, segment by segment."""

    def __init__(self, sink: FifoSink | StdinSink, segments: list[Segment], kind: str, frame_bytes: int,
                 run: Run) -> None:
        super().__init__(daemon=True, name=f"feed-{kind}")
        self.sink, self.segments, self.kind, self.frame_bytes, self.run_ = sink, segments, kind, frame_bytes, run
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            sink = self.sink.open()
            try:
                for segment in self.segments:
                    if self.run_.stopped:
                        return
                    self._one(sink, segment)
                    segment.finished()
            finally:
                self.sink.close(sink)
        except BaseException as exc:  # read by the exporter after the run
            self.error = exc
            self.run_.stop()

    def _one(self, sink: int, segment: Segment) -> None:
        if self.kind == "video":
            if segment.is_still:
                self._repeat(sink, segment, self._still(segment), segment.frames)
            else:
                self._pump(sink, segment, segment.video_command(), segment.frames * self.frame_bytes)
        else:
            command = segment.audio_command()
            size = segment.samples * 4
            if command is None:  # a card or a film without sound: true silence
                self._repeat(sink, segment, bytes(min(size, CHUNK) or 1), 0, size)
            else:
                self._pump(sink, segment, command, size)

    def _still(self, segment: Segment) -> bytes:
        proc, log = self.run_.start(segment.still_command(), stdout=subprocess.PIPE)
        try:
            data = proc.stdout.read(self.frame_bytes + 1)
        finally:
            self.run_.finish(proc)
        if len(data) != self.frame_bytes and not self.run_.stopped:
            raise SegmentFailed(f"{segment.label}: its picture could not be made ({log.last() or 'no output'})")
        return data

    def _repeat(self, sink: int, segment: Segment, block: bytes, times: int, size: int | None = None) -> None:
        total = size if size is not None else len(block) * times
        written = 0
        while written < total and not self.run_.stopped:
            piece = block[: total - written]
            oslayer.write_all(sink, piece)
            written += len(piece)

    def _pump(self, sink: int, segment: Segment, command: list[str], size: int) -> None:
        proc, log = self.run_.start(command, stdout=subprocess.PIPE)
        written, waiting = 0, _Waiting(proc.pid)
        source = oslayer.reader(proc.stdout)  # Linux: poll + splice; portable: a reading thread
        try:
            while written < size and not self.run_.stopped:
                if not source.wait(TICK):
                    stuck = waiting.tick()
                    if stuck:
                        raise SegmentFailed(self._why(segment, log, written, size, stuck))
                    continue
                waiting = _Waiting(proc.pid)
                moved = source.move(sink, min(CHUNK, size - written))
                if not moved:
                    break
                written += moved
        finally:
            source.close()
            self.run_.finish(proc)
        if written < size and not self.run_.stopped:
            raise SegmentFailed(self._why(segment, log, written, size, "ended early"))

    def _why(self, segment: Segment, log: ChildLog, written: int, size: int, what: str) -> str:
        unit, per = ("frames", self.frame_bytes) if self.kind == "video" else ("samples", 4)
        detail = log.last()
        return (f"{segment.label}: its {'picture' if self.kind == 'video' else 'sound'} {what} after "
                f"{written // per} of {size // per} {unit}" + (f" ({detail})" if detail else "")
                + "; the film may be damaged")
