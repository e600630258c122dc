"""What every view is given: the library, its change reports as a Qt signal on the GUI thread,
and the one operation runner (``bridge.runner``) through which views change the library."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.changes import Changes
from app.library import Library
from ui.operations import OperationRunner


class LibraryBridge(QObject):
    """Views connect to ``changed`` and refresh what the report touches, never poll."""

    changed = Signal(object)  # Changes

    def __init__(self, lib: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.runner = OperationRunner(lib, parent)
        # A signal emitted from a worker thread is queued to this object's (the GUI) thread.
        self._unsubscribe = lib.subscribe(self._emit)

    def _emit(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def detach(self) -> None:
        self._unsubscribe()
