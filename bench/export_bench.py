"""Reel export speed and memory against the fastest hand-written ffmpeg command.

    .venv/bin/python bench/export_bench.py

Two generated 2-minute 1080p30 H.264/AAC sources (2 s GOP); a reel of 10 clips x 6 s at
non-keyframe in points plus a 3 s title card; exported at 1080p, x264 veryfast CRF 23,
AAC 160k, by ProtoReel (the CLI, whole process tree) and by the reference (docs/measured.md: each
clip an input with -ss/-t, one concat filter; 66 s and 519 MB measured there), in the same
run. Must: ratio <= 1.25 and peak <= 600 MB. Goal: ratio <= 1.10 and <= 400 MB.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.library import Library  # noqa: E402
from app.clips import clips  # noqa: E402
from app.films import importing
from app.reels import reels
from bench._media import FFMPEG, camera_like_film  # noqa: E402
from bench.proc_tree import measure  # noqa: E402

CUTS = [(0, 7.3), (1, 13.7), (0, 29.1), (1, 41.5), (0, 55.9), (1, 63.1), (0, 77.7), (1, 89.3), (0, 101.9), (1, 111.1)]


def reference_command(sources: list[Path], out: Path) -> list[str]:
    args = [FFMPEG, "-v", "error", "-y",
            "-f", "lavfi", "-t", "3", "-i", "color=c=0x181c22:s=1920x1080:r=30",
            "-f", "lavfi", "-t", "3", "-i", "anullsrc=r=48000:cl=stereo"]
    for src, start in CUTS:
        args += ["-ss", f"{start}", "-t", "6", "-i", str(sources[src])]
    parts = ["[0:v]format=yuv420p,setsar=1[v0];[1:a]aformat=sample_fmts=fltp:channel_layouts=stereo[a0]"]
    pairs = "[v0][a0]"
    for i in range(len(CUTS)):
        n = i + 2
        parts.append(f"[{n}:v]fps=30,format=yuv420p,setsar=1[v{i + 1}];"
                     f"[{n}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a{i + 1}]")
        pairs += f"[v{i + 1}][a{i + 1}]"
    graph = ";".join(parts) + f";{pairs}concat=n={len(CUTS) + 1}:v=1:a=1[v][a]"
    return args + ["-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast",
                   "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", "-ar", "48000",
                   "-movflags", "+faststart", str(out)]


def main() -> None:
    sources = [camera_like_film(120, "film-1080p30.mp4", 440, "testsrc2"),
               camera_like_film(120, "film-b-1080p30.mp4", 660, "smptehdbars")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lib = Library.open(tmp / "lib")
        film_ids = [importing.import_file(lib, s, link=True).film_id for s in sources]
        clip_ids = [clips.add(lib, film_ids[src], int(start * 1e6), int(start * 1e6) + 6_000_000, title=f"Cut {i + 1}")
                    for i, (src, start) in enumerate(CUTS)]
        reel_id = reels.create(lib, "Evidence for the board", clip_ids, height=1080)
        with lib.op("settings") as s:
            from app.models import Reel

            s.get(Reel, reel_id).settings_json = '{"captions": false}'  # like the reference: cuts + a card
        lib.close()
        ref_wall, ref_mem = measure(reference_command(sources, tmp / "reference.mp4"))
        ours_wall, ours_mem = measure([sys.executable, "-m", "app.cli", "reel", "export", str(reel_id),
                                       str(tmp / "protoreel.mp4"), "--library", str(tmp / "lib")], cwd=ROOT)
    print("reel: 10 clips x 6 s from two 2-min 1080p30 H.264/AAC sources (2 s GOP) + 3 s title card, 1080p")
    print(f"reference  ffmpeg, -ss/-t inputs + concat filter: {ref_wall:6.1f} s  peak {ref_mem:5.0f} MB")
    print(f"protoreel  reel export (whole process tree):      {ours_wall:6.1f} s  peak {ours_mem:5.0f} MB")
    print(f"ratio {ours_wall / ref_wall:.2f}x   (must <= 1.25 and <= 600 MB; goal <= 1.10 and <= 400 MB)")


if __name__ == "__main__":
    main()
