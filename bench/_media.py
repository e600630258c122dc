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
