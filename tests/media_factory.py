"""Small films made by the tests themselves: frames that carry their own index."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

BITS = 12
CELL = 16


def frame_image(index: int, width: int, height: int) -> np.ndarray:
    """Grey background, the index as 12 black/white squares along the top."""
    img = np.full((height, width, 3), 96, dtype=np.uint8)
    img[height // 2 :, :, 1] = (index * 7) % 256  # some movement for the encoder
    for bit in range(BITS):
        value = 255 if (index >> bit) & 1 else 0
        img[0:CELL, bit * CELL : (bit + 1) * CELL] = value
    return img


def read_index(rgb: np.ndarray) -> int:
    index = 0
    for bit in range(BITS):
        cell = rgb[4 : CELL - 4, bit * CELL + 4 : (bit + 1) * CELL - 4]
        if cell.mean() > 128:
            index |= 1 << bit
    return index


def make_counting_film(
    path: Path,
    seconds: float = 4,
    fps: Fraction = Fraction(25),
    gop: int = 25,
    size: tuple[int, int] = (320, 240),
    audio: bool = True,
    rotation: int = 0,
    preset: str = "ultrafast",
    x264_params: str = "",
) -> Path:
    """``x264_params``: more of x264's settings (``bframes=3:b-adapt=0:b-pyramid=none``: every
    third frame of four a B-frame nothing refers to)."""
    width, height = size
    frames = int(seconds * fps)
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.gop_size = gop
        video.options = {"preset": preset, "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0" + (f":{x264_params}" if x264_params else "")}
        if rotation:
            video.set_display_rotation(-rotation)
        if audio:
            sound = out.add_stream("aac", rate=48000, layout="stereo")
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(frame_image(i, width, height), format="rgb24")
            frame.pts = i
            frame.time_base = 1 / fps
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if audio:
            rate, total = 48000, int(seconds * 48000)
            t = np.arange(total) / rate
            tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            for start in range(0, total, 1024):
                chunk = tone[start : start + 1024]
                frame = av.AudioFrame.from_ndarray(np.vstack([chunk, chunk]), format="fltp", layout="stereo")
                frame.sample_rate = rate
                frame.pts = start
                for packet in sound.encode(frame):
                    out.mux(packet)
            for packet in sound.encode(None):
                out.mux(packet)
    return path


def store_oriented(upright: Path, out: Path, rotation: int, mirror: bool = False) -> Path:
    """A film that shows ``upright``'s picture when played, but stores it turned and mirrored
    with a display matrix saying how to undo it (as phones do). Made with ffmpeg's own
    ``-display_rotation``/``-display_hflip`` so the truth is FFmpeg's, not ours."""
    import subprocess

    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    # Stored = the upright picture mirrored, then turned back the other way.
    undo = ["hflip"] if mirror else []
    undo += {0: [], 90: ["transpose=cclock"], 180: ["hflip", "vflip"], 270: ["transpose=clock"]}[rotation]
    stored = out.with_name(out.stem + ".stored" + out.suffix)
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(upright), "-vf", ",".join(undo) or "null",
                    "-c:v", "libx264", "-preset", "ultrafast", "-qp", "10", "-c:a", "copy", str(stored)], check=True)
    ccw = (360 - rotation) % 360
    subprocess.run([ffmpeg, "-v", "error", "-y", "-display_rotation", str(ccw), *(["-display_hflip"] if mirror else []),
                    "-i", str(stored), "-c", "copy", str(out)], check=True)
    stored.unlink()
    return out


def make_long_film(
    path: Path,
    seconds: int,
    size: tuple[int, int] = (64, 36),
    fps: int = 1,
    audio: bool = True,
    creation_time: str | None = None,
    extra_metadata: dict[str, str] | None = None,
) -> Path:
    """A long film made in seconds: a tiny test pattern at a low rate (x264 ultrafast) and,
    if asked, a 16 kHz MP2 tone with a beep every second (MP2 encodes ~50× faster than AAC)."""
    import subprocess

    import imageio_ffmpeg

    width, height = size
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
           "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}"]
    if audio:
        cmd += ["-f", "lavfi", "-i", "sine=f=440:sample_rate=16000:beep_factor=4"]
    cmd += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", str(4 * fps),
            "-pix_fmt", "yuv420p"]
    cmd += ["-c:a", "mp2", "-b:a", "32k", "-ac", "1"] if audio else ["-an"]
    if creation_time:
        cmd += ["-metadata", f"creation_time={creation_time}"]
    for key, value in (extra_metadata or {}).items():
        cmd += ["-metadata", f"{key}={value}"]
    if path.suffix in (".mp4", ".mov") and extra_metadata:
        cmd += ["-movflags", "use_metadata_tags"]
    subprocess.run(cmd + [str(path)], check=True)
    return path
