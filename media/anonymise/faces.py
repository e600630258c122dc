"""Find faces and keep them covered from frame to frame, on this machine.

Faces are found by MediaPipe's BlazeFace full-range model (``blazeface``: frontal, turned,
tilted and profile faces), which ships with the app and runs on OpenCV. A look with the model
costs about as much as everything else done to a frame, so it looks every ``DETECT_EVERY``
frames, at once on a cut to a new shot, whenever a followed face stops matching and while
nobody is followed; every ``TILES_EVERY`` frames it also looks closer (overlapping squares)
for the small faces of a wide shot.

Between looks a ``FaceTracker`` follows every face it has found: each frame it looks for the
face's last appearance near where it was (template matching on a small grey picture), and
its box grows a little for every frame the model has not confirmed it. A face the model no
longer finds stays covered for ``HOLD_SECONDS`` while it still matches (it turned away, a hand
passed) and ``LOST_SECONDS`` once it stops matching; a face seen only once (more likely a
hand or a pattern than a face) is dropped sooner. A cut ends every face the model does not
find again in the new shot, so the old boxes do not blur the new picture's background.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from media.anonymise.blazeface import CLOSER_LOOK_MAX, BlazeFace

DETECT_EVERY = 2  # frames between looks with the model (faces are followed in between)
TILES_EVERY = 6  # frames between closer looks for small faces
TRACK_WIDTH = 320  # following works on the picture scaled to this width
HOLD_SECONDS = 1.0  # a face the model no longer finds stays covered this long while it matches
LOST_SECONDS = 0.5  # ... and this long once it no longer matches
ONCE_SECONDS = 0.25  # a face the model found only once: this long
MATCH = 0.45  # template correlation above which the followed face is taken to be still there
CUT = 0.1  # a frame this different from the last (mean absolute difference of 32x18 pictures, 0-1)
# is a cut: 0.22 at the cut in Tears of Steel, 0.02-0.03 between its other frames
PAD = 0.2  # each box is grown by this fraction of its size on every side (hair, ears, chin)
GROW_PER_FRAME = 0.02  # an unconfirmed box grows this much per frame since the model last found it
GROW_MAX = 0.3


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0


def _inside(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    cx, cy = ax + aw / 2, ay + ah / 2
    return bx <= cx <= bx + bw and by <= cy <= by + bh


@dataclass
class Track:
    box: tuple[float, float, float, float]
    template: np.ndarray | None = None  # how the face looked when last found (grey, tracking scale)
    hits: int = 1  # times the model found it
    unseen: int = 0  # frames since the model last found it
    missed: int = 0  # frames since it was last found or matched


class FaceTracker:
    """Boxes to cover in each frame of a film, given every frame in order."""

    def __init__(self, fps: float, detector: BlazeFace | None = None) -> None:
        self.detector = detector or BlazeFace()
        self.hold = max(1, round(HOLD_SECONDS * fps))
        self.lost = max(1, round(LOST_SECONDS * fps))
        self.once = max(1, round(ONCE_SECONDS * fps))
        self.tracks: list[Track] = []
        self.count = 0
        self.looks = 0  # frames the model looked at (for the bench)
        self.previous: np.ndarray | None = None

    def update(self, luma: np.ndarray, rgb: Callable[[], np.ndarray]) -> list[tuple[int, int, int, int]]:
        """The padded boxes to cover in this frame. ``luma``: the picture's grey; ``rgb()``
        gives it in colour (only asked for when the model looks)."""
        h, w = luma.shape[:2]
        k = min(1.0, TRACK_WIDTH / w)
        small = cv2.resize(luma, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA) if k < 1 else luma
        cut = self._is_cut(small)
        for track in self.tracks:
            track.unseen += 1
            track.missed += 1
            self._follow(track, small, k)
        # Nobody followed: look every frame, so a face coming into view is covered at once.
        lost_one = not self.tracks or any(t.missed for t in self.tracks)
        if cut or lost_one or self.count % DETECT_EVERY == 0:
            # The closer look for small faces: now and then, and at once when a small one is lost.
            tiles = self.count % TILES_EVERY == 0 or any(t.missed and t.box[2] < w * CLOSER_LOOK_MAX for t in self.tracks)
            found = self._match(self.detector.detect(rgb(), tiles=tiles), small, k)
            self.looks += 1
            if cut:  # a new shot: only the faces found in it
                self.tracks = [t for t in self.tracks if id(t) in found]
        self.count += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.lost
                       and t.unseen <= (self.hold if t.hits > 1 else self.once)]
        return [pad(t.box, PAD + min(GROW_MAX, GROW_PER_FRAME * t.unseen), w, h) for t in self.tracks]

    def _is_cut(self, small: np.ndarray) -> bool:
        thumb = cv2.resize(small, (32, 18), interpolation=cv2.INTER_AREA).astype(np.int16)
        previous, self.previous = self.previous, thumb
        return previous is not None and float(np.abs(thumb - previous).mean()) / 255 > CUT

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

    def _match(self, detections, small: np.ndarray, k: float) -> set[int]:
        """Detections update the faces they overlap, or start new ones; the ids of those found."""
        found: set[int] = set()
        for *det, _score in detections:
            best = max(self.tracks, key=lambda t: iou(t.box, det) + _inside(det, t.box), default=None)
            if best is not None and id(best) not in found and (iou(best.box, det) > 0.2 or _inside(det, best.box)):
                track = best
                track.hits += 1
            else:
                track = Track(tuple(det))
                self.tracks.append(track)
            track.box, track.unseen, track.missed = tuple(det), 0, 0
            found.add(id(track))
            x, y, bw, bh = (int(v * k) for v in det)
            patch = small[max(y, 0):y + bh, max(x, 0):x + bw]
            track.template = patch.copy() if patch.shape[0] >= 8 and patch.shape[1] >= 8 else None
        return found


def pad(box, fraction: float, width: int, height: int) -> tuple[int, int, int, int]:
    x, y, bw, bh = box
    px, py = bw * fraction, bh * fraction
    # The model's box runs from ear to ear and brow to mouth: more above for the forehead and hair.
    x0, y0 = max(0, int(x - px)), max(0, int(y - py * 1.5))
    x1, y1 = min(width, int(np.ceil(x + bw + px))), min(height, int(np.ceil(y + bh + py)))
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
    """One picture, no neighbours to track from: the model's closer look too, padded."""
    h, w = rgb.shape[:2]
    boxes = [d[:4] for d in BlazeFace().detect(np.ascontiguousarray(rgb), tiles=True)]
    return cover(rgb, [pad(b, PAD + GROW_MAX / 2, w, h) for b in boxes], style)
