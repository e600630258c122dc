"""Save as typed without a write per keystroke, and without ever waiting long.

A save runs once typing pauses (``idle_ms``), and at the latest ``max_ms`` after the first
unsaved change even while someone keeps typing: whatever was typed is in the library within
a second, so a crash or a pulled plug mid-meeting loses at most that second.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer

IDLE_MS, MAX_MS = 250, 700


class Debounced(QObject):
    def __init__(self, save: Callable[[], None], parent: QObject | None = None,
                 idle_ms: int = IDLE_MS, max_ms: int = MAX_MS) -> None:
        super().__init__(parent)
        self._save = save
        self._idle = QTimer(self, singleShot=True, interval=idle_ms)
        self._max = QTimer(self, singleShot=True, interval=max_ms)
        self._idle.timeout.connect(self.flush)
        self._max.timeout.connect(self.flush)

    @property
    def pending(self) -> bool:
        return self._idle.isActive() or self._max.isActive()

    def changed(self) -> None:
        if not self._max.isActive():
            self._max.start()
        self._idle.start()

    def flush(self) -> None:
        """Save now if anything is unsaved (before moving on, closing, or on the timers)."""
        if not self.pending:
            return
        self._idle.stop()
        self._max.stop()
        self._save()
