"""Find faces and keep them covered from frame to frame, on this machine.

Detection uses the Haar cascades that ship inside opencv-python-headless (<5): frontal
faces, and profiles looking either way (the profile cascade run on the mirrored picture too).
A cascade misses a face now and then (it turns away, a hand passes, motion blur), so a
``FaceTracker`` keeps every face it has seen covered for a while after its last detection:
the box follows the picture's motion inside it (sparse optical flow), grows a little each
frame it is not confirmed, and is dropped only after ``HOLD_SECONDS`` without a detection.
Covering errs on the side of hiding: boxes are padded, and a cut (a new shot) keeps the old
boxes until they expire rather than uncovering anyone early.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

DETECT_WIDTH = 400  # detection runs on a picture scaled to this width: faces from 1/20 of the width up
HOLD_SECONDS = 1.5  # a face not seen again stays covered this long
PAD = 0.35  # each box is grown by this fraction of its size on every side
GROW_PER_MISSED_FRAME = 0.01


def _cascade(name: str) -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + name
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"{path}: OpenCV's face model is missing (opencv-python-headless<5 ships it)")
    return cascade


class FaceDetector:
    """Face boxes (x, y, w, h) in a grey picture, from three cascades, merged."""

    def __init__(self, min_size: int = 20, thorough: bool = False) -> None:
        self.frontal = _cascade("haarcascade_frontalface_default.xml")
        self.frontal_alt = _cascade("haarcascade_frontalface_alt2.xml")
        self.profile = _cascade("haarcascade_profileface.xml")
        self.min_size = min_size
        self.thorough = thorough
        self.scale_step = 1.05 if thorough else 1.2

    def detect(self, grey: np.ndarray, profiles: bool = True) -> list[tuple[int, int, int, int]]:
        """Boxes of faces; ``profiles``: look for faces in profile too (twice the time)."""
        h, w = grey.shape[:2]
        scale = min(1.0, DETECT_WIDTH / w)
        small = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else grey
        small = cv2.equalizeHist(small)
        sw = small.shape[1]
        found = []
        args = dict(scaleFactor=self.scale_step, minSize=(self.min_size, self.min_size))
        found += list(self.frontal.detectMultiScale(small, minNeighbors=4, **args))
        found += list(self.frontal_alt.detectMultiScale(small, minNeighbors=3, **args))
        if profiles or self.thorough:
            found += list(self.profile.detectMultiScale(small, minNeighbors=4, **args))
            for x, y, bw, bh in self.profile.detectMultiScale(cv2.flip(small, 1), minNeighbors=4, **args):
                found.append((sw - x - bw, y, bw, bh))
        boxes = [tuple(int(round(v / scale)) for v in box) for box in found]
        return merge(boxes)


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0


def merge(boxes: list, threshold: float = 0.3) -> list[tuple[int, int, int, int]]:
    """Overlapping detections of one face become their union."""
    out: list[list[int]] = []
    for box in sorted(boxes, key=lambda b: -b[2] * b[3]):
        for kept in out:
            if iou(kept, box) > threshold or _inside(box, kept):
                x0, y0 = min(kept[0], box[0]), min(kept[1], box[1])
                x1, y1 = max(kept[0] + kept[2], box[0] + box[2]), max(kept[1] + kept[3], box[1] + box[3])
                kept[:] = [x0, y0, x1 - x0, y1 - y0]
                break
        else:
            out.append(list(box))
    return [tuple(b) for b in out]


def _inside(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    cx, cy = ax + aw / 2, ay + ah / 2
    return bx <= cx <= bx + bw and by <= cy <= by + bh


@dataclass
class Track:
    box: tuple[float, float, float, float]
    missed: int = 0  # frames since the last detection


class FaceTracker:
    """Boxes to cover in each frame of a shot, given every frame in order."""

    def __init__(self, fps: float, detector: FaceDetector | None = None, detect_every: int = 2) -> None:
        self.detector = detector or FaceDetector()
        self.hold = max(1, round(HOLD_SECONDS * fps))
        self.detect_every = max(1, detect_every)
        self.tracks: list[Track] = []
        self.previous: np.ndarray | None = None
        self.count = 0

    def update(self, grey: np.ndarray) -> list[tuple[int, int, int, int]]:
        """The padded boxes to cover in this frame (grey: the picture's luma)."""
        h, w = grey.shape[:2]
        small_scale = min(1.0, DETECT_WIDTH / w)
        small = cv2.resize(grey, (round(w * small_scale), round(h * small_scale))) if small_scale < 1 else grey
        if self.previous is not None and self.previous.shape == small.shape:
            for track in self.tracks:
                track.box = _follow(self.previous, small, track.box, small_scale)
        self.previous = small
        # Frontal faces at every detection, profiles at every other (they cost twice as much);
        # every frame while nothing is being followed, so a face coming in is caught at once.
        if self.count % self.detect_every == 0 or not self.tracks:
            self._match(self.detector.detect(grey, profiles=self.count % (2 * self.detect_every) == 0))
        self.count += 1
        for track in self.tracks:
            track.missed += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.hold]
        return [pad(t.box, PAD + GROW_PER_MISSED_FRAME * (t.missed - 1), w, h) for t in self.tracks]

    def _match(self, detections) -> None:
        for det in detections:
            best = max(self.tracks, key=lambda t: iou(t.box, det) + _inside(det, t.box), default=None)
            if best is not None and (iou(best.box, det) > 0.1 or _inside(det, best.box)):
                best.box, best.missed = tuple(map(float, det)), 0
            else:
                self.tracks.append(Track(tuple(map(float, det)), 0))


def _follow(prev: np.ndarray, cur: np.ndarray, box, scale: float):
    """Move a box with the median optical flow of corners inside it (a face turning away
    has few corners: then the box stays where it was)."""
    x, y, bw, bh = (v * scale for v in box)
    x0, y0 = max(int(x), 0), max(int(y), 0)
    x1, y1 = min(int(x + bw), prev.shape[1]), min(int(y + bh), prev.shape[0])
    if x1 - x0 < 6 or y1 - y0 < 6:
        return box
    mask = np.zeros_like(prev)
    mask[y0:y1, x0:x1] = 255
    points = cv2.goodFeaturesToTrack(prev, maxCorners=30, qualityLevel=0.01, minDistance=3, mask=mask)
    if points is None or len(points) < 4:
        return box
    moved, status, _err = cv2.calcOpticalFlowPyrLK(prev, cur, points, None, winSize=(15, 15), maxLevel=2)
    good = status.reshape(-1) == 1
    if good.sum() < 4:
        return box
    dx, dy = np.median((moved - points).reshape(-1, 2)[good], axis=0)
    return (box[0] + dx / scale, box[1] + dy / scale, box[2], box[3])


def pad(box, fraction: float, width: int, height: int) -> tuple[int, int, int, int]:
    x, y, bw, bh = box
    px, py = bw * fraction, bh * fraction
    x0, y0 = max(0, int(x - px)), max(0, int(y - py))
    x1, y1 = min(width, int(np.ceil(x + bw + px))), min(height, int(np.ceil(y + bh + py * 1.3)))  # chin and neck
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def cover(image: np.ndarray, boxes, style: str) -> np.ndarray:
    """Blur or pixelate each box of ``image`` (any channels) in place; returns it."""
    for x, y, bw, bh in boxes:
        if bw < 2 or bh < 2:
            continue
        region = image[y:y + bh, x:x + bw]
        if style == "pixelate":
            cells = (8, max(1, round(8 * bh / bw)))  # eight blocks across a face whatever its size
            tiny = cv2.resize(region, cells, interpolation=cv2.INTER_AREA)
            region[...] = cv2.resize(tiny, (bw, bh), interpolation=cv2.INTER_NEAREST)
        else:
            # Shrink, blur, grow: a blur this strong (eyes and mouth gone) in constant time.
            tiny = cv2.resize(region, (6, max(1, round(6 * bh / bw))), interpolation=cv2.INTER_AREA)
            tiny = cv2.GaussianBlur(tiny, (0, 0), 0.8)
            region[...] = cv2.resize(tiny, (bw, bh), interpolation=cv2.INTER_LINEAR)
    return image


def cover_faces_in_still(rgb: np.ndarray, style: str = "blur") -> np.ndarray:
    """One picture, no neighbours to track from: a thorough detection, generously padded."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    boxes = FaceDetector(thorough=True).detect(grey)
    return cover(rgb, [pad(b, PAD, w, h) for b in boxes], style)
