"""Films registered by a drop finish importing here, in the background, two at a time
(two cores): hashing, copying, thumbnails and waveform. Progress goes to the library row and
the timeline (which draws the tiles that have arrived); a film cut short by closing the app or
a crash is taken up again on the next start (``resume``). The jobs run on the window's one
operation runner, so closing cancels and waits for them like any other and their errors are
shown the one way."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QObject, Signal

from app.films import importing
from ui.kit.bridge import LibraryBridge
from ui.kit.workers import Job

AT_ONCE = 2
ARRIVALS_EVERY_S = 0.5  # how often the timeline re-reads a growing strip


class BackgroundImports(QObject):
    progress = Signal(int, float, str)  # film id, 0..1, what it is doing
    arrived = Signal(int)  # film id: more thumbnails/waveform are on disk
    film_done = Signal(int)  # film id: complete (or stopped: see ``errors``)

    def __init__(self, bridge: LibraryBridge, parent: QObject) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.window = parent
        self.queue: deque[int] = deque()
        self.running: dict[int, Job] = {}
        self.fractions: dict[int, float] = {}
        self.errors: dict[int, str] = {}
        self._arrived_at: dict[int, float] = {}

    def add(self, film_ids: list[int]) -> None:
        for film_id in film_ids:
            if film_id not in self.running and film_id not in self.queue:
                self.queue.append(film_id)
                self.fractions.setdefault(film_id, 0.0)
                self.errors.pop(film_id, None)
        self._next()

    def resume(self) -> list[int]:
        """Take up films left importing by a crash or by closing the app."""
        pending = importing.pending(self.bridge.lib)
        self.add(pending)
        return pending

    def busy(self) -> bool:
        return bool(self.running or self.queue)

    def _next(self) -> None:
        runner = self.bridge.runner
        while not runner.closing and self.queue and len(self.running) < AT_ONCE:
            film_id = self.queue.popleft()
            lib = self.bridge.lib
            self.running[film_id] = runner.start(
                lambda progress, cancel, f=film_id: importing.complete(lib, f, progress, cancel),
                parent=self.window,
                on_progress=lambda fraction, message, f=film_id: self._progress(f, fraction, message),
                on_failure=lambda exc, f=film_id: self._failed(f, exc),
                on_success=self._said,
                on_done=lambda f=film_id: self._done(f))

    def _progress(self, film_id: int, fraction: float, message: str) -> None:
        self.fractions[film_id] = fraction
        self.progress.emit(film_id, fraction, message)
        now = time.monotonic()
        if now - self._arrived_at.get(film_id, 0.0) >= ARRIVALS_EVERY_S:
            self._arrived_at[film_id] = now
            self.arrived.emit(film_id)

    def _said(self, result) -> None:
        """What the import found damaged in the film and how it is kept, in the status bar."""
        if result is not None and result.warnings:
            self.bridge.runner.say(f"{result.source.name}: " + "; ".join(result.warnings) + ".")

    def _failed(self, film_id: int, exc: BaseException) -> None:
        self.errors[film_id] = str(exc)
        self.bridge.runner.show_error(exc, self.window)

    def _done(self, film_id: int) -> None:
        self.running.pop(film_id, None)
        self.fractions.pop(film_id, None)
        self._arrived_at.pop(film_id, None)
        self.arrived.emit(film_id)
        self.film_done.emit(film_id)
        self._next()
