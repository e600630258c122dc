"""Cached pictures and sound of a film for drawing: thumbnail pages and waveform peaks.

Pages are decoded only when a tile on them is drawn, and only the last few are kept, so a
six-hour film costs no more memory to show than a two-minute one. A strip or waveform that
is still being written (an import in the background) is re-read by ``refresh``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPixmap

from app.library import Library
from app.records import FilmRecord
from media.analysis.thumbnails import Strip, load_strip
from media.analysis.waveform import load_peaks

COARSE = 100  # peaks (of 10 ms) per coarse peak
PAGES_KEPT = 24  # ~24 × 4096×90 pixels: about 35 MB at most


@dataclass
class FilmMedia:
    strip: Strip | None
    peaks: np.ndarray | None
    folder: Path | None = None
    _pages: OrderedDict = field(default_factory=OrderedDict)
    _loudest: int | None = None
    _coarse: np.ndarray | None = None
    loader: object | None = None  # a ui.timeline.page_loader.PageLoader: pages are then read off the GUI thread

    def page(self, path: Path) -> QPixmap | None:
        """The page, if it is in memory; else read now, or with a loader asked for (None now)."""
        pixmap = self._pages.get(path)
        if pixmap is not None:
            self._pages.move_to_end(path)
            return pixmap
        if not path.exists():
            return None
        if self.loader is not None:
            self.loader.request(path)
            return None
        return self.store(path, QPixmap(str(path)))

    def store(self, path: Path, pixmap: QPixmap) -> QPixmap | None:
        if pixmap.isNull():
            return None
        self._pages[Path(path)] = pixmap
        while len(self._pages) > PAGES_KEPT:
            self._pages.popitem(last=False)
        return pixmap

    def tile_source(self, index: int, level: int = 0) -> tuple[QPixmap, QRectF] | None:
        """The page holding tile ``index`` and the tile's rectangle on it. A coarse level's
        page not written yet (the film is still importing) falls back to level 0."""
        if self.strip is None:
            return None
        path, x = self.strip.locate(index, level)
        page = self.page(path)
        if page is None and level and not path.exists():  # not written yet: the fine level has it
            return self.tile_source(index, 0)
        if page is None:
            return None
        return page, QRectF(x, 0, self.strip.tile_width, self.strip.tile_height)

    def tile(self, index: int) -> QPixmap | None:
        found = self.tile_source(index)
        if found is None:
            return None
        page, rect = found
        return page.copy(rect.toRect())

    def tile_at(self, time_us: int) -> QPixmap | None:
        return self.tile(self.strip.tile_for(time_us)) if self.strip is not None else None

    @property
    def complete(self) -> bool:
        return self.strip is None or self.strip.complete

    @property
    def loudest(self) -> int:
        """The loudest peak (the waveform is scaled to it: quiet rooms stay readable)."""
        if self._loudest is None:
            self._loudest = max(int(self.peaks.max()), 1) if self.peaks is not None and len(self.peaks) else 1
        return self._loudest

    @property
    def coarse_peaks(self) -> np.ndarray | None:
        """The loudest peak of each second (for views of hours: 100× less to scan per paint)."""
        if self._coarse is None and self.peaks is not None and len(self.peaks):
            whole = len(self.peaks) // COARSE * COARSE
            coarse = np.asarray(self.peaks[:whole]).reshape(-1, COARSE).max(axis=1)
            tail = self.peaks[whole:]
            self._coarse = np.append(coarse, tail.max()) if len(tail) else coarse
        return self._coarse

    def refresh(self) -> None:
        """Re-read the index and peaks (more may have arrived); pages already read stay."""
        if self.folder is None:
            return
        self.strip = load_strip(self.folder)
        self.peaks = load_peaks(self.folder)
        self._loudest = self._coarse = None  # pages are written whole and never change: they stay cached


def load_film_media(lib: Library, film: FilmRecord) -> FilmMedia:
    folder = lib.cache_dir(film.sha256)
    return FilmMedia(load_strip(folder), load_peaks(folder), folder)
