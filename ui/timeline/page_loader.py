"""Thumbnail pages read off the GUI thread: the timeline asks for a page it has not got, draws
the rest at once and repaints when the page arrives, so zooming over hours never waits on a
JPEG decode. OpenCV decodes (it lets go of Python's lock while it works, so the GUI thread
keeps running); the picture becomes a QPixmap on the GUI thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPixmap


class PageLoader(QObject):
    decoded = Signal(str, object)  # path, BGR array or None; delivered on the GUI thread
    loaded = Signal(str, QPixmap)  # path, page (null if unreadable)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="pages")
        self._pending: set[str] = set()
        self.decoded.connect(self._to_pixmap)

    def request(self, path: Path) -> None:
        key = str(path)
        if key not in self._pending:
            self._pending.add(key)
            self._pool.submit(self._read, key)

    def _read(self, key: str) -> None:
        self.decoded.emit(key, cv2.imread(key, cv2.IMREAD_COLOR))

    def _to_pixmap(self, key: str, bgr) -> None:
        self._pending.discard(key)
        if bgr is None:
            self.loaded.emit(key, QPixmap())
            return
        h, w = bgr.shape[:2]
        image = QImage(bgr.data, w, h, bgr.strides[0], QImage.Format.Format_BGR888)
        self.loaded.emit(key, QPixmap.fromImage(image))  # copies: the array may go

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
