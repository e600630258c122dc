"""Export memory against film length: a reel of three 8 s clips (near the start, the middle and
the end of a long film) exported from the 2-hour and the 6-hour generated films, at 720p and
1080p. Prints the peak memory of the whole process tree (the CLI, its decoders and encoder) as
the sum of the processes' PSS (pages shared between them, such as the ffmpeg binary's, counted
once: what the machine must have), also the plain RSS sum for comparison with older figures,
which process holds how much at that peak and each one's own peak, wall and CPU time.

Goal (issue 15): memory that does not grow with the film's length, <= 300 MB at any length.
Reference, in the same run: one plain ffmpeg command encoding the same three clips (each an
input with -ss/-t, scaled and letterboxed, one concat filter, plus black for the reel's cards
so both encode as many frames) with x264's defaults at the reel's preset and CRF, AAC 160k:
what a person would type. Ratios (wall, memory) are ours over it.

    .venv/bin/python bench/long_export_memory.py [--hours 2 6] [--height 720 1080]
    (after bench/long_import_bench.py made the films; run under flock /work/coord/bench.lock)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.library import Library  # noqa: E402
from app.clips import clips  # noqa: E402
from app.films import importing
from app.reels import reels
from bench._media import FFMPEG, OUT  # noqa: E402
from bench.proc_roles import run_measured  # noqa: E402

CLI = [sys.executable, "-m", "app.cli"]
CLIP_S = 8


def reference_command(film: Path, starts: list[float], card_s: float, height: int, out: Path) -> list[str]:
    width = round(height * 16 / 9 / 2) * 2
    args = [FFMPEG, "-v", "error", "-y",
            "-f", "lavfi", "-t", f"{card_s:.3f}", "-i", f"color=c=black:s={width}x{height}:r=30",
            "-f", "lavfi", "-t", f"{card_s:.3f}", "-i", "anullsrc=r=48000:cl=stereo"]
    for start in starts:
        args += ["-ss", f"{start}", "-t", str(CLIP_S), "-i", str(film)]
    parts = ["[0:v]format=yuv420p,setsar=1[v0];[1:a]aformat=sample_fmts=fltp:channel_layouts=stereo[a0]"]
    pairs = "[v0][a0]"
    for i in range(len(starts)):
        n = i + 2
        parts.append(f"[{n}:v]scale={width}:{height}:force_original_aspect_ratio=decrease,"
                     f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,fps=30,format=yuv420p,setsar=1[v{i + 1}];"
                     f"[{n}:a]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a{i + 1}]")
        pairs += f"[v{i + 1}][a{i + 1}]"
    graph = ";".join(parts) + f";{pairs}concat=n={len(starts) + 1}:v=1:a=1[v][a]"
    return args + ["-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast",
                   "-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", "-ar", "48000",
                   "-movflags", "+faststart", str(out)]


def duration_s(path: Path) -> float:
    with av.open(str(path)) as container:
        return float(container.duration / av.time_base)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=int, nargs="+", default=[2, 6])
    parser.add_argument("--height", type=int, nargs="+", default=[720, 1080])
    args = parser.parse_args()
    for hours in args.hours:
        film = OUT / f"session-{hours}h-180p25.mp4"
        if not film.exists():
            print(f"{film.name}: not there; run bench/long_import_bench.py --hours {hours} first")
            continue
        work = Path(tempfile.mkdtemp(prefix="long-export-"))
        end = hours * 3600
        starts = [30, end / 2, end - 20]
        with Library.open(work / "lib") as lib:
            (result,) = importing.import_files(lib, [film], link=True)
            ids = [clips.add(lib, result.film_id, int(s * 1e6), int((s + CLIP_S) * 1e6)) for s in starts]
            reels.create(lib, "R", [str(i) for i in ids], audience="team")
        for height in args.height:
            ours_out = work / f"reel-{height}.mp4"
            ours = run_measured([*CLI, "--library", str(work / "lib"), "reel", "export", "R", str(ours_out),
                                 "--height", str(height)], cwd=ROOT)
            card_s = duration_s(ours_out) - CLIP_S * len(starts)
            ref = run_measured(reference_command(film, starts, card_s, height, work / f"ref-{height}.mp4"))
            print(f"{hours} h film, 3 clips x {CLIP_S} s (start, middle, end) + {card_s:.0f} s of cards, {height}p:")
            print(f"  protoreel  reel export, whole tree: {ours.wall:6.1f} s wall {ours.cpu:6.1f} s CPU  "
                  f"peak {ours.peak_mb:5.0f} MB   (goal <= 300 MB, flat with length; "
                  f"summed RSS, the ffmpeg binary's shared pages once per process: {ours.rss_peak_mb:.0f} MB)")
            print(ours.table())
            print(f"  reference  plain ffmpeg, -ss/-t inputs + concat: {ref.wall:6.1f} s wall {ref.cpu:6.1f} s CPU  "
                  f"peak {ref.peak_mb:5.0f} MB")
            print(ref.table())
            print(f"  ratio ours/reference: wall {ours.wall / ref.wall:.2f}x  CPU {ours.cpu / ref.cpu:.2f}x  "
                  f"memory {ours.peak_mb / ref.peak_mb:.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
