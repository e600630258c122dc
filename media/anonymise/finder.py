"""Faces found by two detectors together, recall first: CenterFace (small, dark, shaded and
turned faces, on a smaller picture) and MediaPipe's BlazeFace full-range (large, tilted and
profile faces, with the key points the recogniser is aligned on). A face either one finds is a
face; where both find it, the box is the union of the two (the head, not only the features) and
the key points are BlazeFace's.

``detect_faces(rgb, tiles=False)`` answers like ``BlazeFace.detect_faces``: each face as
((x, y, w, h, score), key points: eye on the picture's left, other eye, nose tip, mouth centre,
then more), so the tracker, the face picker and the recogniser take either.

Thresholds are low on purpose (when unsure, cover): the tracker drops a face found only once
quickly, and keeps one found again.
"""

from __future__ import annotations

import numpy as np

from media.anonymise.blazeface import BlazeFace
from media.anonymise.centerface import CenterFace

CENTER_WIDTH = 480  # CenterFace looks at the frame this wide (a 720p reel frame: faces from ~20 px)
CENTER_WIDTH_CLOSE = 960  # ... and this wide for a closer look (faces from ~10 px)
CENTER_SCORE = 0.3
BLAZE_SCORE = 0.4
SAME_FACE = 0.3  # boxes of the two detectors overlapping this much (IoU), or one's centre in the other: one face


class FaceFinder:
    def __init__(self, center_width: int = CENTER_WIDTH, blaze_tiles: bool = False) -> None:
        """``blaze_tiles``: the closer look also runs BlazeFace on overlapping squares (a still
        picture has time for it; a video's closer look is CenterFace's bigger picture alone)."""
        self.center = CenterFace(score=CENTER_SCORE)
        self.blaze = BlazeFace(score=BLAZE_SCORE)
        self.center_width = center_width
        self.blaze_tiles = blaze_tiles

    def detect(self, rgb: np.ndarray, tiles: bool = False) -> list[tuple[float, float, float, float, float]]:
        return [box for box, _points in self.detect_faces(rgb, tiles)]

    def detect_faces(self, rgb: np.ndarray, tiles: bool = False, quick: bool = False) -> list[tuple[tuple, np.ndarray]]:
        """``tiles``: the closer look (CenterFace on a bigger picture) for the smallest faces;
        ``quick``: BlazeFace alone (a fifth of the cost), between full looks."""
        width = min(rgb.shape[1], CENTER_WIDTH_CLOSE if tiles else self.center_width)
        found = self.blaze.detect_faces(rgb, tiles=tiles and self.blaze_tiles)
        if quick:
            return found
        return fuse(self.center.detect_faces(rgb, width=width), found)


def _iou(a, b) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def _centre_in(a, b) -> bool:
    cx, cy = a[0] + a[2] / 2, a[1] + a[3] / 2
    return b[0] <= cx <= b[0] + b[2] and b[1] <= cy <= b[1] + b[3]


def same_face(a, b) -> bool:
    return _iou(a, b) > SAME_FACE or _centre_in(a, b) or _centre_in(b, a)


def fuse(centers: list, blazes: list) -> list[tuple[tuple, np.ndarray]]:
    out = []
    left = list(blazes)
    for (cbox, cpoints) in centers:
        match = next((f for f in left if same_face(cbox, f[0])), None)
        if match is None:
            out.append((cbox, cpoints))
            continue
        left.remove(match)
        bbox, bpoints = match
        x0, y0 = min(cbox[0], bbox[0]), min(cbox[1], bbox[1])
        x1, y1 = max(cbox[0] + cbox[2], bbox[0] + bbox[2]), max(cbox[1] + cbox[3], bbox[1] + bbox[3])
        out.append(((x0, y0, x1 - x0, y1 - y0, max(cbox[4], bbox[4])), bpoints))
    return out + left
