"""The export's producers: drained, watched and stopped. A decoder that floods stderr, stalls
or dies is reported naming its clip and film, within seconds, and Cancel stops everything."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.clips import clips
from app.reels import export, reels
from app.films import importing
from media import oslayer
from media.export import feed
from media.export.feed import Feeder, FifoSink, Run, SegmentFailed, StdinSink
from media.export.segments import Segment
from media.jobs import Cancelled, CancelToken
from tests.media_factory import make_counting_film

FRAME = 64  # bytes per "frame" in these unit tests


class FakeSegment:
    label = "clip 'Waiting room' of film 'Tuesday role-play'"
    is_still = False

    def __init__(self, script: str, frames: int = 50) -> None:
        self.script, self.frames, self.samples = script, frames, frames

    def video_command(self):
        return [sys.executable, "-c", self.script]

    def finished(self):
        pass


def _feed(tmp_path: Path, segment) -> tuple[Feeder, bytes]:
    """The feeder writing into what the encoder reads on this path: a named pipe (Linux), or
    a plain pipe as an encoder's standard input (portable)."""
    got = []
    run = Run()
    if oslayer.fifos():
        fifo = tmp_path / "v.fifo"
        oslayer.make_fifo(fifo)
        reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
        sink = FifoSink(fifo, run)
    else:
        read_end, write_end = os.pipe()
        reader = threading.Thread(target=lambda: got.append(os.fdopen(read_end, "rb").read()))
        sink = StdinSink(os.fdopen(write_end, "wb"))
    reader.start()
    feeder = Feeder(sink, [segment], "video", FRAME, run)
    feeder.start()
    feeder.join(30)
    reader.join(5)
    return feeder, got[0] if got else b""


def test_a_decoder_flooding_stderr_never_blocks(tmp_path):
    # 4 MB of warnings first (a pipe holds 64 KB): unread, the decoder would hang for ever.
    script = ("import sys\nfor i in range(40000): sys.stderr.write('[mpeg] Header missing %d\\n' % i)\n"
              f"sys.stdout.buffer.write(b'x' * {50 * FRAME})")
    feeder, data = _feed(tmp_path, FakeSegment(script))
    assert feeder.error is None
    assert data == b"x" * 50 * FRAME


def test_a_decoder_that_dies_mid_clip_fails_naming_clip_and_film(tmp_path):
    script = (f"import sys\nsys.stdout.buffer.write(b'x' * {20 * FRAME}); sys.stdout.flush()\n"
              "sys.stderr.write('Invalid data found when processing input\\n'); sys.exit(1)")
    feeder, data = _feed(tmp_path, FakeSegment(script))
    assert isinstance(feeder.error, SegmentFailed)
    message = str(feeder.error)
    assert "'Waiting room'" in message and "'Tuesday role-play'" in message
    assert "20 of 50 frames" in message and "Invalid data found" in message
    assert len(data) == 20 * FRAME  # nothing made up after it


def test_a_stuck_decoder_fails_within_seconds(tmp_path, monkeypatch):
    monkeypatch.setattr(feed, "STALL_SECONDS", 1.0)
    started = time.monotonic()
    feeder, _ = _feed(tmp_path, FakeSegment("import time; time.sleep(60)"))
    assert time.monotonic() - started < 4
    assert isinstance(feeder.error, SegmentFailed) and "gave nothing for 1 s" in str(feeder.error)


@pytest.fixture
def reel(lib, tmp_path):
    film = make_counting_film(tmp_path / "film.mp4", seconds=4)
    film_id = importing.import_file(lib, film).film_id
    clip = clips.add(lib, film_id, 400_000, 3_600_000, title="Waiting room")
    return lib, reels.create(lib, "Board", [str(clip)])


def _children() -> set[int]:
    """Our live child processes (Linux /proc; the test runs here)."""
    me, found = str(os.getpid()), set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if entry.name.isdigit() and fields[1] == me and fields[0] != "Z":
                found.add(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def test_cancel_stops_a_stuck_export_within_a_second(reel, tmp_path, monkeypatch):
    lib, reel_id = reel
    monkeypatch.setattr(Segment, "video_command", lambda self: [sys.executable, "-c", "import time; time.sleep(60)"])
    before = _children()
    token = CancelToken()
    timer = threading.Timer(1.5, token.cancel)
    timer.start()
    with pytest.raises(Cancelled):
        export.export_reel(lib, reel_id, tmp_path / "out.mp4", cards=False, cancel=token)
    stopped = time.monotonic()
    assert stopped - timer_started(timer) < 1.5 + 1.0
    assert _children() <= before  # every decoder and the encoder are gone
    assert not (tmp_path / "out.mp4").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".protoreel")] == []


def timer_started(timer) -> float:
    return timer.started_at


@pytest.fixture(autouse=True)
def _timer_clock(monkeypatch):
    original = threading.Timer.start

    def start(self):
        self.started_at = time.monotonic()
        original(self)

    monkeypatch.setattr(threading.Timer, "start", start)


def test_a_stuck_producer_fails_the_export_naming_the_clip(reel, tmp_path, monkeypatch):
    lib, reel_id = reel
    monkeypatch.setattr(feed, "STALL_SECONDS", 1.0)
    monkeypatch.setattr(Segment, "audio_command", lambda self: [sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    with pytest.raises(SegmentFailed, match="clip 'Waiting room' of film 'film'.*sound gave nothing for 1 s"):
        export.export_reel(lib, reel_id, tmp_path / "out.mp4", cards=False)
    assert time.monotonic() - started < 20
    assert not (tmp_path / "out.mp4").exists()


BUSY_THEN_FRAMES = ("import sys, time\nend = time.process_time() + 2.5\n"
                    "while time.process_time() < end: pass\n"  # a slow filter: working, no output yet
                    f"sys.stdout.buffer.write(b'x' * {50 * FRAME}); sys.stdout.flush()")


def test_a_slow_but_working_producer_is_waited_for(tmp_path, monkeypatch):
    """On a loaded machine the face filter may think for longer than the stall limit before its
    first frame: it uses CPU all along, so it is slow, not stuck (it failed exports at load 15)."""
    if oslayer.tree_cpu_seconds(os.getpid()) is None:
        pytest.skip("this system does not report a process's CPU time")
    monkeypatch.setattr(feed, "STALL_SECONDS", 1.0)
    feeder, data = _feed(tmp_path, FakeSegment(BUSY_THEN_FRAMES))
    assert feeder.error is None and len(data) == 50 * FRAME


def test_a_producer_busy_past_the_limit_still_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(feed, "STALL_SECONDS", 1.0)
    monkeypatch.setattr(feed, "BUSY_SECONDS", 1.5)
    feeder, _ = _feed(tmp_path, FakeSegment(BUSY_THEN_FRAMES))
    assert isinstance(feeder.error, SegmentFailed)
    assert "worked 1.5 s without giving anything" in str(feeder.error)


def test_the_cpu_of_a_childs_children_counts():
    """The anonymiser's decoder is its child: the walk must reach it."""
    if oslayer.tree_cpu_seconds(os.getpid()) is None:
        pytest.skip("this system does not report a process's CPU time")
    script = ("import subprocess, sys\nsubprocess.run([sys.executable, '-c', "
              "'import time\\nend = time.process_time() + 1.0\\nwhile time.process_time() < end: pass'])")
    proc = subprocess.Popen([sys.executable, "-c", script])
    most = 0.0
    try:
        while proc.poll() is None:  # once the grandchild is reaped its time is no longer its own
            most = max(most, oslayer.tree_cpu_seconds(proc.pid) or 0.0)
            time.sleep(0.05)
    finally:
        proc.wait()
    assert most >= 0.5  # the grandchild's busy loop, not the idle parent (~0.05 s of start-up)
