"""Export memory against film length: a reel of three 8 s clips (near the start, the middle and
the end of a long film) exported from the 2-hour and the 6-hour generated films, at 720p and
1080p, peak memory of the whole process tree (the CLI, its decoders and encoder).

Goal (issue 15): memory that does not grow with the film's length, <= 300 MB at any length.
Reference for the encoder's own share: bench/export_bench.py's plain ffmpeg command.

    .venv/bin/python bench/long_export_memory.py      (after bench/long_import_bench.py made the films)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.library import Library  # noqa: E402
from app.ops import clips, films, reels  # noqa: E402
from bench._media import OUT  # noqa: E402
from bench.proc_tree import measure  # noqa: E402

CLI = [sys.executable, "-m", "app.cli"]


def main() -> int:
    for hours in (2, 6):
        film = OUT / f"session-{hours}h-180p25.mp4"
        if not film.exists():
            print(f"{film.name}: not there; run bench/long_import_bench.py --hours {hours} first")
            continue
        work = Path(tempfile.mkdtemp(prefix="long-export-"))
        with Library.open(work / "lib") as lib:
            (result,) = films.import_files(lib, [film], link=True)
            end = hours * 3600
            ids = [clips.add(lib, result.film_id, int(s * 1e6), int((s + 8) * 1e6)) for s in (30, end / 2, end - 20)]
            reels.create(lib, "R", [str(i) for i in ids], audience="team")
        for height in (720, 1080):
            wall, peak = measure([*CLI, "--library", str(work / "lib"), "reel", "export", "R",
                                  str(work / f"reel-{height}.mp4"), "--height", str(height)])
            print(f"{hours} h film, 3 clips x 8 s (start, middle, end) at {height}p: {wall:.1f} s, "
                  f"peak {peak:.0f} MB (goal <= 300 MB, flat with length)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
