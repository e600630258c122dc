"""Real windows on a virtual X screen (Xvfb), for screenshots a person can look at."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Tests write their screenshots outside the tracked tree (so a run leaves it clean); copy the
# ones you have looked at into docs/screenshots/ for the README, or point this at it:
#   PROTOREEL_SCREENSHOTS=docs/screenshots scripts/run-tests.sh -m xvfb
SCREENSHOTS = Path(os.environ.get("PROTOREEL_SCREENSHOTS") or ROOT / "tests" / "screenshots-out").resolve()
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@contextmanager
def xvfb(width: int = 1600, height: int = 1000):
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (scripts/setup.sh installs it when run as root on Debian)")
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as fh:
            number = fh.readline().strip()
        if not number:
            pytest.fail("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)


def run_scene(scene: str, *args: str, timeout: int = 240, env: dict | None = None,
              screen: tuple[int, int] = (1600, 1000)) -> subprocess.CompletedProcess:
    """Run ``tests/ui/scenes.py SCENE ARGS`` in its own process on a fresh Xvfb display."""
    with xvfb(*screen) as display:
        env = {**(env or os.environ), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("WAYLAND_DISPLAY", None)
        done = subprocess.run(
            [sys.executable, "-m", "tests.ui.scenes", scene, *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
        )
    if done.returncode != 0:
        pytest.fail(f"scene {scene} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    return done
