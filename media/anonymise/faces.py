"""Find faces and keep them covered from frame to frame, on this machine.

Faces are found by two detectors together (``finder.FaceFinder``: CenterFace for small, dark,
shaded and turned faces on a smaller picture, BlazeFace for large, tilted and profile ones),
which ship with the app and run on OpenCV. A full look costs more than everything else done to a
frame, so it is taken every ``DETECT_EVERY`` frames, at once on a cut to a new shot, and every
``TILES_EVERY`` frames closer (a bigger picture) for the small faces of a wide shot; between full
looks a quick look (BlazeFace alone) is taken whenever a followed face stops matching.

Between looks a ``FaceTracker`` follows every face it has found: each frame it looks for the
face's last appearance near where it was (template matching on a small grey picture), and its
box grows a little for every frame no detector has confirmed it. A face no longer found stays
covered for ``HOLD_SECONDS`` while it still matches (it turned away, a hand passed) and
``LOST_SECONDS`` once it stops matching; a face found only once (more likely a hand or a pattern)
is dropped sooner. A cut ends every face not found again in the new shot.

The export's filter (``stream.Covering``) also looks ``stream.AHEAD`` frames ahead: a face found
in frame t is covered in the frames before t where the detectors had not found it yet (a face
found in t-1 and t+1 is covered in t), and each face's box covers where it is in the frames
either side.

With ``known`` (``recognise.Known``: the readings of who may be shown and who may not) only some
faces are covered. Each followed face (a track) is read when first found readable and again
every ``RECHECK_FRAMES`` until it is decided (or ``UNDECIDED_READS`` readings leave it undecided:
someone nobody registered), then every ``CONFIRM_SECONDS``; it is read anew at once when its box
jumps or its picture changes (someone else may stand there now). Every reading is a vote
(``Known.judge``). A track is left visible only after ``SHOW_VOTES`` readings say it is someone
who may be shown (one very near reading, ``Known.sure``, is enough), or its frontal readings
taken together do (their mean, ``TOGETHER`` of them: the identity is built along the track), and
none says it may be
someone who may not; one such reading covers it for the rest of the track (read again only when
its picture changed or its box jumped, at most once every ``CONFIRM_SECONDS``). A reading of a face
smaller than ``recognise.MIN_EYES_TO_SHOW`` (about 60 px tall), measured in the film's own pixels
(an export that enlarges the film enlarges no detail), never counts for showing it. The decision is kept across the track (a turn to profile does not undo it);
a new face, a face that cannot be read, and a cut start covered.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

from media.anonymise.recognise import (HIDE, MIN_EYES_TO_SHOW, SHOW, UNLIKE, UNSURE, FaceReader, Known,
                                      eyes_apart, readable, spread)

DETECT_EVERY = 4  # frames between full looks (faces are followed in between; the look-ahead covers the frames before a find)
TILES_EVERY = 36  # frames between closer looks for the smallest faces (CenterFace at 960 px: ~4x the cost)
NOBODY_EVERY = 2  # frames between full looks while nobody is followed
TRACK_WIDTH = 640  # following works on the picture scaled to this width
HOLD_SECONDS = 1.0  # a face no longer found stays covered this long while it matches
LOST_SECONDS = 0.75  # ... and this long once it no longer matches
ONCE_SECONDS = 0.25  # a face found only once: this long
MATCH = 0.45  # template correlation above which the followed face is taken to be still there
CUT = 0.1  # a frame this different from the last (mean absolute difference of 32x18 pictures, 0-1)
# is a cut: 0.22 at the cut in Tears of Steel, 0.02-0.03 between its other frames
PAD = 0.2  # each box is grown by this fraction of its size on every side (hair, ears, chin)
PAD_TOP = 0.45  # ... and this much above (forehead and hair: the detectors' boxes end at the brows)
PAD_BACK = 0.35  # ... and this much more towards the back of a head turned in profile
# ... and this much more below (the chin, a beard): the truth's chin reaches up to 0.24 of the
# detectors' box height below its foot on the tuning set (bench: the median -0.05, 99% 0.16), so
# PAD alone (0.2) left a chin showing; the whole head is covered, below as above.
PAD_CHIN = 0.15
GROW_PER_FRAME = 0.02  # an unconfirmed box grows this much per frame since a detector last found it
GROW_MAX = 0.3
SHOW_VOTES = 2  # readings that must agree before a face is left visible
TOGETHER = 3  # ... or this many frontal readings of the track taken together (``FaceTracker._together``)
RECHECK_FRAMES = 2  # an undecided face is read again this often (at the next look) ...
UNDECIDED_READS = 4  # ... for this many readings; then every CONFIRM_SECONDS (each reading costs 40-80 ms)
CONFIRM_SECONDS = 1.0  # a decided face is read again this often
DOUBLE = 0.5  # two tracks' boxes overlapping this much (IoU) are one face
JUMP = 0.3  # a box whose centre moved this share of its width since the last look is read anew
# A decided face (shown or not) whose picture changed this much since the last frame (mean absolute difference of
# 16x16 pictures, 0-1; a talking face changes <= 0.005 a frame, the GRID woman to man 2 at the same
# place 0.09) is covered and read anew at once: someone else may now stand where it was
# (a cut between two shots of the same room is not always a cut for the whole picture).
FACE_CHANGE = 0.04

_ids = itertools.count(1)


def iou(a, b) -> float:
    ax, ay, aw, ah = a[:4]
    bx, by, bw, bh = b[:4]
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0


def _inside(a, b) -> bool:
    ax, ay, aw, ah = a[:4]
    bx, by, bw, bh = b[:4]
    cx, cy = ax + aw / 2, ay + ah / 2
    return bx <= cx <= bx + bw and by <= cy <= by + bh


@dataclass
class Track:
    box: tuple[float, float, float, float]
    id: int = field(default_factory=lambda: next(_ids))
    template: np.ndarray | None = None  # how the face looked when last found (grey, tracking scale)
    hits: int = 1  # times a detector found it
    unseen: int = 0  # frames since a detector last found it
    missed: int = 0  # frames since it was last found or matched
    points: np.ndarray | None = None  # the key points of the last detection
    profile: float = 0.0  # -1: turned to the picture's left (back of the head on the right), 1: right, 0: facing
    shown: bool = False  # decided: someone who may be shown (only with ``known``)
    votes: int = 0  # SHOW readings since the track (or its identity) began
    hidden: bool = False  # a reading said it may be someone who may not be shown: covered for good
    read_at: int = -1  # frame of the last reading (-1: never read)
    reads: int = 0  # readings since the track (or its identity) began
    thumb: np.ndarray | None = None  # the face's picture in the last frame, 16x16 (only while shown)
    frontal: list = field(default_factory=list)  # its frontal readings big enough to show on (for ``Known`` at once)
    stale: bool = False  # covered for good, but its picture changed since: read anew when due

    def forget(self) -> None:
        """Someone else may be here now: read anew, covered until then."""
        self.shown, self.votes, self.hidden, self.read_at, self.thumb, self.reads = False, 0, False, -1, None, 0
        self.frontal, self.stale = [], False


@dataclass(frozen=True)
class Seen:
    """A face in one frame, for the look-ahead: its track, padded box, and whether it is left visible."""
    track: int
    box: tuple[int, int, int, int]
    shown: bool
    decided: bool  # its identity is decided (shown or hidden), not waiting for a reading


class FaceTracker:
    """Boxes to cover in each frame of a film, given every frame in order."""

    def __init__(self, fps: float, detector=None, known: Known | None = None,
                 reader: FaceReader | None = None, enlarged: float = 1.0) -> None:
        if detector is None:
            from media.anonymise.finder import FaceFinder

            detector = FaceFinder()
        self.detector = detector
        self.known = known
        self.reader = (reader or FaceReader()) if known is not None else None
        # Pictures enlarged from a smaller film: a face's size that counts for showing it is
        # its size in the film (enlarging adds no detail to read it by).
        self.enlarged = max(1.0, enlarged)
        self.recheck = RECHECK_FRAMES
        self.confirm = max(1, round(CONFIRM_SECONDS * fps))
        self.readings = 0  # faces read (for the bench)
        self.hold = max(1, round(HOLD_SECONDS * fps))
        self.lost = max(1, round(LOST_SECONDS * fps))
        self.once = max(1, round(ONCE_SECONDS * fps))
        self.tracks: list[Track] = []
        self.count = 0
        self.looks = 0  # frames a detector looked at (for the bench)
        self.previous: np.ndarray | None = None
        self.seen: list[Seen] = []  # the faces of the last frame (for the look-ahead)
        self.cut = False  # the last frame began a new shot
        self.look_again = -1  # a frame to look at out of turn

    def update(self, luma: np.ndarray, rgb: Callable[[], np.ndarray]) -> list[tuple[int, int, int, int]]:
        """The padded boxes to cover in this frame. ``luma``: the picture's grey; ``rgb()``
        gives it in colour (only asked for when a detector looks)."""
        h, w = luma.shape[:2]
        k = min(1.0, TRACK_WIDTH / w)
        small = cv2.resize(luma, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA) if k < 1 else luma
        cut = self.cut = self._is_cut(small)
        if cut:  # a new shot may put someone else where a visible face was: every face read anew
            for track in self.tracks:
                track.forget()
        changed = False
        for track in self.tracks:
            track.unseen += 1
            track.missed += 1
            self._follow(track, small, k)
            # A face left visible whose picture changed at once: someone else may stand here now,
            # covered and read anew. A face covered for good whose picture changed (or box jumped) is
            # read anew too (someone who may be shown may stand there now), but at most once a
            # CONFIRM_SECONDS: a moving face's picture changes at every look, and each reading costs
            # ~70 ms (the old filter read a turning head at every look). Until then it stays covered.
            if track.shown and self._changed(track, small, k):
                track.forget()
                changed = True
            elif track.hidden:
                track.stale |= self._changed(track, small, k)
                if track.stale and self.count - track.read_at >= self.confirm:
                    track.forget()
                    changed = True
        full = (cut or self.count % DETECT_EVERY == 0 or self.count == self.look_again
                or (not self.tracks and self.count % NOBODY_EVERY == 0))
        quick = not full and (changed or any(t.missed for t in self.tracks))
        if full or quick:
            # The closer look for small faces: now and then, and at once when a small one is lost.
            tiles = full and (self.count % TILES_EVERY == 0 or
                              any(t.missed and t.box[2] < w / 16 for t in self.tracks))
            picture = rgb()
            before = len(self.tracks)
            found = self._match(self._detect(picture, tiles, quick), small, k, picture)
            self.looks += 1
            if self.known is not None and (cut or len(self.tracks) > before):
                # A new shot or a new face: a second reading soon, so it is decided within the look-ahead.
                self.look_again = self.count + RECHECK_FRAMES
            if cut:  # a new shot: only the faces found in it
                self.tracks = [t for t in self.tracks if t.id in found]
            self._merge_doubles()
        self.count += 1
        self.tracks = [t for t in self.tracks if t.missed <= self.lost
                       and t.unseen <= (self.hold if t.hits > 1 else self.once)]
        self.seen = []
        for t in self.tracks:
            grow = min(GROW_MAX, GROW_PER_FRAME * t.unseen)
            decided = self.known is None or t.shown or t.hidden
            self.seen.append(Seen(t.id, pad(t.box, PAD + grow, w, h, t.profile), t.shown, decided))
        return [s.box for s in self.seen if not s.shown]

    def _merge_doubles(self) -> None:
        """Two tracks on one face (one followed on, one found anew): the older is kept, covered
        for good if either was (an unread double over a face left visible would cover it)."""
        keep: list[Track] = []
        for track in sorted(self.tracks, key=lambda t: t.id):
            twin = next((k for k in keep if iou(k.box, track.box) > DOUBLE), None)
            if twin is None:
                keep.append(track)
                continue
            twin.hidden |= track.hidden
            if twin.hidden:
                twin.shown = False
            if track.unseen < twin.unseen:  # the newer find is where the face is now
                twin.box, twin.unseen, twin.missed, twin.template = track.box, track.unseen, track.missed, track.template
                twin.points, twin.profile = track.points, track.profile
            twin.hits += track.hits
        self.tracks = keep

    def _detect(self, picture, tiles: bool, quick: bool):
        if quick and hasattr(self.detector, "center"):
            return self.detector.detect_faces(picture, quick=True)
        return self.detector.detect_faces(picture, tiles=tiles)

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
            if best is not None and best.id not in found and (iou(best.box, det) > 0.2 or _inside(det, best.box)):
                track = best
                track.hits += 1
            else:
                track = Track(tuple(det))
                self.tracks.append(track)
            jumped = _moved(track.box, det) > JUMP
            if jumped and self.known is not None:  # maybe someone else now: covered until read
                if track.hidden:
                    track.stale = True  # read anew within CONFIRM_SECONDS (``update``)
                else:
                    track.forget()
            track.box, track.unseen, track.missed = tuple(det), 0, 0
            track.profile, track.points = _profile(points), points
            if self.known is not None and self._due(track):
                self._read(track, picture, points)
            found.add(track.id)
            x, y, bw, bh = (int(v * k) for v in det)
            patch = small[max(y, 0):y + bh, max(x, 0):x + bw]
            track.template = patch.copy() if patch.shape[0] >= 8 and patch.shape[1] >= 8 else None
        return found

    def _due(self, track: Track) -> bool:
        if track.hidden:  # covered for good until someone else may stand there (forget): a reading changes nothing
            return False
        if track.read_at < 0:
            return True
        since = self.count - track.read_at
        # Decided, or still undecided after a few readings (someone nobody registered): now and then.
        settled = track.shown or track.hidden or track.reads >= UNDECIDED_READS
        return since >= (self.confirm if settled else self.recheck)

    def _read(self, track: Track, picture: np.ndarray, points: np.ndarray) -> None:
        """Read the face and count its vote (see the module's docstring)."""
        view = readable(points)
        if not view:  # covered until it can be read (or, decided, as decided)
            return
        track.read_at = self.count
        track.reads += 1
        self.readings += 1
        reading = self.reader.read(picture, points)
        vote = self.known.judge(reading, turned=view == "turned")
        eyes = eyes_apart(points) / self.enlarged  # in the film's own pixels
        if vote == SHOW and eyes < MIN_EYES_TO_SHOW:
            vote = UNSURE  # too small to be shown on: it may count against showing, never for it
        if vote == HIDE:
            track.hidden = True
        elif vote == SHOW and not track.hidden:
            track.votes += 1 if view == "turned" or not self.known.sure(reading) else SHOW_VOTES
            if track.votes >= SHOW_VOTES and not track.shown:
                track.shown, track.thumb = True, None
        if vote != HIDE and view == "frontal" and eyes >= MIN_EYES_TO_SHOW:
            track.frontal.append(reading)
            if not (track.shown or track.hidden) and self._together(track):
                track.shown, track.thumb = True, None
        if track.hidden:
            track.shown, track.thumb = False, None

    def _together(self, track: Track) -> bool:
        """The track's frontal readings taken together: their mean (a face's readings scatter
        around where its person reads; the mean is nearer) is judged like one reading, once there
        are ``TOGETHER`` of them, one of them said "may be shown" and none is as far as ``UNLIKE``
        from everyone who may be shown (a stranger's readings do not average into someone). A mean
        that is not SHOW leaves the face as it was: covered, undecided (among look-alikes a mean
        near someone who may not be shown would otherwise cover a consenting face for good; each
        reading near them already does)."""
        if len(track.frontal) < TOGETHER or track.votes < 1:
            return False
        if any(self.known.distances(r)[0] >= UNLIKE for r in track.frontal):
            return False
        return self.known.judge(np.mean(track.frontal, axis=0)) == SHOW


def _profile(points: np.ndarray) -> float:
    """Which way a face is turned, from its key points: the nose past the eyes' middle towards
    one side (-1: the face looks to the picture's left, so the back of the head is on the right)."""
    if points is None or len(points) < 3:
        return 0.0
    (lx, _ly), (rx, _ry), (nx, _ny) = points[:3]
    span = abs(rx - lx)
    if span < 1:
        return 0.0
    middle = (lx + rx) / 2
    turn = (nx - middle) / span  # about 0 facing, beyond +-0.5 in profile
    return float(np.clip(turn * 2, -1, 1)) if abs(turn) > 0.25 else 0.0


def _moved(a, b) -> float:
    """How far the centre of box ``b`` is from that of ``a``, in widths of ``a``."""
    return float(np.hypot(a[0] + a[2] / 2 - b[0] - b[2] / 2, a[1] + a[3] / 2 - b[1] - b[3] / 2)) / max(a[2], 1.0)


def pad(box, fraction: float, width: int, height: int, profile: float = 0.0) -> tuple[int, int, int, int]:
    """The box grown to cover the whole head: ``fraction`` of its size on every side, more above
    (forehead, hair, headwear), more below (chin, beard) and, for a face turned in profile,
    towards the back of the head."""
    x, y, bw, bh = box[:4]
    px, py = bw * fraction, bh * fraction
    left = px + (bw * PAD_BACK * -profile if profile < 0 else 0)
    right = px + (bw * PAD_BACK * profile if profile > 0 else 0)
    # The boxes run from brow (or ear) to chin: more above for the forehead and the hair.
    x0, y0 = max(0, int(x - left)), max(0, int(y - bh * PAD_TOP - py))
    x1, y1 = min(width, int(np.ceil(x + bw + right))), min(height, int(np.ceil(y + bh + py + bh * PAD_CHIN)))
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


def union(a, b) -> tuple[int, int, int, int]:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return (x0, y0, x1 - x0, y1 - y0)


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
    """One picture, no neighbours to track from: both detectors' closer look, padded."""
    from media.anonymise.finder import FaceFinder

    h, w = rgb.shape[:2]
    found = FaceFinder(blaze_tiles=True).detect_faces(np.ascontiguousarray(rgb), tiles=True)
    return cover(rgb, [pad(box, PAD + GROW_MAX / 2, w, h, _profile(points)) for box, points in found], style)


@dataclass(frozen=True)
class Suggested:
    frame: int  # index in the frames given
    reading: np.ndarray
    box: tuple  # x, y, w, h of the face in that frame
    picture: np.ndarray  # the face cut from that frame (RGB)


def suggest_readings(frames, box, fps: float = 25.0, count: int = 3, reader: FaceReader | None = None,
                     every: int = 3) -> list[Suggested]:
    """Readings of the face a facilitator picked (``box`` in the first of ``frames``), suggested
    from the stretch of film where it stays in view: the face is followed (``faces.FaceTracker``)
    through ``frames`` (RGB pictures, in order, starting at the picked one) until it is lost or
    the shot cuts; where it is found frontal (at least ``every`` frames apart) it is read, and the
    ``count`` readings most unlike each other are kept. ``frames`` may be any iterable (a film
decoded as it goes). Only frontal views
    are read. Several readings
    from one stretch (turned a little, lit differently) tell the person apart better than one."""
    reader = reader or FaceReader()
    taken: list[Suggested] = []
    tracker = FaceTracker(fps)
    followed = None
    for n, rgb in enumerate(frames):
        tracker.update(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), lambda rgb=rgb: rgb)
        if n == 0:
            followed = max(tracker.tracks, key=lambda t: iou(t.box, box), default=None)
            if followed is None or iou(followed.box, box) <= 0.2:
                return []
        elif tracker.cut or followed not in tracker.tracks:
            break
        # Only frontal views become readings: a turned face reads less like itself and more like
        # anyone (a three-quarter registration let a never-registered face read as that person).
        # Read where the face was just found (not where it was only followed), ``every`` frames apart
        # at least: a whole-frame look comes every DETECT_EVERY frames, so "every n-th frame" met it rarely.
        if followed.unseen == 0 and followed.points is not None and (not taken or n - taken[-1].frame >= every) \
                and readable(followed.points) == "frontal":
            x, y, w, h = (int(round(v)) for v in followed.box[:4])
            taken.append(Suggested(n, reader.read(rgb, followed.points), (x, y, w, h),
                                   rgb[max(y, 0):max(y, 0) + h, max(x, 0):max(x, 0) + w].copy()))
    return [taken[i] for i in spread([s.reading for s in taken], count)]
