"""Interlaced pictures: found, then deinterlaced wherever a film's frames are read.

A broadcast or camcorder film (1080i50, 576i, 480i) stores each frame as two fields filmed
1/50 s (1/59.94 s) apart, woven line by line: shown as they are, moving edges comb, and scaled
down they show two faded copies. So:

- **Found** at import (``detect``): the stream's flags say interlaced and which field comes
  first; flags can lie (an interlaced picture encoded as progressive), so the picture itself
  is asked too, by ffmpeg's ``idet`` filter over a stretch of frames, whose verdict wins when
  it is clear. Films that cannot be interlaced (variable rate, more than 30 frames a second,
  taller than 1080) are not looked at: no import pays for it that does not need it.
- **Deinterlaced** with ffmpeg's ``bwdif`` (motion adaptive, keeps still detail) in the export,
  stills, the player's paused frames, face finding (``ffmpeg_filter``, ``Deinterlacer``);
  thumbnails take one field (``one_field``); the playing player shows one field a frame.

Field rate or frame rate: a reel that shows more pictures a second than the film has frames
(a 1080i50 film in a 50 or 30 fps reel) gets one picture per field (``send_field``): every
moment the camera filmed is there, motion stays smooth. A reel at the film's frame rate or
lower (25 fps) gets one picture per frame (``send_frame``): the reel could not show the
extra fields anyway (they would be dropped), and each picture is a whole frame.
"""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

US = 1_000_000
ORDERS = ("tff", "bff")
# FFmpeg's AVFieldOrder: 2 TT, 3 BB, 4 TB (top coded first, bottom shown first), 5 BT.
_FLAG_ORDERS = {2: "tff", 3: "bff", 4: "bff", 5: "tff"}
IDET_FRAMES = 60
CLEAR = Fraction(3, 4)  # idet's verdict wins when this share of the frames it could tell agree
MIN_TOLD = 20  # ... out of at least this many
# ... and its woven frames agree on one field order: a real interlaced film is all one order,
# while fast synthetic motion fools idet both ways (a progressive test pattern: 17 TFF, 44 BFF).
ONE_ORDER = Fraction(9, 10)
_MULTI = re.compile(r"Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*Progressive:\s*(\d+)")


def flagged(stream, frame=None) -> str:
    """What the stream's flags say: "tff", "bff" or "" (progressive, or not said)."""
    order = _FLAG_ORDERS.get(getattr(stream.codec_context, "field_order", 0) or 0, "")
    if not order and frame is not None and getattr(frame, "interlaced_frame", False):
        order = "tff"  # interlaced with no order said: top first, as most cameras
    return order


def could_be_interlaced(fps: Fraction | None, vfr: bool, height: int | None) -> bool:
    """Interlaced formats are at most 30 frames a second (60 fields), constant, at most 1080 lines."""
    return bool(fps) and fps <= Fraction(30) * Fraction(1001, 1000) and not vfr and bool(height) and height <= 1088


def detect(path: Path, flags: str, fps: Fraction | None, vfr: bool, height: int | None, duration_us: int) -> str:
    """The film's field order ("tff", "bff") or "" for progressive: the flags, unless the
    picture clearly says otherwise (``idet``)."""
    if not flags and not could_be_interlaced(fps, vfr, height):
        return ""
    verdict = idet(path, duration_us)
    if verdict is None:
        return flags
    tff, bff, progressive = verdict
    told = tff + bff + progressive
    if told < MIN_TOLD:
        return flags  # too little motion to tell: trust the flags
    woven = tff + bff
    if woven >= CLEAR * told and max(tff, bff) >= ONE_ORDER * woven:
        return "tff" if tff >= bff else "bff"
    if progressive >= CLEAR * told:
        return ""  # flagged interlaced, filmed progressive (PsF): nothing to undo
    return flags


def idet(path: Path, duration_us: int) -> tuple[int, int, int] | None:
    """ffmpeg's ``idet`` over ``IDET_FRAMES`` frames from a quarter into the film: (frames it
    says are top first, bottom first, progressive); None if ffmpeg could not read it."""
    import imageio_ffmpeg

    at = max(duration_us // 4 - US, 0) / US
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "info", "-threads", "1",
               "-ss", f"{at:.3f}", "-i", str(path), "-map", "0:v:0", "-frames:v", str(IDET_FRAMES),
               "-vf", "idet", "-an", "-sn", "-f", "null", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = _MULTI.findall(done.stderr.decode(errors="replace"))
    if not found:
        return None
    return tuple(int(v) for v in found[-1])  # the last line: the one filter that saw frames


def field_rate(film_fps: Fraction | None, reel_fps: Fraction) -> bool:
    """One picture per field (True) or per frame (False): see the module's note."""
    return bool(film_fps) and reel_fps > film_fps * Fraction(101, 100)


def said(order: str) -> str:
    """The field order in words: "interlaced (top field first)"; "" for progressive."""
    first = {"tff": "top", "bff": "bottom"}.get(order)
    return f"interlaced ({first} field first)" if first else ""


def describe(order: str, film_fps: Fraction | None, reel_fps: Fraction) -> str:
    """What the export does with an interlaced film, and why, in words for the facilitator."""
    rate = lambda r: f"{float(r):g}"  # noqa: E731
    if field_rate(film_fps, reel_fps):
        return (f"{said(order)}: deinterlaced to a picture per field, {rate(2 * film_fps)} a "
                f"second, because the reel's {rate(reel_fps)} fps has room for every moment filmed")
    return (f"{said(order)}: deinterlaced to a picture per frame, {rate(film_fps)} a second, "
            f"because the reel's {rate(reel_fps)} fps shows no more pictures a second than the film has frames")


def ffmpeg_filter(order: str, per_field: bool = False) -> str:
    """The filter that deinterlaces (ffmpeg's ``bwdif``) a film of field order ``order``."""
    mode = "send_field" if per_field else "send_frame"
    return f"bwdif=mode={mode}:parity={order}:deint=all"


def one_field(rgb, order: str):
    """The first field of a woven picture (every other line): a small picture (a thumbnail)
    made from it never combs."""
    return rgb[0::2] if order == "tff" else rgb[1::2]


class Deinterlacer:
    """``bwdif`` over a run of decoded frames (PyAV's filter graph), one picture per frame:
    each comes out once the frame after it went in (``push``), the last on ``flush``."""

    def __init__(self, stream, order: str) -> None:
        import av.filter

        self.graph = av.filter.Graph()
        source = self.graph.add_buffer(template=stream)
        bwdif = self.graph.add("bwdif", f"mode=send_frame:parity={order}:deint=all")
        sink = self.graph.add("buffersink")
        source.link_to(bwdif)
        bwdif.link_to(sink)
        self.graph.configure()

    def push(self, frame) -> list:
        self.graph.push(frame)
        return self._pull()

    def flush(self) -> list:
        try:
            self.graph.push(None)
        except Exception:  # noqa: BLE001 - an ended graph: nothing more to give
            return []
        return self._pull()

    def _pull(self) -> list:
        import av.error

        out = []
        while True:
            try:
                out.append(self.graph.pull())
            except (av.error.BlockingIOError, av.error.EOFError):
                return out
