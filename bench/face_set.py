"""The face test set's films as an export sees them: every frame upright (the film's rotation
applied), made dark for a ``#lowlight`` variant, and letterboxed into a 1280x720 reel frame;
with the truth boxes moved the same way."""

from __future__ import annotations

import sys
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media.reading.probe import probe  # noqa: E402
from tests.face_truth import (LOW_LIGHT, base, letterbox, letterboxed, load_tracks, low_light,  # noqa: E402
                              sample_path, variant)

W, H = 1280, 720


def upright_frames(name: str) -> tuple[list[np.ndarray], float]:
    path = sample_path(name)
    if path is None:
        raise FileNotFoundError(name)
    orientation = probe(path).orientation
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or 25)
        frames = [orientation.upright(f.to_ndarray(format="rgb24")) for f in container.decode(stream)]
    if variant(name) == LOW_LIGHT:
        frames = [low_light(rgb, n) for n, rgb in enumerate(frames)]
    return frames, fps


def reel_film(name: str, w: int = W, h: int = H):
    """(reel frames, fps, truth {frame: [(box in the reel frame, track)]}, unknown frames)."""
    frames, fps = upright_frames(name)
    source = (frames[0].shape[1], frames[0].shape[0])
    faces, unknown = load_tracks(name)
    truth = {n: [(letterbox(box, source, (w, h)), t) for box, t in boxes] for n, boxes in faces.items()
             if n < len(frames)}
    return [letterboxed(rgb, w, h) for rgb in frames], fps, truth, unknown


def available(name: str) -> bool:
    return sample_path(name) is not None
