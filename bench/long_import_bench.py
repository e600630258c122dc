"""Long films: a camera left running for a whole session (2 and 6 hours, small picture).

For each film it prints, with the reference named:
- total import time (`protoreel import --link`, a fresh process) against the reference: one
  ffmpeg keyframe thumbnail pass (`-skip_frame nokey`, 160x90 JPEGs) and `sha256sum` of the
  file run at the same time (two processes on two cores: the least work any importer must do);
- peak memory of the importing process tree (goal <= 300 MB at any length);
- the timeline zoomed step by step from the whole film down to single frames, in the middle
  and at the end: the slowest repaint (goal <= 50 ms), measured in a fresh offscreen process;
- time to markable: the film dropped on the real main window (offscreen) until it is open in
  the player and timeline, ready to mark (goal <= 1 s), and until its background import ends.
And for a folder of 40 phone films (30-150 s, 640x360 30 fps, AAC) with creation times over a
day: CLI import of the folder (two at a time) against the same reference run film by film.

    .venv/bin/python bench/long_import_bench.py [--hours 2 6] [--phones]
Generated sources go to bench/out/ (kept out of the repo) and are reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far: load from other
    work stretches wall time, much less the CPU a job needs, so both are printed."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU = {"reference": 0.0, "import": 0.0}  # CPU seconds of the last run of each, for the printout


def reference(film: Path) -> float:
    """ffmpeg's keyframe thumbnails and a sha256 of the file, side by side, wall time."""
    with tempfile.TemporaryDirectory() as out:
        start, cpu = time.perf_counter(), children_cpu()
        thumbs = subprocess.Popen(
            [FFMPEG, "-v", "error", "-skip_frame", "nokey", "-i", str(film), "-vf", "scale=160:90",
             "-fps_mode", "vfr", "-q:v", "5", f"{out}/t%05d.jpg"])
        sha = subprocess.Popen(["sha256sum", str(film)], stdout=subprocess.DEVNULL)
        thumbs.wait(), sha.wait()
        CPU["reference"] = children_cpu() - cpu
        return time.perf_counter() - start


def protoreel_import(film: Path, library: Path, link: bool) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "app.cli", "import", str(film), "--library", str(library), "--json"]
    cpu = children_cpu()
    wall, peak = measure(cmd + (["--link"] if link else []), cwd=ROOT, stdout=subprocess.DEVNULL)
    CPU["import"] = children_cpu() - cpu
    return wall, peak


ZOOM_SCRIPT = r"""
import json, sys, time
from PySide6.QtWidgets import QApplication
from app.library import Library
from app import queries
from ui.kit.bridge import LibraryBridge
from ui.timeline.film_media import load_film_media
from ui.timeline.media_band import MediaBand
from ui.timeline.viewport import Viewport
from PySide6.QtGui import QPixmap, QPainter
from fractions import Fraction

app = QApplication([])
lib = Library.open(sys.argv[1])
with lib.read() as s:
    (film,) = queries.film_records(s, lib)
from ui.timeline.page_loader import PageLoader

def zoom(lazy):
    start = time.perf_counter()
    media = load_film_media(lib, film)
    opened = time.perf_counter() - start
    band = MediaBand()
    band.set_media(media)
    if lazy:  # as the timeline does: pages read off the GUI thread, a repaint when one arrives
        media.loader = PageLoader()
        media.loader.loaded.connect(lambda path, page: (media.store(path, page), band.invalidate()))
    worst, worst_cpu, steps = 0.0, 0.0, 0
    for where in (film.duration_us // 2, film.duration_us - 1_000_000):
        view = Viewport()
        view.resize(1200)
        view.reset(film.duration_us, Fraction(film.fps))
        target = QPixmap(1200, 100)
        while True:  # whole film -> frames, one wheel notch (x1.25) at a time, around `where`
            for _ in range(2 if lazy else 1):  # lazy: once at once, once more as pages arrive
                p = QPainter(target)
                t0, c0 = time.perf_counter(), time.thread_time()
                band.paint(p, view, 0)
                worst = max(worst, time.perf_counter() - t0)
                worst_cpu = max(worst_cpu, time.thread_time() - c0)  # the GUI thread's own work
                p.end()
                steps += 1
                end = time.perf_counter() + 0.02
                while lazy and time.perf_counter() < end:
                    app.processEvents()
            if view.us_per_px <= view.closest_us_per_px:
                break
            view.zoom(1.25, view.x_of(where))
    return worst * 1000, worst_cpu * 1000, steps, opened * 1000

sync_ms, sync_cpu, steps, opened_ms = zoom(False)
lazy_ms, lazy_cpu, lazy_steps, _ = zoom(True)
print(json.dumps({"worst_ms": lazy_ms, "worst_cpu_ms": lazy_cpu, "sync_worst_ms": sync_ms,
                  "sync_worst_cpu_ms": sync_cpu, "steps": steps, "open_ms": opened_ms}))
"""


MARKABLE_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from app.library import Library
from ui.shell.main_window import MainWindow

app = QApplication([])
lib = Library.open(sys.argv[1])
win = MainWindow(lib)
win.show()
for _ in range(20):
    app.processEvents()
mime = QMimeData()
mime.setUrls([QUrl.fromLocalFile(sys.argv[2])])
start = time.perf_counter()
win.dropEvent(QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                         Qt.KeyboardModifier.NoModifier))
while not (win.timeline.film is not None and win.player.film is not None):
    app.processEvents()
    time.sleep(0.002)
markable = time.perf_counter() - start
background = win.import_flow.background
while background.busy():
    app.processEvents()
    time.sleep(0.01)
total = time.perf_counter() - start
print(json.dumps({"markable_s": markable, "complete_s": total}))
win.close()
"""


def markable(film: Path, library: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", MARKABLE_SCRIPT, str(library), str(film)], cwd=ROOT,
                          check=True, capture_output=True, text=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout.strip().splitlines()[-1])


FRAMES_SCRIPT = r"""
import json, resource, sys, time
from media.reading.frames import FrameReader
from media.reading.probe import probe_quick
info = probe_quick(sys.argv[1])
reader = FrameReader(sys.argv[1], info.start_us)
spots = [int(info.duration_us * k / 23) for k in (1, 22, 5, 17, 11, 2, 20, 8, 14, 21)]
times = []
for us in spots:
    t0 = time.perf_counter()
    assert reader.frame_at(us) is not None
    times.append(time.perf_counter() - t0)
reader.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"median_ms": sorted(times)[len(times) // 2] * 1000, "worst_ms": max(times) * 1000, "peak_mb": peak}))
"""


def exact_frames(film: Path) -> dict:
    """Ten exact frames at spots all over the film, in a fresh process: time and peak memory."""
    done = subprocess.run([sys.executable, "-c", FRAMES_SCRIPT, str(film)], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def zoom_stall(library: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", ZOOM_SCRIPT, str(library)], cwd=ROOT, check=True,
                          capture_output=True, text=True, env={"QT_QPA_PLATFORM": "offscreen",
                                                               "PATH": "/usr/bin:/bin"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(hours: int) -> None:
    film = long_film(hours)
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: other work slows both sides)")
    size_mb = film.stat().st_size / 1e6
    print(f"\n{hours} h film: {film.name}, {size_mb:.0f} MB")
    reference(film)  # warm the page cache for both sides alike
    ref = reference(film)
    ref_cpu = CPU["reference"]
    print(f"  reference  ffmpeg keyframe thumbnails + sha256sum, side by side: {ref:7.2f} s  (CPU {ref_cpu:.2f} s)")
    with tempfile.TemporaryDirectory() as root:
        linked, linked_mb = protoreel_import(film, Path(root) / "linked", link=True)
        linked_cpu = CPU["import"]
        copied, copied_mb = protoreel_import(film, Path(root) / "copied", link=False)
        copied_cpu = CPU["import"]
        print(f"  protoreel  import --link: {linked:7.2f} s  ratio {linked / ref:.2f}x  peak {linked_mb:6.0f} MB"
              f"  (CPU {linked_cpu:.2f} s, {linked_cpu / ref_cpu:.2f}x the reference's)")
        print(f"  protoreel  import (copy): {copied:7.2f} s  ratio {copied / ref:.2f}x  peak {copied_mb:6.0f} MB"
              f"  (CPU {copied_cpu:.2f} s, {copied_cpu / ref_cpu:.2f}x)")
        zoom = zoom_stall(Path(root) / "linked")
        print(f"  timeline   whole film -> frames ({zoom['steps']} zoom steps, middle and end): worst repaint "
              f"{zoom['worst_ms']:.1f} ms wall, {zoom['worst_cpu_ms']:.1f} ms of GUI-thread CPU (pages read on "
              f"the GUI thread instead: {zoom['sync_worst_ms']:.1f} ms wall, {zoom['sync_worst_cpu_ms']:.1f} ms CPU); "
              f"thumbnails and peaks opened in {zoom['open_ms']:.1f} ms")
        frames = exact_frames(film)
        print(f"  frames     exact frame anywhere (10 jumps): median {frames['median_ms']:.0f} ms, "
              f"worst {frames['worst_ms']:.0f} ms, peak {frames['peak_mb']:.0f} MB")
        gui = markable(film, Path(root) / "window")
        print(f"  window     dropped -> open and markable: {gui['markable_s']:.2f} s; "
              f"background import done after {gui['complete_s']:.1f} s")
    print("  goals: import ratio <= 1.0x, peak <= 300 MB, worst repaint <= 50 ms, markable <= 1 s")


def phone_folder(count: int = 40) -> Path:
    """40 phone films over a day: creation times 09:00-17:00 in shuffled order against names."""
    import random

    folder = OUT / "phones"
    if folder.exists() and len(list(folder.glob("*.mp4"))) == count:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(40)
    minutes = rng.sample(range(9 * 60, 17 * 60, 5), count)
    for n, minute in enumerate(minutes):
        seconds = rng.randint(30, 150)
        stamp = f"2026-11-28T{minute // 60:02d}:{minute % 60:02d}:00Z"
        subprocess.run(
            [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=30",
             "-f", "lavfi", "-i", f"sine=f={300 + 10 * n}:sample_rate=48000", "-t", str(seconds),
             "-vf", "noise=alls=5:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-metadata", f"creation_time={stamp}",
             str(folder / f"VID_{rng.randint(1000, 9999)}_{n:02d}.mp4")], check=True)
    return folder


def bench_phones() -> None:
    folder = phone_folder()
    films = sorted(folder.glob("*.mp4"))
    size = sum(f.stat().st_size for f in films) / 1e6
    print(f"\nfolder of {len(films)} phone films, {size:.0f} MB")
    for film in films:
        reference(film)  # warm the page cache
    cpu = children_cpu()
    ref = sum(reference(film) for film in films)
    ref_cpu = children_cpu() - cpu
    print(f"  reference  ffmpeg keyframe thumbnails + sha256sum, side by side, film by film: {ref:7.2f} s"
          f"  (CPU {ref_cpu:.2f} s)")
    with tempfile.TemporaryDirectory() as root:
        cpu = children_cpu()
        wall, peak = measure([sys.executable, "-m", "app.cli", "import", str(folder), "--event", "Workshop day",
                              "--link", "--library", str(Path(root) / "lib"), "--json"],
                             cwd=ROOT, stdout=subprocess.DEVNULL)
        cpu = children_cpu() - cpu
    print(f"  protoreel  import FOLDER --link (two at a time): {wall:7.2f} s  ratio {wall / ref:.2f}x  "
          f"peak {peak:6.0f} MB  (CPU {cpu:.2f} s, {cpu / ref_cpu:.2f}x the reference's)")
    print("  goal: ratio <= 1.0x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, nargs="*", default=[2, 6])
    parser.add_argument("--phones", action="store_true", help="also the folder of 40 phone films")
    args = parser.parse_args()
    for hours in args.hours:
        bench(hours)
    if args.phones:
        bench_phones()


if __name__ == "__main__":
    main()
