"""Two monitors on one X server for tests: a 1366x768 laptop and a 1920x1080 projector.

Xvfb cannot do this (docs/measured.md: ``xrandr --setmonitor`` fails, ``+xinerama`` gives Qt one
screen); Xorg's dummy driver can. It needs root (Xorg with a ``-config`` file) and the Debian
packages ``xserver-xorg-core xserver-xorg-video-dummy x11-xserver-utils`` (scripts/setup.sh
test installs them as root); without them the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

DRIVER = Path("/usr/lib/xorg/modules/drivers/dummy_drv.so")
CONFIG = """
Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam 256000
EndSection
Section "Monitor"
  Identifier "monitor"
  HorizSync 5.0-1000.0
  VertRefresh 5.0-200.0
EndSection
Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "monitor"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Virtual 3840 1080
  EndSubSection
EndSection
"""
# Modelines as `cvt` prints them (cvt is not in Debian 12's xserver-xorg-core); 1366 wide, as
# laptops are, with reduced blanking.
MODES = {
    "1920x1080_60.00": "173.00 1920 2048 2248 2576 1080 1083 1088 1120 -hsync +vsync",
    "1366x768_60.00": "85.25 1366 1414 1446 1528 768 771 781 790 +hsync -vsync",
}
LAPTOP, PROJECTOR = (0, 0, 1366, 768), (1366, 0, 1920, 1080)


def missing() -> str | None:
    if os.geteuid() != 0:
        return "two monitors need Xorg's dummy driver, which needs root to start with its own config"
    for tool in ("Xorg", "xrandr"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/setup.sh test installs it as root on Debian)"
    if not DRIVER.exists():
        return "xserver-xorg-video-dummy is not installed (scripts/setup.sh test installs it as root on Debian)"
    return None


@contextmanager
def two_monitors(folder: Path):
    """An X display with the laptop at (0,0) and the projector to its right."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    config = folder / "xorg.conf"
    config.write_text(CONFIG)
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xorg", "-displayfd", str(write), "-config", str(config), "-noreset", "-nolisten", "tcp",
         "-logfile", str(folder / "xorg.log")],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as fh:
            number = fh.readline().strip()
        if not number:
            pytest.fail(f"Xorg (dummy driver) did not start; see {folder / 'xorg.log'}")
        display = f":{number}"
        env = {**os.environ, "DISPLAY": display}

        def xrandr(*args: str) -> None:
            subprocess.run(["xrandr", *args], env=env, check=True, capture_output=True, timeout=30)

        for name, line in MODES.items():
            xrandr("--newmode", name, *line.split())
        xrandr("--addmode", "DUMMY0", "1366x768_60.00")
        xrandr("--addmode", "DUMMY1", "1920x1080_60.00")
        xrandr("--output", "DUMMY0", "--mode", "1366x768_60.00", "--pos", "0x0", "--primary",
               "--output", "DUMMY1", "--mode", "1920x1080_60.00", "--pos", "1366x0")
        yield display
    finally:
        proc.terminate()
        proc.wait(10)
