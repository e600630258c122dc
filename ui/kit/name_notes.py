"""What the name guard says about a first name (a warning, not a refusal), shown once the
export is done: the worker collects the notes, the window shows them in one box."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class NameNotes:
    """Pass as ``note=`` to an export running on a worker; ``show`` it on success."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def __call__(self, message: str) -> None:
        self.notes.append(message)  # list.append is atomic: safe from the worker thread

    def show(self, parent: QWidget | None) -> QMessageBox | None:
        if not self.notes:
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, "Check the words that went out",
                          "The export was written. Check these words before sharing it:\n\n• "
                          + "\n• ".join(self.notes), QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("nameNotes")
        box.open()
        return box
