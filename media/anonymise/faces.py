"""Find faces and keep them covered from frame to frame, on this machine.

Detection uses the Haar cascades that ship inside opencv-python-headless (<5): two frontal
models, and the profile model run on the picture and on its mirror image (it only knows
faces looking one way). Every frame gets a quick look (frontal, on a small picture); every
few frames, and whenever nobody is being followed, a thorough one (profiles too, on a picture
twice as large, finer steps) that finds small and turned faces the quick one misses.

A cascade still misses a face now and then (it turns away, tilts, a hand passes), so a
``FaceTracker`` follows every face it has found: each frame it looks for the face's last
appearance near where it was (template matching); while that still matches, the face stays
covered however long it is not detected again, and when it stops matching the box is held,
growing a little, for ``HOLD_SECONDS`` before it is dropped. Covering errs on the side of
hiding: boxes are padded, and a cut to a new shot keeps the old boxes until they expire.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

QUICK_WIDTH = 400  # the quick look: faces from about 1/20 of the picture's width
THOROUGH_WIDTH = 800  # the thorough look: faces from about 1/40 of the width, turned or in profile
THOROUGH_EVERY = 3  # frames between thorough looks (every frame while nothing is followed)
HOLD_SECONDS = 1.5  # a face that stops matching stays covered this long
MATCH = 0.45  # template correlation above which the tracked face is taken to be still there
PAD = 0.35  # each box is grown by this fraction of its size on every side
GROW_PER_MISSED_FRAME = 0.03  # an unconfirmed box grows: the face may be moving out of it


def _cascade(name: str) -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + name
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"{path}: OpenCV's face model is missing (opencv-python-headless<5 ships it)")
    return cascade


class FaceDetector:
    """Face boxes (x, y, w, h) in a grey picture, from the cascades, merged."""

    def __init__(self, min_size: int = 20) -> None:
        self.frontal = _cascade("haarcascade_frontalface_default.xml")
        self.frontal_alt = _cascade("haarcascade_frontalface_alt2.xml")
        self.profile = _cascade("haarcascade_profileface.xml")
        self.min_size = min_size

    def detect(self, grey: np.ndarray, thorough: bool = False) -> list[tuple[int, int, int, int]]:
        h, w = grey.shape[:2]
        scale = min(1.0, (THOROUGH_WIDTH if thorough else QUICK_WIDTH) / w)
        small = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else grey
        small = cv2.equalizeHist(small)
        sw = small.shape[1]
        args = dict(scaleFactor=1.1 if thorough else 1.2, minSize=(self.min_size, self.min_size))
        relax = 1 if thorough else 0
        found = list(self.frontal.detectMultiScale(small, minNeighbors=4 - relax, **args))
        found += list(self.frontal_alt.detectMultiScale(small, minNeighbors=3 - relax, **args))
        if thorough:
            found += list(self.profile.detectMultiScale(small, minNeighbors=2, **args))
            for x, y, bw, bh in self.profile.detectMultiScale(cv2.flip(small, 1), minNeighbors=2, **args):
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
    template: np.ndarray | None = None  # how the face looked when last found (grey, tracking scale)
    missed: int = 0  # frames since it was last detected or matched


class FaceTracker:
    """Boxes to cover in each frame of a film, given every frame in order."""

    def __init__(self, fps: float, detector: FaceDetector | None = None, thorough_every: int = THOROUGH_EVERY) -> None:
        self.detector = detector or FaceDetector()
        self.hold = max(1, round(HOLD_SECONDS * fps))
        self.thorough_every = max(1, thorough_every)
        self.tracks: list[Track] = []
        self.count = 0

    def update(self, grey: np.ndarray) -> list[tuple[int, int, int, int]]:
        """The padded boxes to cover in this frame (grey: the picture's luma)."""
        h, w = grey.shape[:2]
        k = min(1.0, QUICK_WIDTH / w)
        small = cv2.resize(grey, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA) if k < 1 else grey
        for track in self.tracks:
            track.missed += 1
            self._follow(track, small, k)
        thorough = self.count % self.thorough_every == 0 or not self.tracks
        self._match(self.detector.detect(grey, thorough=thorough), small, k)
        self.count += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.hold]
        return [pad(t.box, PAD + GROW_PER_MISSED_FRAME * t.missed, w, h) for t in self.tracks]

    def _follow(self, track: Track, small: np.ndarray, k: float) -> None:
        """Look for the face's last appearance around where it was."""
        if track.template is None:
            return
        th, tw = track.template.shape
        x, y = track.box[0] * k, track.box[1] * k
        x0, y0 = max(int(x - tw * 0.6), 0), max(int(y - th * 0.6), 0)
        x1, y1 = min(int(x + tw * 1.6), small.shape[1]), min(int(y + th * 1.6), small.shape[0])
        window = small[y0:y1, x0:x1]
        if window.shape[0] <= th or window.shape[1] <= tw:
            return
        scores = cv2.matchTemplate(window, track.template, cv2.TM_CCOEFF_NORMED)
        _lo, best, _lo_at, (bx, by) = cv2.minMaxLoc(scores)
        if best >= MATCH:
            track.box = ((x0 + bx) / k, (y0 + by) / k, track.box[2], track.box[3])
            track.missed = 0

    def _match(self, detections, small: np.ndarray, k: float) -> None:
        for det in detections:
            best = max(self.tracks, key=lambda t: iou(t.box, det) + _inside(det, t.box), default=None)
            if best is not None and (iou(best.box, det) > 0.1 or _inside(det, best.box)):
                track = best
            else:
                track = Track(tuple(map(float, det)))
                self.tracks.append(track)
            track.box, track.missed = tuple(map(float, det)), 0
            x, y, bw, bh = (int(v * k) for v in det)
            patch = small[max(y, 0):y + bh, max(x, 0):x + bw]
            track.template = patch.copy() if patch.shape[0] >= 8 and patch.shape[1] >= 8 else None


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
    boxes = FaceDetector().detect(grey, thorough=True)
    return cover(rgb, [pad(b, PAD, w, h) for b in boxes], style)
