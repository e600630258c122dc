"""How long a facilitator waits for a 3-minute reel anonymised at 720p, against the same reel
exported plain (the reference: same clips, same settings, no face filter).

The reel: 19 clips of 9.5 s of the Tears of Steel sample (real actors' faces, cuts, a face in
profile; ../shared/samples), 3 minutes at 24 fps, 720p, no cards or captions. Both exports run
the real command line (`protoreel reel export`), one after the other; wall time and the CPU
time of the whole process tree (the CLI, decoders, the face filter, the encoder) are printed,
and the ratio anonymised / plain.

    flock /work/coord/bench.lock .venv/bin/python bench/anonymise_export_bench.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.library import Library  # noqa: E402
from app.clips import clips  # noqa: E402
from app.films import importing
from app.reels import reels

SAMPLE = ROOT.parent / "shared" / "samples" / "faces-tos-actors-640x360p24-h264-noaudio.mp4"
CLIPS, CLIP_US = 19, 9_500_000


def run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and everything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    if not SAMPLE.exists():
        print(f"no sample film at {SAMPLE}: nothing to measure")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with Library.open(tmp / "lib") as lib:
            film = importing.import_file(lib, SAMPLE, link=True).film_id
            ids = [clips.add(lib, film, 0, CLIP_US, title=f"Take {n + 1}") for n in range(CLIPS)]
            reel = reels.create(lib, "Three minutes", ids, audience="team", height=720)
            with lib.op("settings") as s:
                from app.models import Reel

                s.get(Reel, reel).settings_json = '{"captions": false, "opening_card": false}'
        common = ["reel", "export", str(reel), "--library", str(tmp / "lib"), "--height", "720", "--no-cards",
                  "--no-captions"]
        plain = run([*common[:3], str(tmp / "plain.mp4"), *common[3:]])
        covered = run([*common[:3], str(tmp / "covered.mp4"), *common[3:], "--anonymise", "--cover-all"])
    seconds = CLIPS * CLIP_US / 1e6
    frames = round(seconds * 24)
    print(f"reel: {CLIPS} clips x {CLIP_US / 1e6:.1f} s of {SAMPLE.name} = {seconds:.0f} s, {frames} frames, 720p, "
          f"{os.cpu_count()} cores")
    print(f"plain export (reference):      {plain[0]:6.1f} s wall  {plain[1]:6.1f} s CPU  "
          f"{frames / plain[0]:6.1f} fps")
    print(f"anonymised (--cover-all):      {covered[0]:6.1f} s wall  {covered[1]:6.1f} s CPU  "
          f"{frames / covered[0]:6.1f} fps = {seconds / covered[0]:.2f}x real time")
    print(f"ratio anonymised / plain: {covered[0] / plain[0]:.2f}x wall, {covered[1] / plain[1]:.2f}x CPU; "
          f"the face filter adds {(covered[1] - plain[1]) / frames * 1000:.1f} ms of CPU a frame")
    return 0


if __name__ == "__main__":
    sys.exit(main())
