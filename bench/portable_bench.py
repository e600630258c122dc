"""The portable export path (Windows, macOS) against the Linux path, on the same reel.

    .venv/bin/python bench/portable_bench.py [--runs 3]

Reel (as bench/export_bench.py): two generated 2-minute 1080p30 H.264/AAC sources (2 s GOP),
10 clips x 6 s at non-keyframe in points, a 3 s title card, captions off; exported at 1080p
(x264 veryfast CRF 23, AAC 160k) by the command line, once on the Linux path (named pipes,
poll, splice, one encoder) and once with PROTOREEL_PORTABLE=1 (stdin of a picture and a sound
encoder, a reading thread, then a stream-copy join), alternately, ``--runs`` times each. Prints
each run's wall time and CPU (the whole process tree), the medians and their ratio (the goal:
portable <= 1.15x Linux), and whether both reels decode to the same pictures and sound (MD5 of
the decoded streams). Say the machine's load beside the figures: these machines are shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.clips import clips  # noqa: E402
from app.films import importing  # noqa: E402
from app.library import Library  # noqa: E402
from app.reels import reels  # noqa: E402
from bench._media import FFMPEG, camera_like_film  # noqa: E402
from bench.export_bench import CUTS  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def export(lib_dir: Path, reel_id: int, out: Path, portable: bool) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PROTOREEL_PORTABLE"}
    if portable:
        env["PROTOREEL_PORTABLE"] = "1"
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "app.cli", "reel", "export", str(reel_id), str(out), "--replace",
                    "--library", str(lib_dir)], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def md5(path: Path, stream: str) -> str:
    done = subprocess.run([FFMPEG, "-v", "error", "-i", str(path), "-map", f"0:{stream}", "-f", "md5", "-"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sources = [camera_like_film(120, "film-1080p30.mp4", 440, "testsrc2"),
               camera_like_film(120, "film-b-1080p30.mp4", 660, "smptehdbars")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Library.open(tmp / "lib") as lib:
            film_ids = [importing.import_file(lib, s, link=True).film_id for s in sources]
            clip_ids = [clips.add(lib, film_ids[src], int(start * 1e6), int(start * 1e6) + 6_000_000,
                                  title=f"Cut {i + 1}") for i, (src, start) in enumerate(CUTS)]
            reel_id = reels.create(lib, "Evidence for the board", clip_ids, height=1080)
            with lib.op("settings") as s:
                from app.models import Reel

                s.get(Reel, reel_id).settings_json = '{"captions": false}'
        results: dict[str, list[tuple[float, float]]] = {"linux": [], "portable": []}
        print(f"load before: {os.getloadavg()[0]:.1f}")
        for run in range(args.runs):
            for path in ("linux", "portable"):
                wall, cpu = export(tmp / "lib", reel_id, tmp / f"{path}.mp4", path == "portable")
                results[path].append((wall, cpu))
                print(f"run {run + 1} {path:8}  wall {wall:6.1f} s  CPU {cpu:6.1f} s  load {os.getloadavg()[0]:.1f}",
                      flush=True)
        same_v = md5(tmp / "linux.mp4", "v") == md5(tmp / "portable.mp4", "v")
        same_a = md5(tmp / "linux.mp4", "a") == md5(tmp / "portable.mp4", "a")
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
    print("reel: 10 clips x 6 s from two 2-min 1080p30 H.264/AAC sources (2 s GOP) + 3 s title card, 1080p")
    for path, (wall, cpu) in med.items():
        print(f"{path:8}  median wall {wall:6.1f} s   median CPU {cpu:6.1f} s")
    print(f"portable / linux: wall {med['portable'][0] / med['linux'][0]:.2f}x, CPU "
          f"{med['portable'][1] / med['linux'][1]:.2f}x (goal: wall <= 1.15x)")
    print(f"same decoded pictures: {same_v}; same decoded sound: {same_a}")


if __name__ == "__main__":
    main()
