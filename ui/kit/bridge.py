"""What every view is given: the library, its change reports as a Qt signal on the GUI thread,
and the one operation runner (``bridge.runner``) through which views change the library."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from app.changes import Changes
from app.library import Library
from app.outside_changes import OutsideChanges
from ui.kit.operations import OperationRunner

OUTSIDE_POLL_MS = 1000  # a command typed in a terminal shows in the window within a second


class LibraryBridge(QObject):
    """Views connect to ``changed`` and refresh what the report touches, never poll."""

    changed = Signal(object)  # Changes
    # Another process (the command line, another window) changed the library: what it changed
    # is not known here, so the views read everything again.
    changed_elsewhere = Signal()

    def __init__(self, lib: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.runner = OperationRunner(lib, parent)
        # A signal emitted from a worker thread is queued to this object's (the GUI) thread.
        self._unsubscribe = lib.subscribe(self._emit)
        self.outside = OutsideChanges(lib)
        self._poll = QTimer(self)
        self._poll.setInterval(OUTSIDE_POLL_MS)
        self._poll.timeout.connect(self.look_outside)
        if self.outside.watching:
            self._poll.start()
        # A team library: the other computers' notices wake the window the moment they arrive
        # (the timer stays, for a connection that was lost and made again).
        self._woken: QSocketNotifier | None = None
        self._watch_socket()

    def _watch_socket(self) -> None:
        fd = self.outside.fileno()
        if self._woken is not None and self._woken.socket() != fd:
            self._woken.setEnabled(False)
            self._woken.deleteLater()
            self._woken = None
        if fd is not None and self._woken is None:
            self._woken = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            self._woken.activated.connect(self.look_outside)

    def _emit(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def look_outside(self, *_args) -> bool:
        news = self.outside.poll()
        self._watch_socket()
        if news:
            self.changed_elsewhere.emit()
            return True
        return False

    def detach(self) -> None:
        self._poll.stop()
        if self._woken is not None:
            self._woken.setEnabled(False)
        self.outside.close()
        self._unsubscribe()
