"""The export's OS-specific calls, each path exercised here: on Linux children die with the
app (parent-death signal); the portable path (forced) exports the same frame-exact reel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import av
import pytest

from app.clips import clips
from app.reels import export, reels
from app.films import importing
from media import oslayer
from tests.media_factory import make_counting_film, read_index

LAUNCH = ("import sys, time\nfrom media import oslayer\n"
          "child = oslayer.spawn(['sleep', '60'])\nprint(child.pid, flush=True)\ntime.sleep(60)\n")


def _orphan_after_parent_killed(env: dict) -> tuple[int, bool]:
    parent = subprocess.Popen([sys.executable, "-c", LAUNCH], stdout=subprocess.PIPE, text=True, env=env)
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    return child, _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
def test_a_child_dies_when_the_app_is_killed():
    child, alive = _orphan_after_parent_killed(dict(os.environ))
    assert not alive, "the child outlived its parent"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="compares with the Linux path")
def test_the_portable_path_is_plain_children(monkeypatch):
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    assert not oslayer.ties_to_parent()
    child, alive = _orphan_after_parent_killed(dict(os.environ))
    try:
        assert alive  # nothing ties it: it lives on until its pipes close (here: sleep has none)
    finally:
        os.kill(child, signal.SIGKILL)


def test_portable_path_exports_the_same_exact_reel(lib, tmp_path, monkeypatch):
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    film = importing.import_file(lib, make_counting_film(tmp_path / "f.mp4", seconds=3)).film_id
    clip = clips.add(lib, film, 520_000, 2_000_000)  # 25 fps: frames 13..49
    reel_id = reels.create(lib, "Portable", [str(clip)])
    out = export.export_reel(lib, reel_id, tmp_path / "p.mp4", cards=False, captions=False)
    with av.open(str(out)) as c:
        import cv2

        got = [read_index(cv2.resize(f.to_ndarray(format="rgb24")[:, 160:1120], (320, 240))) for f in c.decode(video=0)]
    assert got == list(range(13, 50))


def test_children_give_freed_frames_back_unless_portable(monkeypatch):
    monkeypatch.delenv(oslayer.FORCE_PORTABLE_ENV, raising=False)
    env = oslayer.lean_env()
    if sys.platform.startswith("linux"):
        assert env["MALLOC_MMAP_THRESHOLD_"] == str(oslayer.MMAP_THRESHOLD) and env["PATH"] == os.environ["PATH"]
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    assert oslayer.lean_env() is None  # the portable path: children inherit our environment
