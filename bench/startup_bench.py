"""Start-up of the packaged app (dist/ProtoReel/protoreel, scripts/build-app.sh) beside the
checkout's venv (.venv/bin/protoreel), each to an interactive window, on a fresh Xvfb screen.

    .venv/bin/python bench/startup_bench.py [--runs 5] [--screenshot OUT.png]

Each run starts with a new HOME (so a new library is made, as on a first start) and a bare
environment (env -i: PATH=/usr/bin:/bin, HOME, DISPLAY; no venv, no PYTHON* variables), the
two alternately. Times from starting the process to: its main window mapped and viewable
(xdotool), and to its answer to F1 (the "Keyboard shortcuts" window, sent when the main window
shows): the window takes keys. Also prints the size of each (dist/ProtoReel; the venv).
Needs Xvfb and xdotool (Debian); ``--screenshot`` (ImageMagick's import) saves the packaged
app's first window. Say the machine's load beside the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = {"packaged": ROOT / "dist" / "ProtoReel" / "protoreel", "venv": ROOT / ".venv" / "bin" / "protoreel"}


def xvfb() -> tuple[subprocess.Popen, str]:
    """A display number of its own, well away from :0 (other sessions' test servers come and go)."""
    for number in range(300 + os.getpid() % 400, 800):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        if proc.poll() is None:
            return proc, f":{number}"
    raise RuntimeError("no free X display")


def find(display: str, name: str) -> str | None:
    done = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], capture_output=True, text=True,
                          env={"DISPLAY": display, "PATH": "/usr/bin:/bin"})
    ids = done.stdout.split()
    return ids[0] if ids else None


def one_start(app: Path, display: str, screenshot: Path | None) -> tuple[float, float]:
    home = Path(tempfile.mkdtemp(prefix="protoreel-start-"))
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "DISPLAY": display, "LANG": "C.UTF-8"}
    started = time.perf_counter()
    said = home / "stderr.txt"
    proc = subprocess.Popen([str(app)], env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=open(said, "wb"))
    try:
        window = None
        while window is None:
            if proc.poll() is not None:
                raise RuntimeError(f"{app} ended with {proc.returncode} before its window showed: "
                                   f"{said.read_text(errors='replace')[-1500:]}")
            window = find(display, "^ProtoReel — ")
            if window is None:
                time.sleep(0.02)
        shown = time.perf_counter() - started
        # A real key press (XTEST) into the focused window: Qt ignores sent (synthetic) events.
        subprocess.run(["xdotool", "windowfocus", window, "key", "F1"], env={"DISPLAY": display},
                       stderr=subprocess.DEVNULL)
        while find(display, "^Keyboard shortcuts$") is None:
            if time.perf_counter() - started > 120:
                raise RuntimeError("the window never answered F1")
            time.sleep(0.02)
        answered = time.perf_counter() - started
        if screenshot is not None:
            subprocess.run(["xdotool", "windowfocus", find(display, "^Keyboard shortcuts$"), "key", "Escape"],
                           env={"DISPLAY": display}, stderr=subprocess.DEVNULL)
            time.sleep(1.5)
            subprocess.run(["import", "-display", display, "-window", "root", str(screenshot)], check=True)
        return shown, answered
    finally:
        proc.terminate()
        proc.wait(20)
        shutil.rmtree(home, ignore_errors=True)


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    server, display = xvfb()
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in APPS}
    try:
        for run in range(args.runs):
            for kind, app in APPS.items():
                shot = args.screenshot if (kind == "packaged" and run == 0) else None
                shown, answered = one_start(app, display, shot)
                times[kind].append((shown, answered))
                print(f"run {run + 1} {kind:8}  window {shown:5.2f} s  answers F1 {answered:5.2f} s  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.terminate()
        server.wait()
    sizes = {"packaged": size_mb(ROOT / "dist" / "ProtoReel"), "venv": size_mb(ROOT / ".venv")}
    for kind, got in times.items():
        print(f"{kind:8}  median: window {statistics.median(s for s, _ in got):5.2f} s, answers F1 "
              f"{statistics.median(a for _, a in got):5.2f} s; size {sizes[kind]:6.0f} MB")


if __name__ == "__main__":
    main()
