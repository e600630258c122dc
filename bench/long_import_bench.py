"""Long films: a camera left running for a whole session (2 and 6 hours, small picture).

For each film it prints, with the reference named:
- total import time (`protoreel import --link`, a fresh process) against the reference: one
  ffmpeg keyframe thumbnail pass (`-skip_frame nokey`, 160x90 JPEGs) and `sha256sum` of the
  file run at the same time (two processes on two cores: the least work any importer must do);
- peak memory of the importing process tree (goal <= 300 MB at any length);
- the timeline zoomed step by step from the whole film down to single frames, in the middle
  and at the end: the slowest repaint (goal <= 50 ms), measured in a fresh offscreen process.

    .venv/bin/python bench/long_import_bench.py [--hours 2 6]
Generated sources go to bench/out/ (kept out of the repo) and are reused.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._media import FFMPEG, OUT  # noqa: E402
from bench.proc_tree import measure  # noqa: E402


def long_film(hours: int) -> Path:
    """320x180 at 25 fps, 2 s GOP (x264 ultrafast), AAC mono: a camera's shape, small picture."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"session-{hours}h-180p25.mp4"
    if path.exists():
        return path
    tmp = path.with_suffix(".part.mp4")
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
         "-f", "lavfi", "-i", "sine=f=440:sample_rate=16000:beep_factor=4",
         "-t", str(hours * 3600), "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "32k", "-ac", "1", str(tmp)],
        check=True,
    )
    tmp.rename(path)
    return path


def reference(film: Path) -> float:
    """ffmpeg's keyframe thumbnails and a sha256 of the file, side by side, wall time."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        thumbs = subprocess.Popen(
            [FFMPEG, "-v", "error", "-skip_frame", "nokey", "-i", str(film), "-vf", "scale=160:90",
             "-fps_mode", "vfr", "-q:v", "5", f"{out}/t%05d.jpg"])
        sha = subprocess.Popen(["sha256sum", str(film)], stdout=subprocess.DEVNULL)
        thumbs.wait(), sha.wait()
        return time.perf_counter() - start


def protoreel_import(film: Path, library: Path, link: bool) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "app.cli", "import", str(film), "--library", str(library), "--json"]
    return measure(cmd + (["--link"] if link else []), cwd=ROOT, stdout=subprocess.DEVNULL)


ZOOM_SCRIPT = r"""
import json, sys, time
from PySide6.QtWidgets import QApplication
from app.library import Library
from app import queries
from ui.bridge import LibraryBridge
from ui.film_media import load_film_media
from ui.timeline.media_band import MediaBand
from ui.timeline.viewport import Viewport
from PySide6.QtGui import QPixmap, QPainter
from fractions import Fraction

app = QApplication([])
lib = Library.open(sys.argv[1])
with lib.read() as s:
    (film,) = queries.film_records(s, lib.root)
start = time.perf_counter()
media = load_film_media(lib, film)
opened = time.perf_counter() - start
band = MediaBand()
band.set_media(media)
worst, steps = 0.0, 0
for where in (film.duration_us // 2, film.duration_us - 1_000_000):
    view = Viewport()
    view.resize(1200)
    view.reset(film.duration_us, Fraction(film.fps))
    target = QPixmap(1200, 100)
    while True:  # whole film -> frames, one wheel notch (x1.25) at a time, around `where`
        p = QPainter(target)
        t0 = time.perf_counter()
        band.paint(p, view, 0)
        worst = max(worst, time.perf_counter() - t0)
        p.end()
        steps += 1
        if view.us_per_px <= view.closest_us_per_px:
            break
        view.zoom(1.25, view.x_of(where))
print(json.dumps({"worst_ms": worst * 1000, "steps": steps, "open_ms": opened * 1000}))
"""


def zoom_stall(library: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", ZOOM_SCRIPT, str(library)], cwd=ROOT, check=True,
                          capture_output=True, text=True, env={"QT_QPA_PLATFORM": "offscreen",
                                                               "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(hours: int) -> None:
    film = long_film(hours)
    size_mb = film.stat().st_size / 1e6
    print(f"\n{hours} h film: {film.name}, {size_mb:.0f} MB")
    reference(film)  # warm the page cache for both sides alike
    ref = reference(film)
    print(f"  reference  ffmpeg keyframe thumbnails + sha256sum, side by side: {ref:7.2f} s")
    with tempfile.TemporaryDirectory() as root:
        linked, linked_mb = protoreel_import(film, Path(root) / "linked", link=True)
        copied, copied_mb = protoreel_import(film, Path(root) / "copied", link=False)
        print(f"  protoreel  import --link: {linked:7.2f} s  ratio {linked / ref:.2f}x  peak {linked_mb:6.0f} MB")
        print(f"  protoreel  import (copy): {copied:7.2f} s  ratio {copied / ref:.2f}x  peak {copied_mb:6.0f} MB")
        zoom = zoom_stall(Path(root) / "linked")
        print(f"  timeline   whole film -> frames ({zoom['steps']} repaints, middle and end): "
              f"worst {zoom['worst_ms']:.1f} ms; thumbnails and peaks opened in {zoom['open_ms']:.1f} ms")
    print("  goals: import ratio <= 1.0x, peak <= 300 MB, worst repaint <= 50 ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, nargs="+", default=[2, 6])
    for hours in parser.parse_args().hours:
        bench(hours)


if __name__ == "__main__":
    main()
