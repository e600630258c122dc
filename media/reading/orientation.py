"""How a film's picture is turned upright: a quarter-turn rotation, then maybe a mirror.

Phones store pixels as the sensor saw them and a display matrix saying how to show them:
rotated by a multiple of 90°, and for front cameras also flipped left-right. Every place that
shows a film (thumbnails, player stills, report stills, the MP4 export) applies the one
``Orientation`` read here, so they all show the same upright picture.

The matrix is FFmpeg's (16.16 fixed point, ``p' = a*p + c*q``, ``q' = b*p + d*q``). Measured
against ffmpeg's own autorotation for all eight combinations of ``-display_rotation`` 0/90/
180/270 with and without ``-display_hflip``: a negative determinant means mirrored, and the
rotation is read once the mirror is taken out. (``av_display_rotation_get`` alone, which
PyAV's ``frame.rotation`` returns, reads a mirrored matrix as the wrong angle.)
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Orientation:
    rotation: int = 0  # degrees clockwise to turn the stored picture upright (0, 90, 180, 270)
    mirror: bool = False  # after turning, flip left-right

    def __post_init__(self) -> None:
        if self.rotation not in (0, 90, 180, 270):
            raise ValueError(f"rotation {self.rotation}: must be 0, 90, 180 or 270")

    @property
    def identity(self) -> bool:
        return self.rotation == 0 and not self.mirror

    @property
    def swaps_axes(self) -> bool:
        return self.rotation in (90, 270)

    def upright_size(self, width: int, height: int) -> tuple[int, int]:
        return (height, width) if self.swaps_axes else (width, height)

    def upright(self, picture: np.ndarray) -> np.ndarray:
        """The stored picture (H×W or H×W×C) turned and mirrored as a player shows it."""
        import numpy as np  # here: the exporting process uses only ``ffmpeg_filter``

        out = np.rot90(picture, k=-self.rotation // 90) if self.rotation else picture
        if self.mirror:
            out = out[:, ::-1]
        return np.ascontiguousarray(out)

    def ffmpeg_filter(self) -> str:
        """The same turn as an FFmpeg filter chain ("" for none), for inputs opened with
        ``-noautorotate`` so that ffmpeg applies exactly this and nothing of its own."""
        steps = {0: [], 90: ["transpose=clock"], 180: ["hflip", "vflip"], 270: ["transpose=cclock"]}[self.rotation]
        if self.mirror:
            steps.append("hflip")
        return ",".join(steps)

    @classmethod
    def from_matrix(cls, matrix: Sequence[int] | None) -> "Orientation":
        """From FFmpeg's 3×3 display matrix (nine int32); None or an odd angle: upright."""
        if not matrix or len(matrix) < 5:
            return cls()
        a, b, c, d = (_unit(v) for v in (matrix[0], matrix[1], matrix[3], matrix[4]))
        mirror = a * d - b * c < 0
        if mirror:  # take the left-right flip out of the x column
            a, c = -a, -c
        turns = {(1, 0): 0, (0, -1): 90, (-1, 0): 180, (0, 1): 270}.get((a, b))  # counter-clockwise
        if turns is None:
            return cls(0, mirror)
        return cls((-turns) % 360, mirror)

    @classmethod
    def of_frame(cls, frame) -> "Orientation":
        """Read from a decoded PyAV frame's display-matrix side data."""
        try:
            sides = _side_data(frame)
        except ValueError:
            # PyAV refuses side data of a type it does not know (an iPhone's spatial video):
            # fall back to the angle alone.
            return cls(round(-(getattr(frame, "rotation", 0) or 0) / 90) % 4 * 90)
        for side in sides:
            if "DISPLAYMATRIX" in str(getattr(side, "type", "")):
                raw = bytes(side)
                if len(raw) >= 36:
                    return cls.from_matrix(struct.unpack("<9i", raw[:36]))
        return cls()


def _side_data(frame) -> list:
    """A frame's side data entries. PyAV 18.1.0 iterates over the entries, 18.1.1 over their
    types (a mapping): an entry is what has a ``type``."""
    container = frame.side_data
    if not container:
        return []
    found = list(container)
    if found and not hasattr(found[0], "type"):
        found = [container[key] for key in found]
    return found


def _unit(value: int) -> int:
    """A 16.16 fixed-point matrix entry rounded to -1, 0 or 1."""
    return max(-1, min(1, round(value / 65536)))
