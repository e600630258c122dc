"""Import speed: ProtoReel's import of a 2-minute 1080p30 H.264 film (probe, hash,
thumbnail every 2 s, waveform) against the reference, one ffmpeg command making the same
thumbnails from keyframes (docs/measured.md: the cheapest way measured, 2.8 s there).

    .venv/bin/python bench/import_bench.py        # prints medians of 3 and the ratio
Goal (issue 2): import <= 1.3x the ffmpeg thumbnail command.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.library import Library  # noqa: E402
from app.films import importing  # noqa: E402
from bench._media import FFMPEG, camera_like_film  # noqa: E402

RUNS = 3


def ffmpeg_thumbnails(film: Path) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [FFMPEG, "-v", "error", "-skip_frame", "nokey", "-i", str(film),
             "-vf", "scale=160:90", "-fps_mode", "vfr", "-q:v", "5", f"{out}/t%04d.jpg"],
            check=True,
        )
        return time.perf_counter() - start


def protoreel_import(film: Path, link: bool) -> float:
    with tempfile.TemporaryDirectory() as root:
        lib = Library.open(Path(root) / "lib")
        start = time.perf_counter()
        result = importing.import_file(lib, film, link=link)
        elapsed = time.perf_counter() - start
        assert result.error is None and result.film_id
        lib.close()
        return elapsed


def main() -> None:
    film = camera_like_film()
    print(f"source: {film.name}, {film.stat().st_size / 1e6:.0f} MB, 120 s 1080p30 H.264 2 s GOP + AAC")
    ffmpeg_thumbnails(film)  # warm the page cache for both sides alike
    ref = statistics.median(ffmpeg_thumbnails(film) for _ in range(RUNS))
    linked = statistics.median(protoreel_import(film, link=True) for _ in range(RUNS))
    copied = statistics.median(protoreel_import(film, link=False) for _ in range(RUNS))
    print(f"reference  ffmpeg -skip_frame nokey thumbnails: {ref:6.2f} s")
    print(f"protoreel  import --link (probe+hash+thumbs+waveform): {linked:6.2f} s   ratio {linked / ref:.2f}x")
    print(f"protoreel  import (also copies into the library):   {copied:6.2f} s   ratio {copied / ref:.2f}x")
    print("goal: ratio <= 1.30 (import --link is the like-for-like figure)")


if __name__ == "__main__":
    main()
