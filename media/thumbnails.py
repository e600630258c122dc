"""Thumbnail strips: small upright pictures along a film, for the library and the timeline.

A strip need not show exact frames (FACTS.md: keyframes are 5–8× cheaper), so long films
decode keyframes only and each mark gets the nearest one; short films decode every frame.
Stored in the film's cache folder as one JPEG row of tiles plus a JSON index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from media.probe import MediaInfo

TILE_HEIGHT = 90
STRIP_JPEG = "thumbs.jpg"
STRIP_INDEX = "thumbs.json"
LONGEST_INTERVAL_US = 2_000_000
SHORTEST_INTERVAL_US = 40_000
ALL_FRAMES_BELOW_US = 30_000_000  # shorter films: decode every frame, exact tiles are cheap


def interval_for(duration_us: int) -> int:
    return int(min(LONGEST_INTERVAL_US, max(duration_us // 30, SHORTEST_INTERVAL_US)))


def tile_size(info: MediaInfo) -> tuple[int, int]:
    """(width, height) of an upright tile, 90 px high, width from the display aspect."""
    dw, dh = info.display_size or (16, 9)
    width = max(2, round(TILE_HEIGHT * dw / dh / 2) * 2)
    return width, TILE_HEIGHT


class StripCollector:
    """Fed decoded frames in time order; keeps, for each mark, the frame nearest to it."""

    def __init__(self, info: MediaInfo) -> None:
        self.info = info
        self.interval_us = interval_for(info.duration_us)
        self.marks = list(range(0, max(info.duration_us, 1), self.interval_us))
        self.tile_w, self.tile_h = tile_size(info)
        self.keyframes_only = info.duration_us >= ALL_FRAMES_BELOW_US
        self.tiles: list[np.ndarray | None] = [None] * len(self.marks)
        self.times: list[int | None] = [None] * len(self.marks)
        self._next = 0  # first mark not yet settled
        self._last: tuple[int, np.ndarray] | None = None

    def wants(self, time_us: int) -> bool:
        """Whether a decoded frame at ``time_us`` could become a tile (saves converting it)."""
        if self._next >= len(self.marks):
            return False
        return self.keyframes_only or time_us + self.interval_us // 2 >= self.marks[self._next]

    def add(self, time_us: int, frame) -> None:
        tile = self._tile(frame)
        while self._next < len(self.marks) and self.marks[self._next] <= time_us:
            mark = self.marks[self._next]
            if self._last is not None and mark - self._last[0] < time_us - mark:
                self._settle(self._next, *self._last)
            else:
                self._settle(self._next, time_us, tile)
            self._next += 1
        self._last = (time_us, tile)

    def _settle(self, index: int, time_us: int, tile: np.ndarray) -> None:
        self.tiles[index] = tile
        self.times[index] = time_us

    def _tile(self, frame) -> np.ndarray:
        rotated = self.info.orientation.swaps_axes
        w, h = (self.tile_h, self.tile_w) if rotated else (self.tile_w, self.tile_h)
        img = frame.reformat(width=w, height=h, format="bgr24").to_ndarray()
        return self.info.orientation.upright(img)

    def finish(self) -> None:
        while self._next < len(self.marks) and self._last is not None:
            self._settle(self._next, *self._last)
            self._next += 1

    def save(self, folder: Path) -> None:
        tiles = [t for t in self.tiles if t is not None]
        if not tiles:
            return
        strip = np.concatenate(tiles, axis=1)
        ok, data = cv2.imencode(".jpg", strip, [cv2.IMWRITE_JPEG_QUALITY, 82])
        if not ok:
            raise OSError("could not encode the thumbnail strip")
        (folder / STRIP_JPEG).write_bytes(data.tobytes())
        index = {
            "tile_width": self.tile_w,
            "tile_height": self.tile_h,
            "interval_us": self.interval_us,
            "times_us": [t for t in self.times if t is not None],
        }
        (folder / STRIP_INDEX).write_text(json.dumps(index))


@dataclass
class Strip:
    tile_width: int
    tile_height: int
    interval_us: int
    times_us: list[int]
    jpeg: Path

    def tile_for(self, time_us: int) -> int:
        """Index of the tile nearest to ``time_us``."""
        if not self.times_us:
            return 0
        return min(range(len(self.times_us)), key=lambda i: abs(self.times_us[i] - time_us))


def load_strip(folder: Path) -> Strip | None:
    index, jpeg = folder / STRIP_INDEX, folder / STRIP_JPEG
    if not index.exists() or not jpeg.exists():
        return None
    data = json.loads(index.read_text())
    return Strip(data["tile_width"], data["tile_height"], data["interval_us"], data["times_us"], jpeg)
