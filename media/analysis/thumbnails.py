"""Thumbnail strips: small upright pictures along a film, for the library and the timeline.

A strip need not show exact frames (docs/measured.md: keyframes are 5–8× cheaper), so long films
decode keyframes only and each mark gets the nearest one; short films decode every frame.

Stored in the film's cache folder as pages: ``thumbs/L0-NNNNN.jpg``, each one row of at
most ``page_tiles`` tiles (a few thousand pixels wide, far below JPEG's 65,500-pixel limit),
plus ``thumbs/index.json``. Coarser levels for zoomed-out views repeat every 4th tile of the
level below (``L1-…`` every 8 s, ``L2-…`` every 32 s…), so a timeline showing a whole day
reads two or three pages, not one page per tile. Pages are written as soon as they fill, so memory stays at one
page whatever the film's length, and a reader can draw the tiles that have arrived while the
rest of the film is still being decoded (``complete`` says whether the strip is finished).
Libraries made before pages existed hold one ``thumbs.jpg`` row; it still reads as one page.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path

import io

import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

from media import oslayer
from media.reading import interlace
from media.reading.probe import MediaInfo

TILE_HEIGHT = 90
WIDEST_TILE = 4 * TILE_HEIGHT  # panoramas are squeezed to 4:1 rather than making huge pages
PAGE_WIDTH = 4096  # pixels per page: quick to decode (a few ms), big enough for few files
LEVEL_STEP = 4  # each level keeps every 4th tile of the one below
LEVELS = 6  # level 5: one tile per 1024 (34 minutes at 2 s): enough for a day on one screen
STRIP_DIR = "thumbs"
STRIP_INDEX = "index.json"
LEGACY_JPEG = "thumbs.jpg"
LEGACY_INDEX = "thumbs.json"
LONGEST_INTERVAL_US = 2_000_000
SHORTEST_INTERVAL_US = 40_000
ALL_FRAMES_BELOW_US = 30_000_000  # shorter films: decode every frame, exact tiles are cheap
JPEG_QUALITY = 82


def interval_for(duration_us: int) -> int:
    return int(min(LONGEST_INTERVAL_US, max(duration_us // 30, SHORTEST_INTERVAL_US)))


def tile_size(info: MediaInfo) -> tuple[int, int]:
    """(width, height) of an upright tile, 90 px high, width from the display aspect."""
    dw, dh = info.display_size or (16, 9)
    width = max(2, round(TILE_HEIGHT * dw / dh / 2) * 2)
    return min(width, WIDEST_TILE), TILE_HEIGHT


def page_name(page: int, level: int = 0) -> str:
    return f"L{level}-{page:05d}.jpg"


class _LevelPages:
    """The pages of one level, filled in order."""

    def __init__(self, folder: Path, level: int) -> None:
        self.folder, self.level = folder, level
        self.tiles: list[np.ndarray] = []
        self.pages = 0

    def add(self, tile: np.ndarray, page_tiles: int) -> None:
        self.tiles.append(tile)
        if len(self.tiles) == page_tiles:
            self.flush()

    def flush(self) -> None:
        if not self.tiles:
            return
        _write_atomic(self.folder / page_name(self.pages, self.level), encode_jpeg(np.concatenate(self.tiles, axis=1)))
        self.pages += 1
        self.tiles = []


class StripWriter:
    """Writes tiles, in order, into JPEG pages; rewrites the index after every page."""

    def __init__(self, folder: Path, tile_w: int, tile_h: int, interval_us: int) -> None:
        self.dir = folder / STRIP_DIR
        self.dir.mkdir(exist_ok=True)
        self.tile_w, self.tile_h, self.interval_us = tile_w, tile_h, interval_us
        self.page_tiles = max(1, PAGE_WIDTH // tile_w)
        self.times: list[int] = []
        self._levels = [_LevelPages(self.dir, level) for level in range(LEVELS)]

    def add(self, time_us: int, tile: np.ndarray) -> None:
        n = len(self.times)
        self.times.append(time_us)
        for pages in self._levels:
            if n % LEVEL_STEP ** pages.level:
                break
            pages.add(tile, self.page_tiles)
        if self._levels[0].pages * self.page_tiles == len(self.times):  # a level-0 page was written
            self._write_index(complete=False)

    def finish(self) -> None:
        for pages in self._levels:
            pages.flush()
        self._write_index(complete=True)

    def _write_index(self, complete: bool) -> None:
        """Only tiles on written pages are listed: a reader never looks for a page to come."""
        shown = self.times if complete else self.times[: self._levels[0].pages * self.page_tiles]
        index = {
            "version": 3,
            "tile_width": self.tile_w,
            "tile_height": self.tile_h,
            "interval_us": self.interval_us,
            "page_tiles": self.page_tiles,
            "level_step": LEVEL_STEP,
            "levels": LEVELS,
            "times_us": shown,
            "complete": complete,
        }
        _write_atomic(self.dir / STRIP_INDEX, json.dumps(index).encode())


def encode_jpeg(bgr: np.ndarray) -> bytes:
    """A page as JPEG, with Pillow: OpenCV would add 55 MB and half a second to every import
    (the GUI and reports still read pages with it)."""
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(bgr[..., ::-1])).save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    """Readers (the timeline, while importing) never see half a file."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    oslayer.replace(part, path)  # a page the timeline is reading may hold it a moment (Windows)


class StripCollector:
    """Fed decoded frames in time order; keeps, for each mark, the frame nearest to it, and
    hands each settled tile to the page writer at once (nothing accumulates). The film's exact
    length is known only at the end (``finish``): marks past the last frame repeat it."""

    def __init__(self, info: MediaInfo, folder: Path) -> None:
        self.info = info
        self.interval_us = interval_for(info.duration_us)
        self.tile_w, self.tile_h = tile_size(info)
        self.keyframes_only = info.duration_us >= ALL_FRAMES_BELOW_US
        self.writer = StripWriter(folder, self.tile_w, self.tile_h, self.interval_us)
        self._next = 0  # first mark not yet settled
        self._last: tuple[int, np.ndarray] | None = None
        # One scaler for the whole film: ``frame.reformat`` builds a new one per frame, which
        # cost 1.5 ms a tile (20x the scaling itself) and was most of a long film's import.
        self._scaler = VideoReformatter()

    def _mark(self, index: int) -> int:
        return index * self.interval_us

    def wants(self, time_us: int) -> bool:
        """Whether a decoded frame at ``time_us`` could become a tile (saves converting it)."""
        return self.keyframes_only or time_us + self.interval_us // 2 >= self._mark(self._next)

    def add(self, time_us: int, frame) -> None:
        tile = self._tile(frame)
        while self._mark(self._next) <= time_us:
            mark = self._mark(self._next)
            if self._last is not None and mark - self._last[0] < time_us - mark:
                self.writer.add(*self._last)
            else:
                self.writer.add(time_us, tile)
            self._next += 1
        self._last = (time_us, tile)

    def _tile(self, frame) -> np.ndarray:
        rotated = self.info.orientation.swaps_axes
        w, h = (self.tile_h, self.tile_w) if rotated else (self.tile_w, self.tile_h)
        if self.info.field_order:  # interlaced: one field, scaled down, never combs
            from av import VideoFrame

            field = interlace.one_field(frame.to_ndarray(format="bgr24"), self.info.field_order)
            frame = VideoFrame.from_ndarray(np.ascontiguousarray(field), format="bgr24")
        img = self._scaler.reformat(frame, width=w, height=h, format="bgr24").to_ndarray()
        return self.info.orientation.upright(img)

    def finish(self, duration_us: int | None = None) -> None:
        """One tile per mark up to ``duration_us`` (default: the length ``info`` gave)."""
        marks = len(range(0, max(duration_us or self.info.duration_us, 1), self.interval_us))
        while self._next < marks and self._last is not None:
            self.writer.add(*self._last)
            self._next += 1
        self.writer.finish()


@dataclass
class Strip:
    """The index of a film's thumbnail pages; pictures are read page by page when drawn."""

    tile_width: int
    tile_height: int
    interval_us: int
    times_us: list[int]
    page_tiles: int
    folder: Path
    complete: bool = True
    legacy: bool = False
    levels: int = 1
    level_step: int = LEVEL_STEP

    def level_for(self, us_per_tile: float) -> int:
        """The coarsest level whose tiles are still at least as close as tiles drawn
        ``us_per_tile`` apart (fewer pages to read, no picture skipped that would show)."""
        level = 0
        while level + 1 < self.levels and self.interval_us * self.level_step ** (level + 1) <= us_per_tile:
            level += 1
        return level

    def nearest(self, time_us: int, level: int = 0) -> int:
        """Index (counted at level 0) of the tile of ``level`` nearest to ``time_us``."""
        stride = self.level_step ** level
        j = round(self.tile_for(time_us) / stride)
        return min(j, (len(self.times_us) - 1) // stride) * stride

    def tile_for(self, time_us: int) -> int:
        """Index of the tile nearest to ``time_us`` (times are in order: a binary search)."""
        times = self.times_us
        if not times:
            return 0
        i = bisect.bisect_left(times, time_us)
        if i == 0:
            return 0
        if i == len(times):
            return len(times) - 1
        return i if times[i] - time_us < time_us - times[i - 1] else i - 1

    def locate(self, index: int, level: int = 0) -> tuple[Path, int]:
        """(page file, x offset in pixels) of tile ``index`` (counted at level 0, a multiple
        of the level's stride) on the pages of ``level``."""
        page, slot = divmod(index // self.level_step ** level, self.page_tiles)
        path = self.folder / LEGACY_JPEG if self.legacy else self.folder / STRIP_DIR / page_name(page, level)
        return path, slot * self.tile_width

    @property
    def page_count(self) -> int:
        return -(-len(self.times_us) // self.page_tiles)


def load_strip(folder: Path) -> Strip | None:
    """The strip in a film's cache folder (possibly still growing), or None if there is none."""
    index = folder / STRIP_DIR / STRIP_INDEX
    if index.exists():
        data = json.loads(index.read_text())
        if not data["times_us"]:
            return None
        return Strip(data["tile_width"], data["tile_height"], data["interval_us"], data["times_us"],
                     data["page_tiles"], folder, data.get("complete", True),
                     levels=data.get("levels", 1), level_step=data.get("level_step", LEVEL_STEP))
    legacy, jpeg = folder / LEGACY_INDEX, folder / LEGACY_JPEG
    if legacy.exists() and jpeg.exists():
        data = json.loads(legacy.read_text())
        times = data["times_us"]
        return Strip(data["tile_width"], data["tile_height"], data["interval_us"], times,
                     max(len(times), 1), folder, True, legacy=True)
    return None


def read_tile(strip: Strip, index: int, level: int = 0) -> np.ndarray | None:
    """One tile as a BGR array (for reports and tests; the GUI caches whole pages)."""
    import cv2  # not at import time: an import does not need it (see ``encode_jpeg``)

    path, x = strip.locate(index, level)
    page = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if page is None:
        return None
    return page[:, x : x + strip.tile_width]
