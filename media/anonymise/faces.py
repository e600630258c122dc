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

With ``known`` (``recognise.Known``: the readings of who may be shown and who may not) only
some faces are covered: each face is read when first found and again every ``RECHECK_SECONDS``
(at once when its box jumps), and left visible only while its reading says it is someone who
may be shown. A new face is covered until it has been read; one that cannot be read (tiny, in
profile) stays covered, and a visible face that can no longer be read is covered again after
``HOLD_SECONDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from media.anonymise.blazeface import CLOSER_LOOK_MAX, BlazeFace
from media.anonymise.recognise import FaceReader, Known, readable

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
RECHECK_SECONDS = 0.25  # a face is read again this often (each reading costs ~40-80 ms)
JUMP = 0.3  # a box whose centre moved this share of its width since the last look is read at once
# A visible face whose picture changed this much since the last frame (mean absolute difference of
# 16x16 pictures, 0-1; a talking face changes <= 0.005 a frame, the GRID woman to man 2 at the same
# place 0.09) is covered and read again at once: someone else may now stand where it was
# (a cut between two shots of the same room is not always a cut for the whole picture).
FACE_CHANGE = 0.04


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
    shown: bool = False  # recognised as someone who may be shown (only with ``known``)
    read_at: int = -1  # frame of the last reading (-1: never read)
    shown_at: int = -1  # frame of the last reading that said it may be shown
    thumb: np.ndarray | None = None  # the face's picture in the last frame, 16x16 (only while shown)


class FaceTracker:
    """Boxes to cover in each frame of a film, given every frame in order."""

    def __init__(self, fps: float, detector: BlazeFace | None = None, known: Known | None = None,
                 reader: FaceReader | None = None) -> None:
        self.detector = detector or BlazeFace()
        self.known = known
        self.reader = (reader or FaceReader()) if known is not None else None
        self.recheck = max(1, round(RECHECK_SECONDS * fps))
        self.readings = 0  # faces read (for the bench)
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
        if cut:  # a new shot may put someone else where a visible face was: every face read anew
            for track in self.tracks:
                track.shown, track.read_at = False, -1
        changed = False
        for track in self.tracks:
            track.unseen += 1
            track.missed += 1
            self._follow(track, small, k)
            if track.shown and self._changed(track, small, k):
                track.shown, track.read_at, changed = False, -1, True
        # Nobody followed: look every frame, so a face coming into view is covered at once.
        lost_one = not self.tracks or any(t.missed for t in self.tracks)
        if cut or lost_one or changed or self.count % DETECT_EVERY == 0:
            # The closer look for small faces: now and then, and at once when a small one is lost.
            tiles = self.count % TILES_EVERY == 0 or any(t.missed and t.box[2] < w * CLOSER_LOOK_MAX for t in self.tracks)
            picture = rgb()
            found = self._match(self.detector.detect_faces(picture, tiles=tiles), small, k, picture)
            self.looks += 1
            if cut:  # a new shot: only the faces found in it
                self.tracks = [t for t in self.tracks if id(t) in found]
        self.count += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.lost
                       and t.unseen <= (self.hold if t.hits > 1 else self.once)]
        for track in self.tracks:  # a visible face not read for a while is covered again
            if track.shown and self.count - 1 - track.shown_at > self.hold:
                track.shown = False
        return [pad(t.box, PAD + min(GROW_MAX, GROW_PER_FRAME * t.unseen), w, h) for t in self.tracks if not t.shown]

    def _changed(self, track: Track, small: np.ndarray, k: float) -> bool:
        """Has the visible face's picture changed at once (someone else in its place)?"""
        x, y, bw, bh = (int(v * k) for v in track.box)
        patch = small[max(y, 0):y + max(bh, 1), max(x, 0):x + max(bw, 1)]
        if patch.shape[0] < 4 or patch.shape[1] < 4:
            return True
        thumb = cv2.resize(patch, (16, 16), interpolation=cv2.INTER_AREA).astype(np.int16)
        previous, track.thumb = track.thumb, thumb
        return previous is not None and float(np.abs(thumb - previous).mean()) / 255 > FACE_CHANGE

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

    def _match(self, detections, small: np.ndarray, k: float, picture: np.ndarray) -> set[int]:
        """Detections update the faces they overlap, or start new ones; the ids of those found."""
        found: set[int] = set()
        for (*det, _score), points in detections:
            best = max(self.tracks, key=lambda t: iou(t.box, det) + _inside(det, t.box), default=None)
            if best is not None and id(best) not in found and (iou(best.box, det) > 0.2 or _inside(det, best.box)):
                track = best
                track.hits += 1
            else:
                track = Track(tuple(det))
                self.tracks.append(track)
            jumped = _moved(track.box, det) > JUMP
            if jumped:  # maybe someone else now: covered until read again
                track.shown = False
            track.box, track.unseen, track.missed = tuple(det), 0, 0
            if self.known is not None and (track.read_at < 0 or jumped or self.count - track.read_at >= self.recheck):
                self._read(track, picture, points)
            found.add(id(track))
            x, y, bw, bh = (int(v * k) for v in det)
            patch = small[max(y, 0):y + bh, max(x, 0):x + bw]
            track.template = patch.copy() if patch.shape[0] >= 8 and patch.shape[1] >= 8 else None
        return found

    def _read(self, track: Track, picture: np.ndarray, points: np.ndarray) -> None:
        """Read the face: shown only while it reads as someone who may be shown."""
        track.read_at = self.count
        view = readable(points)
        if not view:  # covered, or if visible, covered again after ``hold`` (see update)
            return
        self.readings += 1
        track.shown = self.known.may_show(self.reader.read(picture, points), turned=view == "turned")
        if track.shown:
            track.shown_at, track.thumb = self.count, None


def _moved(a, b) -> float:
    """How far the centre of box ``b`` is from that of ``a``, in widths of ``a``."""
    return float(np.hypot(a[0] + a[2] / 2 - b[0] - b[2] / 2, a[1] + a[3] / 2 - b[1] - b[3] / 2)) / max(a[2], 1.0)


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
