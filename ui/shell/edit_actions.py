"""Undo and Redo actions named after the step they undo ("Undo Add clip")."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.kit.bridge import LibraryBridge


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

    def _undo(self) -> None:
        # Through the one runner: a refusal (another window's work in the way) is shown the one
        # way, and what was undone is said in the status bar in the words it was done with.
        if self.bridge.lib.undo_name is not None:
            self.bridge.runner.undo()
        self.refresh()  # a step refused for another window's work has left the history

    def _redo(self) -> None:
        if self.bridge.lib.redo_name is not None:
            self.bridge.runner.redo()
        self.refresh()
