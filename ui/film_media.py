"""Cached pictures and sound of a film for drawing: the thumbnail strip and waveform peaks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QPixmap

from app.library import Library
from app.records import FilmRecord
from media.thumbnails import Strip, load_strip
from media.waveform import load_peaks


@dataclass
class FilmMedia:
    strip: Strip | None
    sheet: QPixmap | None
    peaks: np.ndarray | None

    def tile(self, index: int) -> QPixmap | None:
        if self.strip is None or self.sheet is None:
            return None
        return self.sheet.copy(index * self.strip.tile_width, 0, self.strip.tile_width, self.strip.tile_height)


def load_film_media(lib: Library, film: FilmRecord) -> FilmMedia:
    folder = lib.cache_dir(film.sha256)
    strip = load_strip(folder)
    sheet = QPixmap(str(strip.jpeg)) if strip is not None else None
    return FilmMedia(strip, sheet if sheet is not None and not sheet.isNull() else None, load_peaks(folder))
