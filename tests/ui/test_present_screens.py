"""The breakfast review on real X screens: a 1366x768 laptop with a 1920x1080 projector
(Xorg's dummy driver), and one 1920x1080 screen (Xvfb). Screenshots to look at."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import SAMPLES
from tests.ui.xorg_dummy import two_monitors
from tests.ui.xvfb import ROOT, SCREENSHOTS, xvfb

pytestmark = pytest.mark.xvfb
SHOTS = ("opening", "card", "clip", "discuss", "warning", "withheld")


def run(mode: str, display: str, tmp_path) -> None:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run([sys.executable, "-m", "tests.ui.present_scenes", mode, str(tmp_path / "lib"),
                           str(SCREENSHOTS)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    if done.returncode != 0:
        pytest.fail(f"present scene {mode} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")


@pytest.fixture(autouse=True)
def need_samples():
    if not SAMPLES.is_dir():
        pytest.skip(f"no sample media at {SAMPLES}")


def test_laptop_and_projector(tmp_path):
    with two_monitors(tmp_path) as display:
        run("two", display, tmp_path)
    for name in (*SHOTS, "presenter"):
        assert (SCREENSHOTS / f"present-two-{name}.png").stat().st_size > 10_000
    pdf = SCREENSHOTS / "present-two-summary.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf), str(SCREENSHOTS / "present-two-summary")],
                       check=True)


def test_one_screen_with_the_presenter_overlay(tmp_path):
    with xvfb(1920, 1080) as display:
        run("one", display, tmp_path)
    for name in (*SHOTS, "overlay"):
        assert (SCREENSHOTS / f"present-one-{name}.png").stat().st_size > 10_000
