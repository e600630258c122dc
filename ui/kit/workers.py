"""Run a core job ``fn(progress, cancel)`` off the GUI thread; report back by signals.

Only plain values cross threads (ids, records, messages). Progress is throttled so a fast
job cannot flood the GUI's event queue.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal

from media.jobs import Cancelled, CancelToken

PROGRESS_EVERY_S = 0.05


class Job(QObject):
    progress = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    done = Signal()  # after any of the three above

    def __init__(self, fn: Callable[..., Any], parent: QObject | None = None,
                 stop: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.token = CancelToken()
        self._stop = stop  # what else ends the job early (a recording's device feed)
        self._thread = _Runner(self._run)
        self._last_progress = 0.0
        self._thread.finished.connect(self.done)

    def start(self) -> "Job":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.token.cancel()
        if self._stop is not None:
            self._stop()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = 30_000) -> bool:
        return self._thread.wait(ms)

    def _report(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last_progress >= PROGRESS_EVERY_S:
            self._last_progress = now
            self.progress.emit(fraction, message)

    def _run(self) -> None:
        try:
            result = self.fn(self._report, self.token)
        except Cancelled:
            self.cancelled.emit()
        except BaseException as exc:  # shown to the user by the one error place
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)


class _Runner(QThread):
    """A thread running one function; no QObject lives on it."""

    def __init__(self, body: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("protoreel-job")
        self._body = body

    def run(self) -> None:
        self._body()
