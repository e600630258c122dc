"""How well face covering hides faces, and how fast it runs at 720p.

For each sample film with faces (../shared/samples), every frame is letterboxed into a
1280x720 reel frame (as MP4 export does) and given to the same FaceTracker the export uses;
its covered boxes are compared with the truth boxes in tests/data/faces/ (made with a
different, stronger detector, dlib's CNN, and checked by eye: bench/face_truth.py). A face
counts as covered when at least 80% of its truth box is hidden; a frame is covered when all
its faces are. Frames whose truth is unknown (a face came or went between annotated frames)
are left out.

Prints, per film and overall: % of face frames covered (goal >= 98%), the longest run of
consecutive frames with an uncovered face (goal <= 2), and frames per second of detection,
tracking and covering at 720p, against the films' own frame rate as the reference (the ratio
says how many times real time an anonymised export's face filter runs: below 1 it is slower
than playing the film). Decoding alone is printed too, to show the filter is the cost.

    .venv/bin/python bench/anonymise_bench.py [--style blur|pixelate]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media.anonymise.faces import FaceTracker, cover  # noqa: E402
from tests.face_truth import COVERED_ENOUGH, FACE_SAMPLES, hidden_share, letterbox, load  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
W, H = 1280, 720


def reel_frames(path: Path):
    """The film's frames letterboxed into 1280x720, as yuv420p luma planes, and its rate."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 25)
        frames = []
        for frame in container.decode(stream):
            rgb = frame.to_ndarray(format="rgb24")
            sh, sw = rgb.shape[:2]
            k = min(W / sw, H / sh)
            small = cv2.resize(rgb, (round(sw * k), round(sh * k)), interpolation=cv2.INTER_AREA)
            canvas = np.zeros((H, W, 3), np.uint8)
            oy, ox = (H - small.shape[0]) // 2, (W - small.shape[1]) // 2
            canvas[oy:oy + small.shape[0], ox:ox + small.shape[1]] = small
            frames.append(canvas)
    return frames, fps, (sw, sh)


def measure(name: str, style: str) -> dict:
    path = SAMPLES / name
    frames, fps, source = reel_frames(path)
    truth, unknown = load(name)
    tracker = FaceTracker(fps)
    started = time.perf_counter()
    covers = []
    for rgb in frames:
        yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
        luma = yuv[:H]
        boxes = tracker.update(luma)
        cover(yuv, boxes, style)  # the covering's cost counts too (luma plane; chroma is a quarter more)
        covers.append(boxes)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    with av.open(str(path)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    decode_elapsed = time.perf_counter() - started
    face_frames = covered = run = longest = 0
    misses = []
    for n, boxes in enumerate(covers):
        if n in unknown or n not in truth:
            if n not in unknown:
                run = 0
            continue
        face_frames += 1
        ok = all(hidden_share(letterbox(face, source, (W, H)), boxes) >= COVERED_ENOUGH for face in truth[n])
        covered += ok
        run = 0 if ok else run + 1
        longest = max(longest, run)
        if not ok:
            misses.append(n)
    return {"film": name, "frames": len(frames), "face_frames": face_frames, "covered": covered, "rate": fps,
            "longest_uncovered_run": longest, "fps": len(frames) / elapsed, "decode_fps": decoded / decode_elapsed,
            "misses": misses}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--style", default="blur", choices=["blur", "pixelate"])
    parser.add_argument("--film", default="", help="only the sample films whose name contains this")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        print(f"no sample media at {SAMPLES}: nothing to measure")
        return 1
    results = [measure(name, args.style) for name in FACE_SAMPLES if args.film in name and (SAMPLES / name).exists()]
    print(f"{'film':52} {'face frames':>11} {'covered':>8} {'longest miss':>12} {'fps 720p':>8} {'decode fps':>10}")
    for r in results:
        share = 100 * r["covered"] / r["face_frames"] if r["face_frames"] else 100.0
        print(f"{r['film']:52} {r['face_frames']:>11} {share:>7.1f}% {r['longest_uncovered_run']:>12} "
              f"{r['fps']:>8.1f} {r['decode_fps']:>10.1f}")
        if r["misses"]:
            print(f"    uncovered frames: {r['misses']}")
    total = sum(r["face_frames"] for r in results)
    covered = sum(r["covered"] for r in results)
    frames = sum(r["frames"] for r in results)
    seconds = sum(r["frames"] / r["fps"] for r in results)
    decode_seconds = sum(r["frames"] / r["decode_fps"] for r in results)
    print(f"\nall films: {100 * covered / total:.1f}% of {total} face frames covered (goal >= 98%); "
          f"longest run of uncovered face frames: {max(r['longest_uncovered_run'] for r in results)} (goal <= 2)")
    real_seconds = sum(r["frames"] / r["rate"] for r in results)
    print(f"speed at 720p: {frames / seconds:.1f} fps detecting, tracking and covering = {real_seconds / seconds:.2f}x "
          f"real time (reference: the films' own rates, {frames / real_seconds:.1f} fps on average); "
          f"decoding alone {frames / decode_seconds:.0f} fps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
