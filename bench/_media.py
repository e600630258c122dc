"""Generated bench sources (kept out of the repo): ffmpeg from imageio-ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
OUT = Path(__file__).resolve().parent / "out"


def camera_like_film(seconds: int = 120, name: str = "film-1080p30.mp4", freq: int = 440,
                     pattern: str = "testsrc2") -> Path:
    """1080p30 H.264 (2 s GOP, x264 veryfast) + AAC 160k, with grain so frames cost what a
    camera's do (a clean test pattern compresses unrealistically well)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / name
    if path.exists():
        return path
    tmp = path.with_suffix(".part.mp4")
    subprocess.run(
        [FFMPEG, "-v", "error", "-y",
         "-f", "lavfi", "-i", f"{pattern}=size=1920x1080:rate=30",
         "-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate=48000",
         "-t", str(seconds), "-vf", "noise=alls=5:allf=t",
         "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", "-ac", "2", str(tmp)],
        check=True,
    )
    tmp.rename(path)
    return path


def long_film(hours: float, name: str | None = None) -> Path:
    """A camera left running ``hours``: 320x180 30 fps H.264 (2 s GOP) + AAC, made as 10 minutes
    and joined end to end by stream copy (minutes, not hours, to make). What costs a clip on
    it is its packet index (frames and sound packets an hour), not its picture size."""
    OUT.mkdir(exist_ok=True)
    path = OUT / (name or f"long-{hours:g}h-180p30.mp4")
    if path.exists():
        return path
    piece = OUT / "long-piece-10min.mp4"
    if not piece.exists():
        subprocess.run(
            [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "600",
             "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
             "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-ac", "2", str(piece)], check=True)
    pieces = max(1, round(hours * 6))
    listing = OUT / "long-pieces.txt"
    listing.write_text("".join(f"file '{piece.name}'\n" for _ in range(pieces)))
    tmp = path.with_suffix(".part.mp4")
    subprocess.run([FFMPEG, "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy",
                    str(tmp)], check=True)
    tmp.rename(path)
    return path
