"""Make the truth boxes for the face-covering bench: run ONCE, offline, by hand; not by CI.

The truth must not come from the detector being measured (MediaPipe's BlazeFace now; OpenCV's
Haar cascades when the truth was made), so it comes from a different and stronger one: dlib's CNN face detector (MMOD, the model shipped
in the ``face-recognition-models`` package), joined with dlib's HOG frontal detector, run on
every ``--every``-th frame (the CNN takes seconds a frame on these CPUs); a face found in two
annotated frames a few frames apart is interpolated linearly for the frames between them (a
face found at only one end is not: those frames are left out of the measure, listed as
``skip`` lines). The boxes were then looked at on contact sheets (``--sheet``) and corrected
by hand where the detectors were wrong; see tests/data/faces/README.md.

Needs a separate environment (dlib is not a ProtoReel dependency)::

    python3 -m venv /tmp/truthvenv
    /tmp/truthvenv/bin/pip install dlib-bin face-recognition-models numpy opencv-python-headless'<5' av
    /tmp/truthvenv/bin/python bench/face_truth.py ../shared/samples/face-man-office-*.mp4 ... --out tests/data/faces

Output: one ``<film name>.txt`` per film, a line per face per frame: ``frame x y w h`` in the
film's own pixels (frames counted from 0 in decoding order), ``skip frame`` for a frame whose
truth is unknown; any other frame has no face.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import av
import cv2
import dlib
import face_recognition_models
import numpy as np


def iou(a, b) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter or 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("films", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sheet", type=Path, help="also draw the annotated frames with their boxes into this folder")
    parser.add_argument("--every", type=int, default=3, help="run the detectors on every Nth frame")
    args = parser.parse_args()
    cnn = dlib.cnn_face_detection_model_v1(face_recognition_models.cnn_face_detector_model_location())
    hog = dlib.get_frontal_face_detector()
    args.out.mkdir(parents=True, exist_ok=True)
    for film in args.films:
        found: dict[int, list] = {}
        sheet = []
        with av.open(str(film)) as container:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        last = len(frames) - 1
        for n, rgb in enumerate(frames):
            if n % args.every and n != last:
                continue
            # The CNN on at most 640 px wide (it finds faces from ~40 px), HOG at twice that.
            k = min(1.0, 640 / rgb.shape[1])
            small = cv2.resize(rgb, (round(rgb.shape[1] * k), round(rgb.shape[0] * k)), interpolation=cv2.INTER_AREA)
            boxes = []
            for d in cnn(small, 0):
                r = d.rect
                boxes.append(tuple(round(v / k) for v in (r.left(), r.top(), r.width(), r.height())))
            for r in hog(small, 1):
                box = tuple(round(v / k) for v in (r.left(), r.top(), r.width(), r.height()))
                if all(iou(box, b) < 0.3 for b in boxes):
                    boxes.append(box)
            h, w = rgb.shape[:2]
            found[n] = [clip_box(b, w, h) for b in boxes if clip_box(b, w, h)]
            if args.sheet:
                img = np.ascontiguousarray(rgb[:, :, ::-1])
                for x, y, bw, bh in found[n]:
                    cv2.rectangle(img, (x, y), (x + bw, y + bh), (0, 255, 0), 2)
                cv2.putText(img, str(n), (5, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 255), 2)
                sheet.append(cv2.resize(img, (320, round(320 * h / w))))
            print(f"\r{film.name}: frame {n}", end="", flush=True)
        print()
        lines = [f"# truth faces of {film.name}: frame x y w h (see bench/face_truth.py)"]
        for n in range(len(frames)):
            if n in found:
                lines += [f"{n} {x} {y} {bw} {bh}" for x, y, bw, bh in found[n]]
                continue
            before, after = max(k for k in found if k < n), min(k for k in found if k > n)
            t = (n - before) / (after - before)
            matched_before, matched_after = set(), set()
            for a in found[before]:
                b = max(found[after], key=lambda b: iou(a, b), default=None)
                if b is not None and iou(a, b) > 0.2:
                    matched_before.add(a)
                    matched_after.add(b)
                    x, y, bw, bh = (round(p + (q - p) * t) for p, q in zip(a, b))
                    lines.append(f"{n} {x} {y} {bw} {bh}")
            if len(matched_before) != len(found[before]) or len(matched_after) != len(found[after]):
                lines.append(f"skip {n}")  # a face came or went in between: unknown here
        (args.out / f"{film.name}.txt").write_text("\n".join(lines) + "\n")
        if args.sheet and sheet:
            args.sheet.mkdir(parents=True, exist_ok=True)
            rows = [np.hstack(sheet[i:i + 6] + [np.zeros_like(sheet[0])] * (6 - len(sheet[i:i + 6])))
                    for i in range(0, len(sheet), 6)]
            cv2.imwrite(str(args.sheet / f"{film.name}.png"), np.vstack(rows))


def clip_box(box, w: int, h: int):
    x, y, bw, bh = box
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + bw), min(h, y + bh)
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


if __name__ == "__main__":
    main()
