"""Faces found by MediaPipe's BlazeFace full-range model (shipped in models/, Apache 2.0),
run on OpenCV's DNN module: frontal, turned, tilted and profile faces, ~25 ms a look.

The model sees a 192x192 square. A whole reel frame squeezed into it finds faces from about
1/14 of the frame's width; a wide shot of a room has smaller faces, so ``detect(..., tiles=True)``
also looks at overlapping squares the frame's height tall, for faces below 1/8 of the width.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

MODEL = Path(__file__).resolve().parent / "models" / "face_detection_full_range.tflite"
SIZE = 192  # the model's input square
GRID = 48  # one anchor per cell of a 48x48 grid (stride 4), MediaPipe's full-range settings
SCORE = 0.5  # MediaPipe's own default threshold for its face detection
SAME_FACE = 0.3
CLOSER_LOOK_MAX = 1 / 8  # the closer look keeps faces narrower than this share of the frame  # detections overlapping this much (IoU) are one face

_ys, _xs = np.mgrid[0:GRID, 0:GRID]
_ANCHORS = np.stack([(_xs.ravel() + 0.5) / GRID, (_ys.ravel() + 0.5) / GRID], 1)


class BlazeFace:
    """Face boxes (x, y, w, h, score) in an RGB picture."""

    def __init__(self, score: float = SCORE) -> None:
        from media.anonymise import model_files

        self.net = cv2.dnn.readNetFromTFLite(str(model_files.path(MODEL.name)))  # refused if missing or altered
        self.outputs = self.net.getUnconnectedOutLayersNames()
        self.score = score

    def detect(self, rgb: np.ndarray, tiles: bool = False) -> list[tuple[float, float, float, float, float]]:
        return [box for box, _points in self.detect_faces(rgb, tiles)]

    def detect_faces(self, rgb: np.ndarray, tiles: bool = False) -> list[tuple[tuple, np.ndarray]]:
        """Each face as ((x, y, w, h, score), its six key points in the picture's pixels: the
        eye on the picture's left, the other eye, nose tip, mouth centre, left ear, right ear)."""
        h, w = rgb.shape[:2]
        found = self._square(rgb, 0, 0, max(w, h))
        if tiles and w != h:
            side = min(w, h)
            count = int(np.ceil(max(w, h) / side)) + 1  # overlapping, so a face on a seam is whole in one
            for i in range(count):
                offset = round(i * (max(w, h) - side) / (count - 1))
                x, y = (offset, 0) if w > h else (0, offset)
                # Only small faces from the closer look: a larger one the whole view finds
                # itself, so a larger find here is more likely a hand or a pattern seen too close.
                found += [d for d in self._square(rgb[y:y + side, x:x + side], x, y, side)
                          if d[2] < max(w, h) * CLOSER_LOOK_MAX]
        return weighted_nms(found)

    def _square(self, rgb: np.ndarray, ox: int, oy: int, side: int) -> list:
        """Detections in ``rgb`` padded to a ``side`` square (centred), in the frame's pixels."""
        h, w = rgb.shape[:2]
        k = SIZE / side
        small = cv2.resize(rgb, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA)
        square = np.zeros((SIZE, SIZE, 3), np.uint8)
        py, px = (SIZE - small.shape[0]) // 2, (SIZE - small.shape[1]) // 2
        square[py:py + small.shape[0], px:px + small.shape[1]] = small
        blob = cv2.dnn.blobFromImage(square, 1 / 127.5, (SIZE, SIZE), (127.5, 127.5, 127.5))  # to [-1, 1]
        self.net.setInput(blob)
        scores, boxes = self.net.forward(self.outputs)
        scores = 1 / (1 + np.exp(-np.clip(scores.reshape(-1), -100, 100)))
        boxes = boxes.reshape(len(scores), -1)
        out = []
        for i in np.flatnonzero(scores >= self.score):
            dx, dy, bw, bh = boxes[i, :4] / SIZE
            cx, cy = _ANCHORS[i, 0] + dx, _ANCHORS[i, 1] + dy
            # The box holds eyes, nose and mouth; the six key points (eyes, nose, mouth, both
            # ears) reach the ears, which for a face in profile marks the back of the head.
            points = _ANCHORS[i] + boxes[i, 4:16].reshape(6, 2) / SIZE
            x0, y0 = min(cx - bw / 2, points[:, 0].min()), min(cy - bh / 2, points[:, 1].min())
            x1, y1 = max(cx + bw / 2, points[:, 0].max()), max(cy + bh / 2, points[:, 1].max())
            # model square -> picture: undo the padding, then the scale
            out.append((float((x0 * SIZE - px) / k + ox), float((y0 * SIZE - py) / k + oy),
                        float((x1 - x0) * SIZE / k), float((y1 - y0) * SIZE / k), float(scores[i]),
                        (points * SIZE - (px, py)) / k + (ox, oy)))
        return out


def _iou(a, b) -> float:
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def weighted_nms(found: list) -> list[tuple[tuple, np.ndarray]]:
    """MediaPipe's way: the detections of one face (and their key points) are averaged,
    weighted by their scores."""
    left = sorted(found, key=lambda d: -d[4])
    out = []
    while left:
        best = left[0]
        group = [d for d in left if _iou(best, d) > SAME_FACE]
        left = [d for d in left if _iou(best, d) <= SAME_FACE]
        total = sum(d[4] for d in group)
        box = [sum(d[i] * d[4] for d in group) / total for i in range(4)]
        points = sum(d[5] * d[4] for d in group) / total
        out.append(((*box, best[4]), points))
    return out
