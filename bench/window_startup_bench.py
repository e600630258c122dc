"""What a facilitator waits for when opening ProtoReel: the first start (no library yet: it is
made, its database created) and every later start (a workshop library; the film watched last
opened again at its frame).

    .venv/bin/python bench/window_startup_bench.py [--runs 3] [--films 12] [--xvfb] [--checkout DIR [--checkout DIR]]

Runs the real command (``python -m ui.shell.launch --library LIB``) in a fresh process each
time, with a private settings folder, and times from just before the process is started:

- **first window painted**: the first of the app's windows exposed, so painted (the start
  window, or the workspace when there is none): when the screen stops being empty or black;
- **workspace painted**: the main window exposed, so painted;
- **interactive**: the workspace painted, the last film's picture on screen (later starts), and
  the GUI thread then answering a 10 ms heartbeat within 50 ms for 300 ms in a row.

The timing is taken from outside the app (a wrapper's 5 ms timer on the QApplication, set
before the app's modules load, looks at which windows Qt has exposed, which is when it paints
them), so ``--checkout`` can point at another checkout (an older main) and be measured the same
way. ``--xvfb`` runs on a virtual X server instead of
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
    from PySide6.QtCore import QTimer

    marks = {}
    beats = []
    expect_film = sys.argv[2] == "film"

    def exposed(widget):  # Qt paints a widget window the moment it is first exposed
        handle = widget.windowHandle()
        return widget.isVisible() and handle is not None and handle.isExposed()

    def beat():  # every 5 ms of a free GUI thread: no Python on every Qt event (that costs seconds)
        now = time.time()
        beats.append(now)
        main = None
        for top in W.QApplication.topLevelWidgets():
            if exposed(top):
                marks.setdefault("first window painted", now)
                if isinstance(top, W.QMainWindow):
                    marks.setdefault("workspace painted", now)
                    main = top
        if main is None or "interactive" in marks:
            return
        if expect_film and (main.player.film is None or main.video.current_image() is None):
            return
        recent = [b for b in beats[-80:] if b > now - 0.3]
        gaps = [b - a for a, b in zip(recent, recent[1:])]
        if recent and recent[0] <= now - 0.28 and max(gaps, default=0) < 0.05:
            marks["interactive"] = max(recent[0], marks["workspace painted"])
            print("MARKS " + json.dumps(marks), flush=True)
            QTimer.singleShot(300, main.close)

    class App(W.QApplication):
        def __init__(self, *args):
            super().__init__(*args)
            self.heartbeat = QTimer(interval=5)
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
    """A workshop's library: ``films`` films of 2 minutes with three clips each, the last a
    1080p30 camera-like film (the one "watched": a later start reopens it at 1:05), the others
    small (what matters at start-up is their rows and pictures, not their size)."""
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from app.library import Library
        from app.films import importing
        from app.clips import clips
        from bench._media import OUT, camera_like_film
        from tests.media_factory import make_long_film
        lib = Library.open(Path({str(library)!r}))
        OUT.mkdir(exist_ok=True)
        last = None
        for n in range({films}):
            if n == {films} - 1:
                film = camera_like_film(120, "startup-watched-1080p30.mp4")
            else:
                film = OUT / f"startup-phone-{{n}}.mp4"
                if not film.exists():
                    make_long_film(film, 120, size=(640, 360), fps=10, creation_time=f"2026-11-28T{{9 + n // 4}}:{{n % 4 * 15:02d}}:00Z")
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


def measure(checkouts: list[Path], runs: int, films: int, display: str | None) -> dict:
    """Each checkout's first and later starts, taken in turn (one of each checkout, then the
    next round), so a load that changes meanwhile falls on all of them alike."""
    first = {c: [] for c in checkouts}
    later = {c: [] for c in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        libraries = {}
        for n, checkout in enumerate(checkouts):
            settings, library = Path(tmp) / f"home{n}", Path(tmp) / f"Library{n}"
            workshop_library(checkout, library, settings, films)
            start_once(checkout, library, settings, True, display)  # the operating system's caches warm
            libraries[checkout] = (library, settings)
        for r in range(runs):
            for n, checkout in enumerate(checkouts):
                fresh = Path(tmp) / f"fresh{n}-{r}"
                first[checkout].append(start_once(checkout, fresh / "Library", fresh / "home", False, display))
                later[checkout].append(start_once(checkout, *libraries[checkout], True, display))
    return {c: (first[c], later[c]) for c in checkouts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--films", type=int, default=12)
    parser.add_argument("--xvfb", action="store_true", help="a virtual X server instead of Qt's offscreen platform")
    parser.add_argument("--checkout", type=Path, action="append",
                        help="a checkout to measure (default: this one); give two to compare them, run by run")
    args = parser.parse_args()
    checkouts = args.checkout or [ROOT]
    print(f"load before {load()} (2 cores)")
    display_ctx = None
    display = None
    if args.xvfb:
        sys.path.insert(0, str(ROOT))
        from tests.ui.xvfb import xvfb

        display_ctx = xvfb(1366, 768)
        display = display_ctx.__enter__()
    try:
        results = measure(checkouts, args.runs, args.films, display)
    finally:
        if display_ctx is not None:
            display_ctx.__exit__(None, None, None)
    for checkout, (first, later) in results.items():
        print(f"== {checkout}")
        report("first start (a new library)", first)
        report(f"later start ({args.films} films, the last one reopened at 1:05)", later)
    print(f"load after {load()}")


if __name__ == "__main__":
    main()
