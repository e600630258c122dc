"""Cover faces in a stream of raw frames: run as a filter process between a segment's decoder
and the encoder.

    python -m media.anonymise.stream --width W --height H --fps F --style blur -- DECODER ARGS...

starts the decoder (which writes raw yuv420p frames to its stdout), covers every face in each
frame, and writes the frames to stdout, byte for byte the same size. The exporter only swaps
the decoder's command for this one (``command``), so MP4 export needs no other change, and
OpenCV stays out of the exporting process.

Each frame leaves the filter ``AHEAD`` frames after it came in (``Covering``): a face found in a
later frame is covered in the frames before it where it had not been found yet, each face's box
covers where it is in the frames either side, and a face decided "may be shown" a few frames
after it was first found is shown from its first frame on the same track.

A clip's caption band (``--caption``) is laid here, after the faces are covered, as the
exporter lays it on a clip shown whole (``caption_margin`` above the frame's foot): covered
first, a face under the band stays covered and the caption's words stay sharp.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, replace
from fractions import Fraction

from media import oslayer

# numpy and OpenCV load only in the filter process, never in the exporter that builds the command.

# OpenCV's threads in the filter: one. The decoder and the encoder run beside it (and, on a shared
# machine, other work): more threads spun waiting for a core and cost more CPU than they saved.
FILTER_THREADS = 1
AHEAD = 4  # frames each frame is held back, so later frames can add to what it covers (>= DETECT_EVERY)


@dataclass
class _Pending:
    item: object
    faces: dict  # track -> faces.Seen
    cut: bool  # this frame began a new shot


class Covering:
    """The face filter for a stream of frames: ``push`` each frame (any ``item``, its grey
    picture); frames come back, in order, ``AHEAD`` frames later, each with the boxes to cover
    in it; ``flush`` at the end gives the rest. ``rgb_of(item)``: the frame in colour."""

    def __init__(self, fps: float, known=None, rgb_of=None, tracker=None, ahead: int = AHEAD,
                 enlarged: float = 1.0) -> None:
        from media.anonymise.faces import FaceTracker

        self.tracker = tracker or FaceTracker(fps, known=known, enlarged=enlarged)
        self.rgb_of = rgb_of
        self.ahead = ahead
        self.pending: deque[_Pending] = deque()
        self.last: dict = {}  # the faces of the frame handed back last

    def push(self, item, luma) -> list:
        self.tracker.update(luma, lambda: self.rgb_of(item))
        seen = {s.track: s for s in self.tracker.seen}
        cut = self.tracker.cut
        if not cut:
            for face in seen.values():
                for entry in reversed(self.pending):  # back to where this face was last seen
                    if face.track in entry.faces:
                        break
                    entry.faces[face.track] = replace(face, shown=False, decided=False)
                    if entry.cut:  # never into the shot before
                        break
        for face in seen.values():  # decided "may be shown": shown since its track began
            if face.shown:
                for entry in self.pending:
                    earlier = entry.faces.get(face.track)
                    if earlier is not None and not earlier.decided:
                        entry.faces[face.track] = replace(earlier, shown=True, decided=True)
        self.pending.append(_Pending(item, seen, cut))
        out = []
        while len(self.pending) > self.ahead:
            out.append(self._emit())
        return out

    def flush(self) -> list:
        return [self._emit() for _ in range(len(self.pending))]

    def _emit(self):
        from media.anonymise.faces import union

        entry = self.pending.popleft()
        after = self.pending[0].faces if self.pending and not self.pending[0].cut else {}
        before = self.last if not entry.cut else {}
        boxes = []
        for track, face in entry.faces.items():
            if face.shown:
                continue
            box = face.box
            for other in (before.get(track), after.get(track)):  # where the face is either side
                if other is not None:
                    box = union(box, other.box)
            boxes.append(box)
        self.last = entry.faces
        return entry.item, boxes


def command(decoder: list[str], width: int, height: int, fps: Fraction, style: str, known=None, caption=None,
            caption_margin: int = 0, enlarged: float = 1.0) -> list[str]:
    """``known``: a file of face readings (``recognise.Known``): only faces not read as someone
    who may be shown are covered; without it, every face. ``caption``: a transparent PNG band
    laid over each frame after the faces are covered, its foot ``caption_margin`` above the
    frame's (the decoder then lays none). ``enlarged``: how much the decoder enlarged the
    film's picture (a face is judged big enough to be shown by its size in the film itself)."""
    extra = ["--known", str(known)] if known else []
    if enlarged > 1:
        extra += ["--enlarged", f"{enlarged:.6f}"]
    if caption:
        extra += ["--caption", str(caption), "--caption-margin", str(caption_margin)]
    return oslayer.python_command("media.anonymise.stream", "--width", str(width), "--height", str(height),
                                  "--fps", str(fps), "--style", style, *extra, "--", *decoder)


def cover_yuv420p(frame: bytearray, width: int, height: int, boxes, style: str) -> None:
    """Cover ``boxes`` (luma coordinates) in a yuv420p frame, in all three planes."""
    import numpy as np

    from media.anonymise.faces import cover

    luma = width * height
    y = np.frombuffer(frame, np.uint8, luma).reshape(height, width)
    cover(y, boxes, style)
    half = [(x // 2, yy // 2, (w + 1) // 2 + 1, (h + 1) // 2 + 1) for x, yy, w, h in boxes]
    cw, ch = width // 2, height // 2
    for offset in (luma, luma + cw * ch):
        plane = np.frombuffer(frame, np.uint8, cw * ch, offset).reshape(ch, cw)
        cover(plane, [(x, yy, min(w, cw - x), min(h, ch - yy)) for x, yy, w, h in half], style)


class Caption:
    """A transparent PNG band, as yuv420p planes and alpha, laid over frames of ``width`` x
    ``height`` with its foot ``margin`` above the frame's, as ffmpeg's overlay lays it (BT.601
    limited range, chroma alpha the mean of each 2x2 block, ``(d * (255 - a) + s * a) / 255``)."""

    def __init__(self, path, width: int, height: int, margin: int) -> None:
        import cv2
        import numpy as np

        bgra = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if bgra is None:
            raise ValueError(f"{path}: the caption picture could not be read")
        if bgra.ndim == 2:
            bgra = cv2.cvtColor(bgra, cv2.COLOR_GRAY2BGRA)
        elif bgra.shape[2] == 3:
            bgra = cv2.cvtColor(bgra, cv2.COLOR_BGR2BGRA)
        band_h, band_w = bgra.shape[:2]
        top = height - band_h - margin
        # The band in frame rows, from an even row so that its chroma rows are the frame's.
        y0, y1 = max(top, 0) & ~1, min(top + band_h, height)
        if y1 % 2 and y1 < height:
            y1 += 1
        w = min(band_w, width) & ~1 if width > 1 else min(band_w, width)
        rows = np.zeros((y1 - y0, w, 4), np.float32)  # B, G, R, A over the rows touched; alpha 0 elsewhere
        src0 = y0 - top
        rows[max(-src0, 0):min(band_h - src0, y1 - y0)] = bgra[max(src0, 0):min(band_h, y1 - top), :w]
        b, g, r, a = (rows[..., k] for k in range(4))
        self.y0, self.y1, self.w = y0, y1, w
        self.luma = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
        u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
        v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
        self.alpha = a
        self.chroma_alpha = _quarter(a)
        self.u, self.v = _quarter(u), _quarter(v)

    def lay(self, frame: bytearray, width: int, height: int) -> None:
        import numpy as np

        if self.y1 <= self.y0 or self.w <= 0:
            return
        luma = width * height
        y = np.frombuffer(frame, np.uint8, luma).reshape(height, width)
        _blend(y[self.y0:self.y1, :self.w], self.luma, self.alpha)
        cw, ch = width // 2, height // 2
        rows = slice(self.y0 // 2, min(self.y1 // 2, ch))
        n = rows.stop - rows.start
        for offset, plane in ((luma, self.u), (luma + cw * ch, self.v)):
            chroma = np.frombuffer(frame, np.uint8, cw * ch, offset).reshape(ch, cw)
            cols = min(self.w // 2, cw)
            _blend(chroma[rows, :cols], plane[:n, :cols], self.chroma_alpha[:n, :cols])


def _quarter(plane):
    """The mean of each 2x2 block: a plane at chroma size."""
    return (plane[0::2, 0::2] + plane[1::2, 0::2] + plane[0::2, 1::2] + plane[1::2, 1::2]) / 4


def _blend(dest, over, alpha) -> None:
    import numpy as np

    mixed = (dest.astype(np.float32) * (255 - alpha) + over * alpha) / 255
    dest[...] = np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def run(decoder: list[str], width: int, height: int, fps: Fraction, style: str, out=None, known=None,
        caption=None, caption_margin: int = 0, enlarged: float = 1.0) -> int:
    import cv2
    import numpy as np

    from media.anonymise.recognise import Known, RecognitionUnavailable

    cv2.setNumThreads(FILTER_THREADS)
    out = out or sys.stdout.buffer
    size = width * height * 3 // 2
    band = Caption(caption, width, height, caption_margin) if caption else None

    def rgb_of(frame: bytearray):
        return cv2.cvtColor(np.frombuffer(frame, np.uint8).reshape(height * 3 // 2, width), cv2.COLOR_YUV2RGB_I420)

    try:
        covering = Covering(float(fps), known=Known.load(known) if known else None, rgb_of=rgb_of,
                            enlarged=enlarged)
    except RecognitionUnavailable as error:  # never under-cover: every face, as without readings
        print(f"{error}: covering every face", file=sys.stderr)
        covering = Covering(float(fps), rgb_of=rgb_of)
    proc = oslayer.spawn(decoder, stdout=subprocess.PIPE)  # dies with this filter where the system allows

    def write(ready) -> None:
        for frame, boxes in ready:
            cover_yuv420p(frame, width, height, boxes, style)
            if band is not None:  # after the faces: the words are never covered
                band.lay(frame, width, height)
            out.write(frame)

    try:
        while True:
            data = proc.stdout.read(size)
            if not data:
                break
            frame = bytearray(data)
            if len(frame) != size:  # a short last read: passed on as it came, after the others
                write(covering.flush())
                out.write(frame)
                continue
            write(covering.push(frame, np.frombuffer(frame, np.uint8, width * height).reshape(height, width)))
        write(covering.flush())
        out.flush()
    except BrokenPipeError:  # the exporter stopped reading (cancelled): stop the decoder too
        proc.kill()
    finally:
        proc.stdout.close()
    return proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="media.anonymise.stream")
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--fps", type=Fraction, required=True)
    parser.add_argument("--style", choices=["blur", "pixelate"], default="blur")
    parser.add_argument("--known", default=None, help="face readings of who may be shown (recognise.Known)")
    parser.add_argument("--caption", default=None, help="a transparent PNG band laid over each frame after faces")
    parser.add_argument("--caption-margin", type=int, default=0, help="the band's foot above the frame's, in pixels")
    parser.add_argument("--enlarged", type=float, default=1.0,
                        help="how much the decoder enlarged the film's picture (faces are judged in its own pixels)")
    parser.add_argument("decoder", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    decoder = args.decoder[1:] if args.decoder[:1] == ["--"] else args.decoder
    from media.anonymise.model_files import ModelUnusable

    try:
        return run(decoder, args.width, args.height, args.fps, args.style, known=args.known, caption=args.caption,
                   caption_margin=args.caption_margin, enlarged=max(1.0, args.enlarged))
    except ModelUnusable as error:  # a face model missing or altered: nothing passes uncovered; one line says why
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
