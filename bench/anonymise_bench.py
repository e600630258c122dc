"""How well face covering hides faces, and how fast it runs at 720p.

For each sample film with faces (../shared/samples), every frame is letterboxed into a
1280x720 reel frame (as MP4 export does) and given to the same FaceTracker the export uses;
its covered boxes are compared with the truth boxes in tests/data/faces/ (made with a
different, stronger detector, dlib's CNN, and checked by eye: bench/face_truth.py). A face
counts as covered when at least 80% of its truth box is hidden; a frame is covered when all
its faces are. Frames whose truth is unknown (a face came or went between annotated frames)
are left out.

Prints, per film and overall: % of face frames covered (goal >= 98%), the longest run of
consecutive frames with an uncovered face (goal <= 2), false covering (the share of the covered
area outside every truth face, which includes the padding for hair, ears and chin, and the
covered boxes that touch no face at all: background blurred for nothing), how many frames the
model looked at, and frames per second (wall, and process CPU over all threads) of detection,
tracking and covering at 720p, against the films' own frame rate as the reference (the ratio
says how many times real time an anonymised export's face filter runs: below 1 it is slower
than playing the film). Decoding alone is printed too, to show the filter is the cost.

    .venv/bin/python bench/anonymise_bench.py [--style blur|pixelate] [--film NAME]

Honesty: there is no held-out film. The tracker's settings (cut threshold, padding, what the
closer look may find) were set while looking at these five films, mostly Tears of Steel (the
only one with cuts, profiles, tilted faces and hands); the face model itself was not trained
or tuned here.
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
    started, cpu_started = time.perf_counter(), time.process_time()
    covers = []
    for rgb in frames:
        yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
        boxes = tracker.update(yuv[:H], lambda: cv2.cvtColor(yuv, cv2.COLOR_YUV2RGB_I420))  # as the filter does
        cover(yuv, boxes, style)  # the covering's cost counts too (luma plane; chroma is a quarter more)
        covers.append(boxes)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    started = time.perf_counter()
    with av.open(str(path)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    decode_elapsed = time.perf_counter() - started
    face_frames = covered = run = longest = 0
    misses = []
    outside = []  # per known frame with something covered: share of the covered area outside every face
    stray = 0  # covered boxes touching no face at all (background blurred for nothing)
    for n, boxes in enumerate(covers):
        if n in unknown:
            continue
        faces = [letterbox(face, source, (W, H)) for face in truth.get(n, [])]
        if boxes:
            outside.append(outside_share(boxes, faces))
            stray += sum(1 for b in boxes if all(hidden_share(face, [b]) == 0 for face in faces))
        if n not in truth:
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
            "cpu": cpu, "outside": float(np.mean(outside)) if outside else 0.0, "stray": stray,
            "looks": tracker.looks,
            "longest_uncovered_run": longest, "fps": len(frames) / elapsed, "decode_fps": decoded / decode_elapsed,
            "misses": misses}


def outside_share(covers, faces) -> float:
    """The share of the covered area (union of ``covers``) that lies outside every face box."""
    mask = np.zeros((H, W), np.uint8)
    for x, y, w, h in covers:
        mask[max(int(y), 0):int(y + h), max(int(x), 0):int(x + w)] = 1
    total = int(mask.sum())
    for x, y, w, h in faces:
        mask[max(int(y), 0):int(np.ceil(y + h)), max(int(x), 0):int(np.ceil(x + w))] = 0
    return int(mask.sum()) / total if total else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--style", default="blur", choices=["blur", "pixelate"])
    parser.add_argument("--film", default="", help="only the sample films whose name contains this")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        print(f"no sample media at {SAMPLES}: nothing to measure")
        return 1
    results = [measure(name, args.style) for name in FACE_SAMPLES if args.film in name and (SAMPLES / name).exists()]
    print(f"{'film':52} {'face frames':>11} {'covered':>8} {'longest miss':>12} {'fps 720p':>8} {'cpu ms/frame':>12} "
          f"{'looks':>6} {'outside':>8} {'stray':>6}")
    for r in results:
        share = 100 * r["covered"] / r["face_frames"] if r["face_frames"] else 100.0
        print(f"{r['film']:52} {r['face_frames']:>11} {share:>7.1f}% {r['longest_uncovered_run']:>12} "
              f"{r['fps']:>8.1f} {1000 * r['cpu'] / r['frames']:>12.1f} {r['looks']:>6} {100 * r['outside']:>7.1f}% "
              f"{r['stray']:>6}")
        if r["misses"]:
            print(f"    uncovered frames: {r['misses']}")
    total = sum(r["face_frames"] for r in results)
    covered = sum(r["covered"] for r in results)
    frames = sum(r["frames"] for r in results)
    seconds = sum(r["frames"] / r["fps"] for r in results)
    cpu = sum(r["cpu"] for r in results)
    decode_seconds = sum(r["frames"] / r["decode_fps"] for r in results)
    print(f"\nall films: {100 * covered / total:.1f}% of {total} face frames covered (goal >= 98%); "
          f"longest run of uncovered face frames: {max(r['longest_uncovered_run'] for r in results)} (goal <= 2)")
    print(f"false covering: on average {100 * np.mean([r['outside'] for r in results]):.1f}% of the covered area lies "
          f"outside the truth faces (padding for hair, ears and chin included); {sum(r['stray'] for r in results)} "
          f"covered boxes in {frames} frames touch no face at all")
    real_seconds = sum(r["frames"] / r["rate"] for r in results)
    print(f"speed at 720p: {frames / seconds:.1f} fps detecting, tracking and covering = {real_seconds / seconds:.2f}x "
          f"real time (reference: the films' own rates, {frames / real_seconds:.1f} fps on average); "
          f"process CPU {1000 * cpu / frames:.1f} ms a frame ({frames / cpu:.1f} frames per CPU-second, "
          f"all threads); decoding alone {frames / decode_seconds:.0f} fps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
