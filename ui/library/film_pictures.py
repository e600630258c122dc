"""One small picture per film for lists (the library's icons, the event day's boxes), read off
the GUI thread on the one runner.

A view asks ``picture(film, at_us)`` while it draws a row: a picture already read comes back
at once; otherwise the row draws without one, the request joins a batch, and one job on the
runner reads the batch (the strip's index and one JPEG page per film). ``ready`` then names
the films whose picture arrived, and the view redraws just those rows. So showing a library
of 500 films reads only the rows on screen, and never on the GUI thread (reading them all there,
as the library once did while laying out its rows, stalled the window for a third of a second).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from app.records import FilmRecord
from media.analysis.thumbnails import Strip, load_strip
from ui.kit.bridge import LibraryBridge

Key = tuple[str, int]  # (the film's content hash: its cache folder, time in the film)


def read_tile_rgb(strip: Strip, time_us: int) -> np.ndarray | None:
    """The tile nearest to ``time_us`` as an RGB array. Pillow lets go of Python's lock while
    it decodes, and is already loaded (OpenCV's first import would hold the lock a while)."""
    from PIL import Image

    path, x = strip.locate(strip.tile_for(time_us))
    try:
        with Image.open(path) as page:
            tile = page.convert("RGB").crop((x, 0, x + strip.tile_width, strip.tile_height))
    except (OSError, ValueError):  # not written yet, or cut short
        return None
    return np.ascontiguousarray(np.asarray(tile))


def read_pictures(wanted: dict[Key, Path], cancel=None) -> dict[Key, np.ndarray | None]:
    """On a worker: each film's tile nearest to the time asked, or None (no strip yet, an
    audio-only film, an unreadable page)."""
    out: dict[Key, np.ndarray | None] = {}
    for key, folder in wanted.items():
        if cancel is not None and cancel.cancelled:
            break
        strip = load_strip(folder)
        out[key] = read_tile_rgb(strip, key[1]) if strip is not None else None
    return out


class FilmPictures(QObject):
    ready = Signal(list)  # list of film content hashes whose picture arrived

    def __init__(self, bridge: LibraryBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._pictures: dict[Key, QPixmap | None] = {}
        self._wanted: dict[Key, Path] = {}
        self._job = None
        self._flush = QTimer(self, singleShot=True, interval=0)  # one batch per event-loop turn
        self._flush.timeout.connect(self._start)

    def picture(self, film: FilmRecord, at_us: int) -> QPixmap | None:
        key = (film.sha256, max(0, at_us))
        if key in self._pictures:
            return self._pictures[key]
        if key not in self._wanted:
            self._wanted[key] = self.bridge.lib.cache_dir(film.sha256)
            self._flush.start()
        return None

    def known(self, film: FilmRecord, at_us: int) -> bool:
        return (film.sha256, max(0, at_us)) in self._pictures

    def busy(self) -> bool:
        """Pictures asked for and not arrived yet."""
        return bool(self._wanted) or self._job is not None

    def forget(self, sha256: str) -> None:
        """The film's strip has grown (an import in the background): read it again when drawn."""
        for key in [k for k in self._pictures if k[0] == sha256]:
            del self._pictures[key]

    def _start(self) -> None:
        if self._job is not None or not self._wanted or self.bridge.runner.closing:
            return
        batch, self._wanted = self._wanted, {}
        self._job = self.bridge.runner.start(
            lambda progress, cancel: read_pictures(batch, cancel),
            on_success=self._arrived,
            on_failure=lambda _exc: self._arrived({key: None for key in batch}),  # drawn without a picture
            on_done=self._job_done)

    def _job_done(self) -> None:
        self._job = None
        if self._wanted:
            self._flush.start()

    def _arrived(self, tiles: dict[Key, np.ndarray | None]) -> None:
        for key, rgb in tiles.items():
            if rgb is None:
                self._pictures[key] = None
                continue
            h, w = rgb.shape[:2]
            image = QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888)
            self._pictures[key] = QPixmap.fromImage(image)  # copies: the array may go
        self.ready.emit(sorted({key[0] for key in tiles}))
