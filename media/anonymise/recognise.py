"""Telling faces apart, on this machine: whose face is this, and may it be shown?

A facilitator says once who a face is (a frame of a film, a click); ``FaceReader.read``
turns that face into 128 numbers (dlib's face recognition network, shipped in models/,
CC0). The same reading of a face in an export is compared with the people's readings
(Euclidean distance: the same person comes out close, someone else far).

Safe by default: a face is left visible only when it is close to someone who may be
shown AND far from everyone who may not. A face too small, turned too far to read, or
in between stays covered (``Known.may_show``).

Faces are aligned with BlazeFace's own key points (eyes, nose tip, mouth centre) onto the
places dlib's network expects them in its 150x150 picture: those places were measured once
by running dlib's 5-point aligner (``get_face_chip``, padding 0.25) on the sample films and
finding BlazeFace's key points in its pictures (10 faces, spread under 3 px).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from media.errors import ProtoReelError

MODEL = Path(__file__).resolve().parent / "models" / "dlib_face_recognition_resnet_model_v1.dat"
MODEL_NAME = "dlib-resnet-v1"
CHIP = 150
# Eye on the picture's left, the other eye, nose tip, mouth centre, in dlib's 150x150 face picture.
TEMPLATE = np.float32([[46.4, 47.3], [100.6, 47.3], [73.5, 78.5], [73.5, 109.3]])
# Distances on the sample films (tests/data/faces): the same person 0.04-0.24 between frames,
# two different people 0.64-1.11. dlib's author uses 0.6 as "same person".
SAME = 0.5  # closer than this to someone who may be shown (and clearly closer than to anyone who may not): them
# A face turned away (nose outside the eyes) reads less alike: on Tears of Steel a man turned 3/4
# was 0.12-0.54 from his own frontal reading, and another man in profile 0.63-0.69 from it.
TURNED_SAME = 0.35
UNLIKE = 0.6  # closer than this to someone who may not be shown: never shown
MIN_EYES = 16  # pixels between the eyes; a smaller face is not read (it stays covered)
# A face may be shown only on readings of it at least this big (eyes this far apart: a face about
# 60 px tall): smaller, a face reads about as near anyone as its own registrations (a half-hidden
# woman nobody registered, 50 px and backlit, read 0.39-0.46 from two other people).
MIN_EYES_TO_SHOW = 22


class RecognitionUnavailable(ProtoReelError):
    """The face recogniser cannot run here (model or dlib missing): faces stay covered."""


def eyes_apart(points: np.ndarray) -> float:
    (lx, ly), (rx, ry) = points[:2]
    return float(np.hypot(rx - lx, ry - ly))


def readable(points: np.ndarray) -> str:
    """"frontal" (the nose between the eyes), "turned" (up to about three quarters), or ""
    for a face too small, upside down or in profile: such a face is never judged (so never
    shown)."""
    (lx, ly), (rx, ry), (nx, ny), (_mx, my) = points[:4]
    eyes = float(np.hypot(rx - lx, ry - ly))
    if eyes < MIN_EYES or rx <= lx or not my > ny > min(ly, ry):
        return ""
    inside = (nx - lx) / (rx - lx)  # 0.5: facing the camera; beyond 0 or 1: the nose past an eye
    if 0.2 <= inside <= 0.8:
        return "frontal"
    return "turned" if -1.2 <= inside <= 2.2 else ""


class FaceReader:
    """128 numbers for a face, from its picture and BlazeFace's key points."""

    def __init__(self) -> None:
        from media.anonymise import model_files

        try:
            model = model_files.path(MODEL.name)  # refused if missing or altered: faces stay covered
        except model_files.ModelUnusable as error:
            raise RecognitionUnavailable(str(error)) from None
        try:
            import dlib
        except ImportError as error:  # pragma: no cover - dlib-bin is a dependency
            raise RecognitionUnavailable(f"dlib: cannot load the face recogniser ({error})") from None
        self.net = dlib.face_recognition_model_v1(str(model))

    @staticmethod
    def chip(rgb: np.ndarray, points: np.ndarray) -> np.ndarray:
        """The face turned upright and scaled into the network's 150x150 picture."""
        matrix, _inliers = cv2.estimateAffinePartial2D(np.float32(points[:4]), TEMPLATE, method=cv2.LMEDS)
        if matrix is None:
            matrix = cv2.getAffineTransform(np.float32(points[:3]), TEMPLATE[:3])
        return cv2.warpAffine(rgb, matrix, (CHIP, CHIP), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def read(self, rgb: np.ndarray, points: np.ndarray) -> np.ndarray:
        chip = np.ascontiguousarray(self.chip(rgb, points))
        return np.asarray(self.net.compute_face_descriptor(chip), np.float32)


SHOW, HIDE, UNSURE = "show", "hide", "unsure"
# A reading counts for "may be shown" only when it is this much closer to someone who may be shown
# than to anyone who may not (two look-alikes 0.53 apart: each one's own readings sit 0.2-0.4 from
# their registrations, so the margin still tells them apart where an absolute limit of 0.6 could not).
MARGIN = 0.1
HIDE_MARGIN = 0.05  # a reading less than this much closer to someone who may be shown counts against showing
SURE, SURE_MARGIN = 0.4, 0.25  # a frontal reading this near someone who may be shown, this much nearer: decides alone
ALIKE = 0.6  # two people whose nearest readings are closer than this are too alike to be told apart well


@dataclass
class Known:
    """The readings of the people who may be shown in a clip and of those who may not (several
    readings a person: each face is compared with every one of them, nearest counts)."""

    shown: list[np.ndarray] = field(default_factory=list)
    hidden: list[np.ndarray] = field(default_factory=list)

    def distances(self, reading: np.ndarray) -> tuple[float, float]:
        """(nearest reading of someone who may be shown, of someone who may not)."""
        return _nearest(reading, self.shown), _nearest(reading, self.hidden)

    def judge(self, reading: np.ndarray, turned: bool = False) -> str:
        """One reading's vote: SHOW (close to someone who may be shown and clearly closer to them
        than to anyone who may not), HIDE (as close to someone who may not be shown as to anyone
        who may), or UNSURE. A track is shown only on SHOW votes and no HIDE (faces.Track)."""
        near_shown, near_hidden = self.distances(reading)
        if near_hidden < UNLIKE and near_hidden < near_shown + HIDE_MARGIN:
            return HIDE
        if near_shown < (TURNED_SAME if turned else SAME) and near_hidden - near_shown >= MARGIN:
            return SHOW
        return UNSURE

    def sure(self, reading: np.ndarray) -> bool:
        """A reading so near someone who may be shown, and so much nearer them than anyone who may
        not, that it decides alone (no restricted person's reading came near this on the tuning set)."""
        near_shown, near_hidden = self.distances(reading)
        return near_shown < SURE and near_hidden - near_shown >= SURE_MARGIN

    def may_show(self, reading: np.ndarray, turned: bool = False) -> bool:
        return self.judge(reading, turned) == SHOW

    def save(self, path: Path) -> Path:
        data = {"model": MODEL_NAME, "shown": [r.tolist() for r in self.shown],
                "hidden": [r.tolist() for r in self.hidden]}
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> Known:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls([np.asarray(r, np.float32) for r in data["shown"]],
                   [np.asarray(r, np.float32) for r in data["hidden"]])


def _nearest(reading: np.ndarray, readings: list[np.ndarray]) -> float:
    if not readings:
        return float("inf")
    return float(np.min(np.linalg.norm(np.asarray(readings, np.float32) - reading, axis=1)))


def separation(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    """How far apart two people's faces read: the distance between their nearest readings."""
    return min((_nearest(r, b) for r in a), default=float("inf"))


@dataclass(frozen=True)
class LookAlike:
    first: str
    second: str
    distance: float

    def sentence(self, shown: str | None = None) -> str:
        """What to tell the facilitator; ``shown``: the one of the two who may be shown."""
        said = (f"{self.first} and {self.second} look alike to the recogniser "
                f"({self.distance:.2f} apart; people are told apart from about {ALIKE})")
        if shown in (self.first, self.second):
            return f"{said}: {shown} will often stay covered. Add more faces of each, from other shots or films."
        return f"{said}. Add more faces of each, from other shots or films."


def too_alike(people: dict[str, list[np.ndarray]], limit: float = ALIKE) -> list[LookAlike]:
    """The pairs of people (name -> readings) too alike to be told apart reliably, closest first.
    Adding readings of one of them (from other shots or films) can only bring the pair closer:
    the warning stays until the recogniser sees them apart from every angle the readings show."""
    names = sorted(people)
    pairs = [LookAlike(a, b, separation(people[a], people[b])) for i, a in enumerate(names) for b in names[i + 1:]]
    return sorted((p for p in pairs if p.distance < limit), key=lambda p: p.distance)


def spread(readings: list[np.ndarray], count: int) -> list[int]:
    """``count`` readings (their positions) as unlike each other as possible: which of the
    readings of a person's stretches of film to keep (the farthest one from those kept, each time)."""
    if not readings:
        return []
    chosen = [0]
    while len(chosen) < min(count, len(readings)):
        far = max(range(len(readings)), key=lambda i: min(float(np.linalg.norm(readings[i] - readings[j])) for j in chosen))
        if far in chosen:
            break
        chosen.append(far)
    return chosen


def to_bytes(reading: np.ndarray) -> bytes:
    return np.asarray(reading, "<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, "<f4").astype(np.float32)
