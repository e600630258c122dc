"""Serves exact frames (media.reading.frames) to the paused player from a worker thread.

Requests coalesce: while a frame decodes, newer requests replace older ones, so holding
an arrow key never queues up work, and a newer request stops the decode under way (the reader
keeps its place: a drag forward decodes on towards the latest position, never the ones passed),
unless no picture came for ``STALE_S``: then the one under way is finished, so a drag always
moves the picture.
Once a frame is shown and nothing is asked, the frames after it are decoded ahead into the
reader's cache (stopped by the next request). Results come back as a Qt signal on the GUI thread.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from media.reading.frames import FrameReader


STALE_S = 0.25  # a picture at least this often while dragging (the newest is served next)


class FrameServer(QObject):
    ready = Signal(int, "qlonglong", QImage)  # request number, frame time (µs, 64-bit), picture
    failed = Signal(str)

    def __init__(self, path: str, start_us: int, orientation, parent: QObject | None = None,
                 field_order: str | None = None) -> None:
        super().__init__(parent)
        self._args = (path, start_us, orientation, field_order)
        self._wanted: tuple[int, int] | None = None
        self._cond = threading.Condition()
        self._stop = False
        self._box: tuple[int, int] | None = None
        self._shown_at = 0.0  # time.monotonic() of the last picture given
        self._thread = threading.Thread(target=self._loop, name="frame-server", daemon=True)
        self._thread.start()

    def request(self, seq: int, film_us: int) -> None:
        with self._cond:
            self._wanted = (seq, film_us)
            self._cond.notify()

    def _superseded(self) -> bool:
        """A newer request (or stop) is waiting: what is being decoded is no longer wanted."""
        return self._wanted is not None or self._stop

    def _superseded_while_fresh(self) -> bool:
        """Give up the frame being decoded for a newer request, unless the picture on screen
        is already ``STALE_S`` old."""
        return self._stop or (self._wanted is not None and time.monotonic() - self._shown_at < STALE_S)

    def set_box(self, width: int, height: int) -> None:
        """Pictures need be no larger than the view (decoding stays full size)."""
        self._box = (max(width, 2), max(height, 2))

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(5)

    def _loop(self) -> None:
        try:
            reader = FrameReader(*self._args)
        except Exception as exc:  # noqa: BLE001 - reported to the player
            self.failed.emit(f"cannot decode frames ({exc})")
            return
        try:
            while True:
                with self._cond:
                    while self._wanted is None and not self._stop:
                        self._cond.wait()
                    if self._stop:
                        return
                    seq, film_us = self._wanted
                    self._wanted = None
                try:
                    reader.box = self._box
                    still = reader.frame_at(film_us, self._superseded_while_fresh)
                    if still is not None:
                        self._shown_at = time.monotonic()
                        h, w, _ = still.rgb.shape
                        image = QImage(still.rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
                        self.ready.emit(seq, still.time_us, image)
                        reader.decode_ahead(superseded=self._superseded)
                except Exception as exc:  # noqa: BLE001 - a damaged spot; keep serving
                    self.failed.emit(f"cannot decode the frame at {film_us / 1e6:.3f} s ({exc})")
        finally:
            reader.close()
