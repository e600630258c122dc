"""Carries the core's change reports onto the GUI thread as a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.changes import Changes
from app.library import Library


class LibraryBridge(QObject):
    """Views connect to ``changed`` and refresh what the report touches, never poll."""

    changed = Signal(object)  # Changes

    def __init__(self, lib: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        # A signal emitted from a worker thread is queued to this object's (the GUI) thread.
        self._unsubscribe = lib.subscribe(self._emit)

    def _emit(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def detach(self) -> None:
        self._unsubscribe()
