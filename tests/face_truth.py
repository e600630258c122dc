"""Truth boxes of faces in the sample films (tests/data/faces/, made by bench/face_truth.py,
checked and corrected by eye: bench/face_truth_fix.py), who each face is and how it looks
(tests/data/faces/people.tsv), which films are for tuning and which are held out
(tests/data/faces/films.tsv), and how well a set of covered boxes hides a face."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "faces"
SAMPLES = Path(os.environ.get("PROTOREEL_SAMPLES") or Path(__file__).resolve().parents[2] / "shared" / "samples")
# Where else a face film may be (byte-identical copies of films not yet in ../shared/samples): the
# folders of PROTOREEL_FACE_SAMPLES (os.pathsep between them), else the team's scratch copies.
ELSEWHERE = [Path(p) for p in os.environ.get("PROTOREEL_FACE_SAMPLES", "").split(os.pathsep) if p] or [
    SAMPLES.resolve().parents[1] / "scratch" / "faces" / "samples"]
FACE_SAMPLES = (
    "face-man-office-1080x720p29.97-h264-aac-1s.mp4",
    "faces-tos-actors-640x360p24-h264-noaudio.mp4",
    "people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg",
    "people-talking-grid-man2-360x288p25-mpeg1-mp2.mpg",
    "people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg",
)
COVERED_ENOUGH = 0.8  # a face counts as covered when this share of its truth box is hidden
VISIBLE_MAX = 0.2  # ... and as visible when less than this share of it is hidden
LOW_LIGHT = "lowlight"  # a film's variant: its picture made dark and noisy (``low_light``)


def load(name: str) -> tuple[dict[int, list[tuple[int, int, int, int]]], set[int]]:
    """(faces by frame, frames whose truth is unknown) for a sample film (its variants share
    its truth)."""
    tracks, unknown = load_tracks(name)
    return {n: [box for box, _t in faces] for n, faces in tracks.items()}, unknown


def load_tracks(name: str) -> tuple[dict[int, list[tuple[tuple[int, int, int, int], str]]], set[int]]:
    """(faces by frame as (box, track), unknown frames); a track names one face through the
    film (people.tsv says whose); files without tracks have one track, "1"."""
    faces: dict[int, list] = {}
    unknown: set[int] = set()
    for line in (DATA / f"{base(name)}.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if parts[0] == "skip":
            unknown.add(int(parts[1]))
            continue
        n, x, y, w, h = map(int, parts[:5])
        faces.setdefault(n, []).append(((x, y, w, h), parts[5] if len(parts) > 5 else "1"))
    return faces, unknown


def sample_path(name: str) -> Path | None:
    """The film a (variant) name is made from: in SAMPLES, else in the folders ELSEWHERE; None
    when it is in neither (the caller says so and leaves it out)."""
    for folder in (SAMPLES, *ELSEWHERE):
        if (folder / base(name)).is_file():
            return folder / base(name)
    return None


def where_not_found(name: str) -> str:
    """One line for a film found nowhere: which folders were looked in."""
    return f"{base(name)} not in {SAMPLES} nor in " + ", ".join(str(p) for p in ELSEWHERE)


def base(name: str) -> str:
    """The sample film a (variant) name is made from: "film.mp4#lowlight" -> "film.mp4"."""
    return name.split("#", 1)[0]


def variant(name: str) -> str:
    return name.split("#", 1)[1] if "#" in name else ""


@dataclass(frozen=True)
class Film:
    name: str  # a sample film, or "film#variant"
    set: str  # "tuning" or "held-out"
    what: str


@dataclass(frozen=True)
class Person:
    film: str  # as in films.tsv (a variant has its own rows)
    who: str  # a name for the person within the film's set (the same person across films: the same name)
    tracks: frozenset[str]
    skin: str  # "lighter", "medium", "darker" (by eye: see README)
    light: str  # "even", "backlit", "shade", "dim", "low (simulated)"
    turned: frozenset[int]  # frames where the face is turned more than 45 degrees from frontal, or down


def films() -> list[Film]:
    return [Film(r["film"], r["set"], r["what"]) for r in _rows("films.tsv")]


def people() -> list[Person]:
    out = []
    for r in _rows("people.tsv"):
        turned: set[int] = set()
        for span in filter(None, r["turned"].split(",")):
            a, _, b = span.partition("-")
            turned |= set(range(int(a), int(b or a) + 1))
        out.append(Person(r["film"], r["who"], frozenset(r["tracks"].split(",")), r["skin"], r["light"],
                          frozenset(turned)))
    return out


def _rows(name: str) -> list[dict]:
    lines = [line for line in (DATA / name).read_text().splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def low_light(rgb, n: int):
    """The picture as a dim room would give it: a quarter of the light and the sensor's noise
    (the same noise for the same frame number ``n``)."""
    import numpy as np

    rng = np.random.default_rng(n)
    dark = rgb.astype(np.float32) * 0.25 + rng.normal(0, 3.0, rgb.shape).astype(np.float32)
    return np.clip(dark, 0, 255).astype(np.uint8)


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
