"""What a facilitator waits for when opening ProtoReel: the first start (no library yet: it is
made, its database created) and every later start (a workshop library; the film watched last
opened again at its frame).

    .venv/bin/python bench/window_startup_bench.py [--runs 3] [--films 12] [--xvfb] [--checkout DIR]

Runs the real command (``python -m ui.shell.launch --library LIB``) in a fresh process each
time, with a private settings folder, and times from just before the process is started:

- **first window painted**: the first paint of any of the app's windows (the start window, or
  the workspace when there is none): when the screen stops being empty or black;
- **workspace painted**: the first paint of the main window;
- **interactive**: the workspace painted, the last film's picture on screen (later starts), and
  the GUI thread then answering a 10 ms heartbeat within 50 ms for 300 ms in a row.

The timing is taken from outside the app (a wrapper installs an event filter on the
QApplication before the app's modules load), so ``--checkout`` can point at another checkout
(an older main) and be measured the same way. ``--xvfb`` runs on a virtual X server instead of
Qt's offscreen platform (closer to a real screen). CPU timings here are noisy: the load
(``uptime``) is printed before and after.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WRAPPER = textwrap.dedent("""
    import json, sys, time
    import PySide6.QtWidgets as W
    from PySide6.QtCore import QEvent, QObject, QTimer

    marks = {}
    beats = []
    expect_film = sys.argv[2] == "film"

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and isinstance(obj, W.QWidget):
                top = obj.window()
                marks.setdefault("first window painted", time.time())
                if isinstance(top, W.QMainWindow):
                    marks.setdefault("workspace painted", time.time())
                    self.main = top
            return False

    watch = Watch()
    watch.main = None

    def beat():
        now = time.time()
        beats.append(now)
        main = watch.main
        if "workspace painted" not in marks or "interactive" in marks:
            return
        if expect_film and (main.player.film is None or main.video.current_image() is None):
            return
        recent = [b for b in beats if b > now - 0.3]
        gaps = [b - a for a, b in zip(recent, recent[1:])]
        if recent and recent[0] <= now - 0.28 and max(gaps, default=0) < 0.05:
            marks["interactive"] = recent[0]
            print("MARKS " + json.dumps(marks), flush=True)
            QTimer.singleShot(300, main.close)

    class App(W.QApplication):
        def __init__(self, *args):
            super().__init__(*args)
            self.installEventFilter(watch)
            self.heartbeat = QTimer(interval=10)
            self.heartbeat.timeout.connect(beat)
            self.heartbeat.start()
            QTimer.singleShot(120_000, self.quit)

    W.QApplication = App
    sys.argv = [sys.argv[0], "--library", sys.argv[1]]
    from ui.shell.launch import main
    sys.exit(main())
""")

STAGES = ("first window painted", "workspace painted", "interactive")


def load() -> str:
    return open("/proc/loadavg").read().split()[0] if Path("/proc/loadavg").exists() else "?"


def start_once(checkout: Path, library: Path, settings: Path, expect_film: bool, display: str | None) -> dict:
    env = {**os.environ, "XDG_CONFIG_HOME": str(settings / "config"), "XDG_DATA_HOME": str(settings / "data"),
           "XDG_STATE_HOME": str(settings / "state"), "PROTOREEL_LOG_DIR": str(settings / "log"),
           "PYTHONPATH": str(checkout)}
    env.pop("PROTOREEL_LOG_TO_TERMINAL", None)
    if display:
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.time()
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(library), "film" if expect_film else "none"],
                          cwd=checkout, env=env, capture_output=True, text=True, timeout=180)
    line = next((l for l in done.stdout.splitlines() if l.startswith("MARKS ")), None)
    if line is None:
        raise SystemExit(f"the app did not become interactive:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return {k: v - started for k, v in json.loads(line[6:]).items()}


def workshop_library(checkout: Path, library: Path, settings: Path, films: int) -> None:
    """A workshop's library: ``films`` phone-sized films (2 minutes, 720p), a few clips each,
    and the last one "watched" (the place a later start reopens)."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from app.library import Library
        from app.films import importing
        from app.clips import clips
        from bench._media import camera_like_film
        lib = Library.open(Path({str(library)!r}))
        last = None
        for n in range({films}):
            film = camera_like_film(120, f"startup-{{n}}.mp4", 300 + 40 * n)
            last = importing.import_file(lib, film, event="Workshop").film_id
            for k in range(3):
                clips.add(lib, last, (10 + 30 * k) * 1_000_000, (20 + 30 * k) * 1_000_000)
        print(last, lib.root)
        lib.close()
    """)
    env = {**os.environ, "PYTHONPATH": str(checkout), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=checkout, env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    film_id, root = int(out[0]), out[1]
    # The place the app keeps per library (MainWindow._place_key), as a facilitator leaves it.
    config = settings / "config" / "ProtoReel"
    config.mkdir(parents=True, exist_ok=True)
    key = "place/" + hashlib.sha1(root.encode()).hexdigest()[:16]
    conf = config / "ProtoReel.conf"
    text = conf.read_text() if conf.exists() else ""
    conf.write_text(text + f"\n[{key.split('/')[0]}]\n{key.split('/')[1]}\\film={film_id}\n"
                           f"{key.split('/')[1]}\\position_us=65000000\n")


def report(name: str, runs: list[dict]) -> None:
    print(f"{name} ({len(runs)} runs, seconds from launch; median [each run]):")
    for stage in STAGES:
        values = [r[stage] for r in runs if stage in r]
        print(f"  {stage:<22} {statistics.median(values):6.2f}   [{', '.join(f'{v:.2f}' for v in values)}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--films", type=int, default=12)
    parser.add_argument("--xvfb", action="store_true", help="a virtual X server instead of Qt's offscreen platform")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    print(f"checkout {args.checkout}, load before {load()} (2 cores)")
    display_ctx = None
    display = None
    if args.xvfb:
        sys.path.insert(0, str(ROOT))
        from tests.ui.xvfb import xvfb

        display_ctx = xvfb(1366, 768)
        display = display_ctx.__enter__()
    try:
        first, later = [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                settings, library = Path(tmp) / "home", Path(tmp) / "Library"
                first.append(start_once(args.checkout, library, settings, False, display))
        with tempfile.TemporaryDirectory() as tmp:
            settings, library = Path(tmp) / "home", Path(tmp) / "Library"
            workshop_library(args.checkout, library, settings, args.films)
            start_once(args.checkout, library, settings, True, display)  # the operating system's caches warm
            for _ in range(args.runs):
                later.append(start_once(args.checkout, library, settings, True, display))
        report("first start (a new library)", first)
        report(f"later start ({args.films} films, the last one reopened)", later)
    finally:
        if display_ctx is not None:
            display_ctx.__exit__(None, None, None)
    print(f"load after {load()}")


if __name__ == "__main__":
    main()
