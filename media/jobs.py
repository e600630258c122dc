"""Long jobs: every one is a core function taking ``(progress, cancel)``.

The UI runs such a function on a worker thread, shows ``progress`` and calls
``cancel.cancel()``; the CLI passes a printer or nothing.
"""

from __future__ import annotations

import threading
from typing import Callable


class Cancelled(Exception):
    """The user cancelled. Not an error: nothing is reported, partial work is undone."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if cancel() was called: call it between steps."""
        if self._event.is_set():
            raise Cancelled()


ProgressFn = Callable[[float, str], None]


def no_progress(fraction: float, message: str = "") -> None:
    return None


def sub_progress(progress: ProgressFn, start: float, end: float) -> ProgressFn:
    """Map a step's own 0..1 onto ``[start, end]`` of the whole job."""

    def report(fraction: float, message: str = "") -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        progress(start + (end - start) * fraction, message)

    return report
