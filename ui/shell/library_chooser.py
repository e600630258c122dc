"""File → Open or Create Library: pick a library folder, or type the path of a new one.

A folder that exists, holds other things and is not a library gets a library in a new
"ProtoReel Library" folder inside it, so opening (say) Documents never litters it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

NEW_NAME = "ProtoReel Library"


def library_folder_for(typed: str) -> Path | None:
    """The folder to open for what was typed or picked (None for nothing usable)."""
    text = typed.strip()
    if not text:
        return None
    folder = Path(text).expanduser()
    if folder.is_dir() and not (folder / "library.db").exists() and any(folder.iterdir()):
        return folder / NEW_NAME
    return folder


class LibraryChooser(QDialog):
    def __init__(self, current: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryChooser")
        self.setWindowTitle("Open or create a library")
        self.path = QLineEdit(str(current), self)
        self.path.setObjectName("libraryPath")
        self.path.setToolTip("A library folder to open, or the path of a new folder to create a library in")
        browse = QPushButton("Browse…", self)
        browse.setToolTip("Pick an existing folder")
        browse.clicked.connect(self._browse)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Open a library folder, or type a new folder's path to create a library there.", self))
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.path.textChanged.connect(self._explain)
        self._explain()
        self.resize(620, 160)

    def chosen(self) -> Path | None:
        return library_folder_for(self.path.text())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Library folder", self.path.text())
        if folder:
            self.path.setText(folder)

    def _explain(self) -> None:
        target = self.chosen()
        if target is None:
            self.note.setText("")
        elif (target / "library.db").exists():
            self.note.setText(f"Opens the library in {target}.")
        elif target.name == NEW_NAME and target.parent == Path(self.path.text().strip()).expanduser():
            self.note.setText(f"That folder holds other files: a new library will be made in {target}.")
        else:
            self.note.setText(f"A new, empty library will be created in {target}.")
