"""Make the truth boxes for the face-covering bench: run ONCE, offline, by hand; not by CI.

The truth must not come from the detectors being measured (MediaPipe's BlazeFace and
CenterFace now), so it comes from a different one: dlib's CNN face detector (MMOD, the model
shipped in the ``face-recognition-models`` package), joined with dlib's HOG frontal detector,
run on every ``--every``-th frame of the film's UPRIGHT picture (as a player shows it), scaled
so the film is ``--width`` pixels wide (wider than the film: small faces are seen bigger; the
CNN finds faces from ~40 px), optionally only in a band of the picture (``--band 0 0.6``: the
top 60%, where the faces are). A face found in two annotated frames a few frames apart is
interpolated linearly between them (a face found at only one end is not: those frames are left
out of the measure as ``skip`` lines). Each face carries a track number (the same face from
one annotated frame to the next, by overlap), which tests/data/faces/labels.tsv names.
Then the boxes are looked at on contact sheets (``--sheet``) and corrected by hand where the
detectors were wrong; see tests/data/faces/README.md.

Needs a separate environment (dlib's CNN model is not a ProtoReel dependency)::

    python3 -m venv /tmp/truthvenv
    /tmp/truthvenv/bin/pip install dlib-bin face-recognition-models numpy opencv-python-headless'<5' av
    PYTHONPATH=. /tmp/truthvenv/bin/python bench/face_truth.py FILM --out tests/data/faces [--width 1280]

Output: one ``<film name>.txt`` per film, a line per face per frame: ``frame x y w h track`` in
the film's upright pixels (frames counted from 0 in decoding order), ``skip frame`` for a frame
whose truth is unknown; any other frame has no face.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import av
import cv2
import dlib
import face_recognition_models
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from media.reading.probe import probe  # noqa: E402


def iou(a, b) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter or 1)


def upright_frames(film: Path) -> list[np.ndarray]:
    orientation = probe(film).orientation
    with av.open(str(film)) as container:
        return [orientation.upright(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("films", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sheet", type=Path, help="also draw the annotated frames with their boxes into this folder")
    parser.add_argument("--every", type=int, default=3, help="run the detectors on every Nth frame")
    parser.add_argument("--width", type=int, default=640, help="the width the CNN sees the picture at")
    parser.add_argument("--band", type=float, nargs=2, default=(0.0, 1.0), help="top and bottom of the band looked at")
    args = parser.parse_args()
    cnn = dlib.cnn_face_detection_model_v1(face_recognition_models.cnn_face_detector_model_location())
    hog = dlib.get_frontal_face_detector()
    args.out.mkdir(parents=True, exist_ok=True)
    for film in args.films:
        found: dict[int, list] = {}
        sheet = []
        frames = upright_frames(film)
        last = len(frames) - 1
        for n, rgb in enumerate(frames):
            if n % args.every and n != last:
                continue
            h, w = rgb.shape[:2]
            top, bottom = int(h * args.band[0]), int(h * args.band[1])
            k = args.width / w
            band = cv2.resize(rgb[top:bottom], (round(w * k), round((bottom - top) * k)), interpolation=cv2.INTER_CUBIC)
            boxes = []
            for d in cnn(band, 0):
                r = d.rect
                boxes.append((round(r.left() / k), round(r.top() / k) + top, round(r.width() / k), round(r.height() / k)))
            for r in hog(band, 1):
                box = (round(r.left() / k), round(r.top() / k) + top, round(r.width() / k), round(r.height() / k))
                if all(iou(box, b) < 0.3 for b in boxes):
                    boxes.append(box)
            found[n] = [clip_box(b, w, h) for b in boxes if clip_box(b, w, h)]
            print(f"\r{film.name}: frame {n}/{last}", end="", flush=True)
        print()
        tracks = link(found)
        lines = [f"# truth faces of {film.name}: frame x y w h track (see bench/face_truth.py)"]
        for n in range(len(frames)):
            if n in found:
                lines += [f"{n} {x} {y} {bw} {bh} {tracks[n][i]}" for i, (x, y, bw, bh) in enumerate(found[n])]
                continue
            before, after = max(k for k in found if k < n), min(k for k in found if k > n)
            t = (n - before) / (after - before)
            ends = {tracks[before][i]: b for i, b in enumerate(found[before])}
            starts = {tracks[after][i]: b for i, b in enumerate(found[after])}
            for track in sorted(set(ends) & set(starts)):
                x, y, bw, bh = (round(p + (q - p) * t) for p, q in zip(ends[track], starts[track]))
                lines.append(f"{n} {x} {y} {bw} {bh} {track}")
            if set(ends) != set(starts):
                lines.append(f"skip {n}")  # a face came or went in between: unknown here
        (args.out / f"{film.name}.txt").write_text("\n".join(lines) + "\n")
        if args.sheet:
            draw_sheet(frames, found, tracks, args.sheet / f"{film.name}.png")


def link(found: dict[int, list]) -> dict[int, list[int]]:
    """A track number for each box: the box it overlaps most in the previous annotated frame."""
    tracks: dict[int, list[int]] = {}
    previous: list = []
    next_id = 1
    for n in sorted(found):
        ids = []
        for box in found[n]:
            best = max(previous, key=lambda p: iou(p[0], box), default=None)
            if best is not None and iou(best[0], box) > 0.2 and best[1] not in ids:
                ids.append(best[1])
            else:
                ids.append(next_id)
                next_id += 1
        tracks[n] = ids
        previous = list(zip(found[n], ids))
    return tracks


def draw_sheet(frames, found, tracks, path: Path) -> None:
    sheet = []
    for n in sorted(found):
        img = np.ascontiguousarray(frames[n][:, :, ::-1])
        h, w = img.shape[:2]
        for (x, y, bw, bh), t in zip(found[n], tracks[n]):
            cv2.rectangle(img, (x, y), (x + bw, y + bh), (0, 255, 0), max(1, w // 400))
            cv2.putText(img, str(t), (x, max(y - 3, 10)), cv2.FONT_HERSHEY_SIMPLEX, w / 1000, (0, 255, 255), max(1, w // 500))
        cv2.putText(img, str(n), (5, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 255), 2)
        sheet.append(cv2.resize(img, (320, round(320 * h / w))))
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [np.hstack(sheet[i:i + 6] + [np.zeros_like(sheet[0])] * (6 - len(sheet[i:i + 6])))
            for i in range(0, len(sheet), 6)]
    cv2.imwrite(str(path), np.vstack(rows))


def clip_box(box, w: int, h: int):
    x, y, bw, bh = box
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


if __name__ == "__main__":
    main()
