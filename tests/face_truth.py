"""Truth boxes of faces in the sample films (tests/data/faces/, made by bench/face_truth.py
and checked by eye), and how well a set of covered boxes hides them."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "faces"
FACE_SAMPLES = (
    "face-man-office-1080x720p29.97-h264-aac-1s.mp4",
    "faces-tos-actors-640x360p24-h264-noaudio.mp4",
    "people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg",
    "people-talking-grid-man2-360x288p25-mpeg1-mp2.mpg",
    "people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg",
)
COVERED_ENOUGH = 0.8  # a face counts as covered when this share of its truth box is hidden


def load(name: str) -> tuple[dict[int, list[tuple[int, int, int, int]]], set[int]]:
    """(faces by frame, frames whose truth is unknown) for a sample film."""
    faces: dict[int, list] = {}
    unknown: set[int] = set()
    for line in (DATA / f"{name}.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if parts[0] == "skip":
            unknown.add(int(parts[1]))
            continue
        n, x, y, w, h = map(int, parts)
        faces.setdefault(n, []).append((x, y, w, h))
    return faces, unknown


def letterbox(box, source: tuple[int, int], frame: tuple[int, int]):
    """A box in the film's pixels -> the same box in a reel frame it was letterboxed into."""
    sw, sh = source
    fw, fh = frame
    k = min(fw / sw, fh / sh)
    ox, oy = (fw - sw * k) / 2, (fh - sh * k) / 2
    x, y, w, h = box
    return (x * k + ox, y * k + oy, w * k, h * k)


def letterboxed(rgb, w: int, h: int):
    """A film's picture letterboxed into a ``w``x``h`` reel frame, as the export does."""
    import cv2
    import numpy as np

    k = min(w / rgb.shape[1], h / rgb.shape[0])
    small = cv2.resize(rgb, (round(rgb.shape[1] * k), round(rgb.shape[0] * k)), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((h, w, 3), np.uint8)
    oy, ox = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    canvas[oy:oy + small.shape[0], ox:ox + small.shape[1]] = small
    return canvas


def hidden_share(face, covers) -> float:
    """The share of ``face``'s area inside the union of ``covers`` (boxes x, y, w, h)."""
    import numpy as np

    x, y, w, h = (int(round(v)) for v in face)
    if w <= 0 or h <= 0:
        return 1.0
    mask = np.zeros((h, w), bool)
    for cx, cy, cw, ch in covers:
        x0, y0 = max(int(cx) - x, 0), max(int(cy) - y, 0)
        x1, y1 = min(int(cx + cw) - x, w), min(int(cy + ch) - y, h)
        if x1 > x0 and y1 > y0:
            mask[y0:y1, x0:x1] = True
    return float(mask.mean())
