"""What a bundle costs a facilitator: exporting 10 clips of 6 s from two 2-minute 1080p30 films
as a bundle, and importing it into another library, each against its reference.

- Export reference: the same 10 clips exported as a reel (`protoreel reel export`, 1080p, no
  cards or captions): the same frame-exact cutting and x264 settings, one encoder for all. The
  bundle cuts each clip on its own (its own encoder) and adds hashing and the zip.
- Import reference: the same 10 cut films imported with `protoreel import` (copy, hash,
  thumbnails, waveform). The bundle adds verifying every member and copying it out of the zip.

Every step runs the real command line; wall time and the CPU time of the whole process tree are
printed, with the ratios, the bundle's size and the source films' size.

    flock /work/coord/bench.lock .venv/bin/python bench/bundle_bench.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.library import Library  # noqa: E402
from app.clips import clips  # noqa: E402
from app.films import importing
from app.prototypes import prototypes
from app.reels import reels
from bench._media import camera_like_film  # noqa: E402

CLIPS, CLIP_US = 10, 6_000_000


def run(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and everything it waited for, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def main() -> int:
    sources = [camera_like_film(120, "film-1080p30.mp4", 440), camera_like_film(120, "film-b-1080p30.mp4", 660,
                                                                               "smptehdbars")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source, target, reference = tmp / "source", tmp / "target", tmp / "reference"
        with Library.open(source) as lib:
            film_ids = [importing.import_file(lib, f, link=True).film_id for f in sources]
            ids = [clips.add(lib, film_ids[n % 2], 7_000_000 + (n // 2) * 20_000_000,
                             7_000_000 + (n // 2) * 20_000_000 + CLIP_US, title=f"Take {n + 1}")
                   for n in range(CLIPS)]
            proto = prototypes.add(lib, "Welcome desk")
            prototypes.link(lib, proto, ids)
            reel = reels.create(lib, "Ten takes", ids, audience="collaborative", height=1080)
            with lib.op("settings") as s:
                from app.models import Reel

                s.get(Reel, reel).settings_json = '{"captions": false, "opening_card": false}'
        at = ["--library", str(source)]
        plain = run(["reel", "export", str(reel), str(tmp / "reel.mp4"), "--height", "1080", "--no-cards",
                     "--no-captions", *at])
        bundle_path = tmp / "ten.protoreel"
        exported = run(["bundle", "export", "--prototype", "Welcome desk", str(bundle_path), *at])
        imported = run(["bundle", "import", str(bundle_path), "--library", str(target), "--json"])
        report = json.loads(imported[2])
        cuts = tmp / "cuts"
        cuts.mkdir()
        with zipfile.ZipFile(bundle_path) as zf:
            names = [n for n in zf.namelist() if n.startswith("media/")]
            for n in names:
                (cuts / Path(n).name).write_bytes(zf.read(n))
        films_ref = run(["import", *(str(cuts / Path(n).name) for n in names), "--library", str(reference)])
        size = bundle_path.stat().st_size
    seconds = CLIPS * CLIP_US / 1e6
    print(f"{CLIPS} clips x {CLIP_US / 1e6:.0f} s = {seconds:.0f} s of two 2-min 1080p30 H.264/AAC films "
          f"({sum(f.stat().st_size for f in sources) / 1e6:.0f} MB); {os.cpu_count()} cores")
    print(f"reel export, same clips (reference): {plain[0]:6.1f} s wall  {plain[1]:6.1f} s CPU")
    print(f"bundle export:                       {exported[0]:6.1f} s wall  {exported[1]:6.1f} s CPU  "
          f"= {exported[0] / plain[0]:.2f}x wall, {exported[1] / plain[1]:.2f}x CPU; bundle {size / 1e6:.1f} MB")
    print(f"import of the 10 cut films (reference): {films_ref[0]:6.1f} s wall  {films_ref[1]:6.1f} s CPU")
    print(f"bundle import:                          {imported[0]:6.1f} s wall  {imported[1]:6.1f} s CPU  "
          f"= {imported[0] / films_ref[0]:.2f}x wall, {imported[1] / films_ref[1]:.2f}x CPU; "
          f"{report['new_clips']} clips, {report['new_films']} films")
    return 0


if __name__ == "__main__":
    sys.exit(main())
