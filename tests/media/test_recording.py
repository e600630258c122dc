"""Recording from the built-in test source, and recovery after a SIGKILL mid-take."""

import json
import os
import signal
import subprocess
import sys
import time

import av

from app.films import takes
from app import queries
from media.reading.probe import probe
from tests.media_factory import read_index


def test_ten_seconds_from_the_test_source_land_as_a_film(lib):
    film_id = takes.record_take(lib, takes.TestSource(), 10, event="Workshop 3", realtime=False)
    with lib.read() as s:
        (film,) = queries.film_records(s, lib, [film_id])
    assert film.event == "Workshop 3" and film.fps == "30" and film.frame_count == 300
    info = probe(film.path)
    assert abs(info.video_duration_us - 10_000_000) <= 33_334
    assert abs(info.audio_duration_us - info.video_duration_us) <= 33_334
    with av.open(film.path) as c:
        indices = [read_index(f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    assert indices == list(range(300))  # every frame, in order, none lost or doubled
    assert not any((lib.root / "recordings").glob("*.mp4"))


def seconds_on_disk(folder) -> float:
    """How much picture a take being written has on disk so far (its flushed fragments)."""
    best = 0.0
    for path in folder.glob("*.mp4") if folder.is_dir() else ():
        try:
            with av.open(str(path)) as c:
                stream = c.streams.video[0]
                ends = [float((p.pts + (p.duration or 0)) * stream.time_base)
                        for p in c.demux(stream) if p.pts is not None]
            best = max(best, max(ends, default=0.0))
        except (av.FFmpegError, IndexError, OSError):
            continue  # not readable yet
    return best


def test_a_take_killed_mid_recording_is_recovered(lib, tmp_path):
    lib.close()
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "record", "--source", "test", "--seconds", "60",
                             "--event", "Killed take", "--library", str(lib.root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    # Kill it once 4 s are on disk (not after a fixed sleep: a busy machine starts it later).
    deadline = time.monotonic() + 90
    while seconds_on_disk(lib.root / "recordings") < 4.0:
        assert time.monotonic() < deadline and proc.poll() is None, "the take never got going"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # like a battery dying
    proc.wait()
    done = subprocess.run([sys.executable, "-m", "app.cli", "recover", "--json", "--library", str(lib.root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (film,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert film["event"] == "Killed take" and film["recovered_from"].startswith("Recording ")
    info = probe(film["path"])
    assert info.video_duration_us >= 3_000_000
    assert abs(info.audio_duration_us - info.video_duration_us) <= 100_000
    with av.open(film["path"]) as c:
        decoded = sum(1 for _ in c.decode(video=0))
    assert decoded >= 90
    again = subprocess.run([sys.executable, "-m", "app.cli", "recover", "--library", str(lib.root)],
                           capture_output=True, text=True, timeout=60)
    assert "no interrupted recordings" in again.stderr


def test_a_full_disk_stops_the_take_with_a_clear_message_and_keeps_it_for_recovery(tmp_path):
    """A real small disk (tmpfs, so this needs root) fills up during the take."""
    import shutil

    import pytest

    from media.errors import StorageError
    from app.library import Library

    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small disk (tmpfs)")
    try:
        with Library.open(disk / "lib") as lib:
            filler = disk / "filler"
            filler.write_bytes(b"\0" * (shutil.disk_usage(disk).free - 2_000_000))  # 2 MB left
            with pytest.raises(StorageError) as err:
                takes.record_take(lib, takes.TestSource(), 60, event="Full disk", realtime=False)
            assert "the disk is full" in str(err.value) and "kept" in str(err.value)
            with lib.read() as s:
                assert queries.film_records(s, lib) == []  # nothing half-imported
            filler.unlink()  # the facilitator frees some space
            ((_take, film_id, reason),) = takes.recover(lib)
            assert reason is None
            with lib.read() as s:
                (film,) = queries.film_records(s, lib, [film_id])
            assert film.event == "Full disk" and film.duration_us >= 2_000_000
    finally:
        subprocess.run(["umount", "-l", str(disk)])


class FlashAndClick:
    """Black frames and silence, but a white frame and a click on the same instant (frame 45)."""

    name = "Flash and click"
    width, height, fps = 160, 120, takes.TestSource().fps

    def frames(self):
        import numpy as np

        for index in range(90):
            rgb = np.full((self.height, self.width, 3), 255 if index == 45 else 0, np.uint8)
            sound = np.zeros((2, 1600), np.float32)
            if index == 45:
                sound[:, :] = 0.5
            yield rgb, sound


def test_a_flash_and_its_click_land_at_the_same_time_and_frames_are_evenly_timed(tmp_path):
    import numpy as np

    from media.capture.recorder import record, remux
    record(FlashAndClick(), tmp_path / "take.mp4", None, realtime=False)
    film = remux(tmp_path / "take.mp4", tmp_path / "film.mp4")
    info = probe(film)
    assert not info.vfr and info.frame_count == 90
    assert info.video_duration_us == info.audio_duration_us == 3_000_000
    with av.open(str(film)) as c:
        flash = [float(f.pts * f.time_base) for f in c.decode(video=0) if f.to_ndarray(format="gray").mean() > 128]
    with av.open(str(film)) as c:
        frames = list(c.decode(audio=0))
    start = float(frames[0].pts * frames[0].time_base)
    sound = np.hstack([f.to_ndarray()[0] for f in frames])
    click = start + np.argmax(np.abs(sound) > 0.25) / 48_000
    assert flash == [1.5]
    assert abs(click - 1.5) < 0.005, click  # picture and sound together, not an AAC priming (21 ms) apart


def test_a_take_still_being_recorded_is_never_offered_for_recovery(lib):
    """The start-up check for interrupted takes runs a moment after the window opens, and a
    facilitator may already be recording: their own live take is not "interrupted" (it was
    offered as such, and bringing it in twice was one click away)."""
    from fractions import Fraction

    from media.capture.recorder import Recorder, interrupted, let_go

    folder = takes.recordings_dir(lib)
    take = Recorder(folder / "Recording now.mp4", 320, 240, Fraction(30), {"event": "W"})
    source = takes.TestSource(320, 240)
    for _n, (rgb, sound) in zip(range(30), source.frames()):
        take.add(rgb, sound)
    assert interrupted(folder) == []  # still in this process's hands
    let_go(take.path)  # as after a crash of the import that followed: now it is waiting to be recovered
    assert interrupted(folder) == [take.path]
    take.close()
