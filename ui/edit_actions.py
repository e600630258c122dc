"""Undo and Redo actions named after the step they undo ("Undo Add clip")."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from media.errors import NothingToUndo
from ui.bridge import LibraryBridge
from ui.errors import show_error


class UndoActions:
    def __init__(self, bridge: LibraryBridge, parent: QWidget) -> None:
        self.bridge = bridge
        self.parent = parent
        self.undo = QAction("Undo", parent)
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo.triggered.connect(self._undo)
        self.redo = QAction("Redo", parent)
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo.triggered.connect(self._redo)
        bridge.changed.connect(lambda _c: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        lib = self.bridge.lib
        self.undo.setText(f"Undo {lib.undo_name}" if lib.undo_name else "Undo")
        self.undo.setEnabled(lib.undo_name is not None)
        self.redo.setText(f"Redo {lib.redo_name}" if lib.redo_name else "Redo")
        self.redo.setEnabled(lib.redo_name is not None)

    def trigger_undo(self) -> None:
        self._undo()

    def _undo(self) -> None:
        self._step(self.bridge.lib.undo)

    def _redo(self) -> None:
        self._step(self.bridge.lib.redo)

    def _step(self, step) -> None:
        try:
            step()
        except NothingToUndo:
            pass
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self.parent, exc)
            self.refresh()  # a step refused for another window's work has left the history
        self.refresh()
