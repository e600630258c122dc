"""Cover faces in a stream of raw frames: run as a filter process between a segment's decoder
and the encoder.

    python -m media.anonymise.stream --width W --height H --fps F --style blur -- DECODER ARGS...

starts the decoder (which writes raw yuv420p frames to its stdout), covers every face in each
frame, and writes the frames to stdout, byte for byte the same size. The exporter only swaps
the decoder's command for this one (``command``), so MP4 export needs no other change, and
OpenCV stays out of the exporting process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from fractions import Fraction

from media import oslayer

# numpy and OpenCV load only in the filter process, never in the exporter that builds the command.


def command(decoder: list[str], width: int, height: int, fps: Fraction, style: str, known=None) -> list[str]:
    """``known``: a file of face readings (``recognise.Known``): only faces not read as someone
    who may be shown are covered; without it, every face."""
    extra = ["--known", str(known)] if known else []
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


def run(decoder: list[str], width: int, height: int, fps: Fraction, style: str, out=None, known=None) -> int:
    import cv2
    import numpy as np

    from media.anonymise.faces import FaceTracker
    from media.anonymise.recognise import Known, RecognitionUnavailable

    out = out or sys.stdout.buffer
    size = width * height * 3 // 2
    try:
        tracker = FaceTracker(float(fps), known=Known.load(known) if known else None)
    except RecognitionUnavailable as error:  # never under-cover: every face, as without readings
        print(f"{error}: covering every face", file=sys.stderr)
        tracker = FaceTracker(float(fps))
    proc = oslayer.spawn(decoder, stdout=subprocess.PIPE)  # dies with this filter where the system allows
    try:
        while True:
            data = proc.stdout.read(size)
            if not data:
                break
            frame = bytearray(data)
            if len(frame) == size:
                planes = np.frombuffer(frame, np.uint8).reshape(height * 3 // 2, width)
                boxes = tracker.update(planes[:height], lambda: cv2.cvtColor(planes, cv2.COLOR_YUV2RGB_I420))
                cover_yuv420p(frame, width, height, boxes, style)
            out.write(frame)
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
    parser.add_argument("decoder", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    decoder = args.decoder[1:] if args.decoder[:1] == ["--"] else args.decoder
    return run(decoder, args.width, args.height, args.fps, args.style, known=args.known)


if __name__ == "__main__":
    sys.exit(main())
