"""Generated films for the export conformance matrix: every frame shows its index as a bar
code (``media_factory.frame_image``) and the sound is a 440 Hz tone with a 40 ms 1760 Hz beep
at every whole second of the film (what ffmpeg's ``sine=f=440:beep_factor=4`` makes), so any
output can be read back to the source frame and its lip sync measured."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from tests.media_factory import frame_image, store_oriented

RATE = 48_000
BEEP_S = 0.040

# container suffix -> (format, video codec, audio codec)
CODECS = {
    ".mp4": ("mp4", "libx264", "aac"),
    ".mov": ("mov", "libx264", "aac"),
    ".mkv": ("matroska", "libx264", "aac"),
    ".webm": ("webm", "libvpx", "libopus"),
    ".mpg": ("vob", "mpeg2video", "mp2"),
    ".m1v.mpg": ("mpeg", "mpeg1video", "mp2"),
    ".ts": ("mpegts", "libx264", "aac"),
    ".avi": ("avi", "mpeg4", "libmp3lame"),
    ".m4a": ("ipod", None, "aac"),
}


@dataclass
class FilmSpec:
    name: str
    suffix: str = ".mp4"
    fps: Fraction = Fraction(25)
    seconds: float = 3.0
    size: tuple[int, int] = (256, 144)  # the picture as drawn, upright (before any anamorphic stretch)
    video: bool = True
    audio: bool = True
    vfr: bool = False
    gop: int = 12
    rotation: int = 0
    mirror: bool = False
    sar: Fraction | None = None
    audio_delay: float = 0.0  # sound starts this long after the picture
    video_delay_frames: int = 0  # the picture starts this many frames after the sound (an MP4's edit list)
    zero_delay: bool = False  # MPEG program stream: no mux preload (picture and sound from 0, as GRID's)
    times: list[float] = field(default_factory=list)  # filled in: each frame's film time (s)


def beep_tone(first_sample: int, count: int, rate: int = RATE) -> np.ndarray:
    """Samples ``first_sample..`` of the film's sound (film time = sample / ``rate``)."""
    t = (np.arange(first_sample, first_sample + count)) / rate
    tone = 0.25 * np.sin(2 * np.pi * 440 * t)
    beeping = (t % 1.0) < BEEP_S
    tone[beeping] = 0.5 * np.sin(2 * np.pi * 1760 * t[beeping])
    return tone.astype(np.float32)


def frame_times(spec: FilmSpec) -> list[float]:
    count = int(spec.seconds * spec.fps)
    if not spec.vfr:
        return [float((i + spec.video_delay_frames) / spec.fps) for i in range(count - spec.video_delay_frames)]
    # A phone's variable rate: mostly 30 fps, with every fifth gap twice as long.
    t, out = 0.0, []
    while t < spec.seconds - 1e-9:
        out.append(t)
        t += (2 if len(out) % 5 == 0 else 1) / 30
    return out


def make_film(folder: Path, spec: FilmSpec) -> Path:
    fmt, vcodec, acodec = CODECS[spec.suffix]
    path = folder / f"{spec.name}{'.mpg' if spec.suffix.endswith('.mpg') else spec.suffix}"
    upright_first = spec.rotation or spec.mirror
    target = path.with_name(spec.name + ".upright.mp4") if upright_first else path
    spec.times = frame_times(spec) if spec.video else []
    options = {"preload": "0", "max_delay": "0"} if spec.zero_delay else {}
    with av.open(str(target), "w", format=fmt if not upright_first else "mp4", options=options) as out:
        video = sound = None
        if spec.video:
            video = out.add_stream(vcodec, rate=spec.fps if not spec.vfr else 30)
            video.width, video.height = spec.size
            video.pix_fmt = "yuv420p"
            video.codec_context.gop_size = spec.gop
            if vcodec == "libx264":
                video.options = {"preset": "ultrafast", "x264-params": f"keyint={spec.gop}:min-keyint={spec.gop}:scenecut=0",
                                 "crf": "18"}
                video.codec_context.time_base = Fraction(1, 90000) if spec.vfr else 1 / spec.fps
            elif vcodec in ("mpeg2video", "mpeg1video"):
                video.codec_context.max_b_frames = 2
                video.bit_rate = 2_000_000
            else:  # AVI keeps no presentation times: no B-frames (players disagree on them)
                video.codec_context.max_b_frames = 0
                video.bit_rate = 1_500_000
            if spec.sar:
                video.codec_context.sample_aspect_ratio = spec.sar
        if spec.audio:
            sound = out.add_stream(acodec, rate=RATE, layout="stereo")
            if acodec == "mp2":
                sound.bit_rate = 192_000
        for i, t in enumerate(spec.times):
            frame = av.VideoFrame.from_ndarray(frame_image(i, *spec.size), format="rgb24")
            if spec.vfr:
                frame.pts, frame.time_base = round(t * 90000), Fraction(1, 90000)
            else:
                frame.pts, frame.time_base = i + spec.video_delay_frames, 1 / spec.fps
            for packet in video.encode(frame):
                out.mux(packet)
        if video is not None:
            for packet in video.encode(None):
                out.mux(packet)
        if sound is not None:
            size = sound.codec_context.frame_size or 1152
            start = round(spec.audio_delay * RATE)
            total = int(spec.seconds * RATE) - start
            for offset in range(0, total - total % size, size):
                chunk = beep_tone(start + offset, size)
                frame = av.AudioFrame.from_ndarray(np.vstack([chunk, chunk]), format="fltp", layout="stereo")
                frame.sample_rate, frame.pts, frame.time_base = RATE, start + offset, Fraction(1, RATE)
                for packet in sound.encode(frame):
                    out.mux(packet)
            for packet in sound.encode(None):
                out.mux(packet)
    if upright_first:
        store_oriented(target, path, spec.rotation, spec.mirror)
        target.unlink()
    return path


def interlaced_source(index: int, width: int, height: int) -> np.ndarray:
    """Progressive frame ``index`` at the field rate: the bar code and a bright bar sweeping
    across (fast motion, so two fields of one frame differ and comb when woven)."""
    img = frame_image(index, width, height)
    x = (index * 9) % (width - 16)
    img[height // 3:, x:x + 16] = 235
    return img


def make_interlaced(folder: Path, name: str, order: str = "tff", suffix: str = ".ts", flagged: bool = True,
                    seconds: float = 3.0, size: tuple[int, int] = (384, 288), fields_per_second: int = 50) -> Path:
    """An interlaced H.264 film, as a broadcast camera writes it: each frame weaves two fields
    filmed 1/50 s apart (``order``: which comes first), encoded interlaced (``-flags
    +ilme+ildct``) with its field order flagged, or (``flagged`` False) encoded as if
    progressive: the flags then lie and only the picture tells. Field-rate frame ``k`` of the
    source carries bar code ``k``: the film's frame ``i`` holds fields ``2i`` (first) and ``2i+1``."""
    import subprocess

    import imageio_ffmpeg

    width, height = size
    path = folder / f"{name}{suffix}"
    weave = "interleave_top" if order == "tff" else "interleave_bottom"
    codec = ["-flags", "+ilme+ildct", "-x264-params", f"{order}=1:keyint=12:min-keyint=12:scenecut=0"] if flagged else \
        ["-x264-params", "keyint=12:min-keyint=12:scenecut=0"]
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fields_per_second), "-i", "-",
               "-f", "lavfi", "-i", f"sine=f=440:beep_factor=4:sample_rate={RATE}:d={seconds}",
               "-vf", f"tinterlace=mode={weave},setfield={order}", "-c:v", "libx264", "-preset", "ultrafast",
               "-crf", "16", "-pix_fmt", "yuv420p", *codec, "-c:a", "aac", "-ac", "2", "-shortest", str(path)]
    frames = int(seconds * fields_per_second)
    data = b"".join(interlaced_source(k, width, height).tobytes() for k in range(frames))
    subprocess.run(command, input=data, check=True)
    return path


DEBIAN_FFMPEG = Path("/usr/bin/ffmpeg")  # FFmpeg 5.1: muxes an MKV's AAC priming differently from the app's own


def make_ffmpeg51_mkv(folder: Path, name: str = "ffmpeg51", fps: Fraction = Fraction(30), seconds: float = 4.0) -> Path:
    """A film as FFmpeg 5.1 (Debian's ``/usr/bin/ffmpeg``) muxes it into MKV: ``make_film``'s
    bar-coded frames and beeps (an MP4 whose picture and sound both start at 0) encoded again
    to H.264 and AAC. Its AAC priming sits at the container's start, unmarked, and its first
    picture (content time 0: frame 0, the beep of second 0) comes 21 ms later."""
    import subprocess

    source = make_film(folder, FilmSpec(f"{name}-source", ".mp4", fps, seconds=seconds))
    out = folder / f"{name}.mkv"
    subprocess.run([str(DEBIAN_FFMPEG), "-v", "error", "-y", "-i", str(source), "-c:v", "libx264", "-preset",
                    "ultrafast", "-crf", "12", "-g", "15", "-c:a", "aac", str(out)], check=True)
    return out
