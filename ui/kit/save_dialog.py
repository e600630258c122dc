"""Asking where to write an export: starts in the folder used last time (remembered across
sessions), else the library's exports folder. A file already there is replaced only if the
person said so in Qt's "Replace?" question (``replace_agreed``); the core still never replaces
footage."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

KEY = "export/folder"
_agreed: set[str] = set()  # paths the person chose in the dialog (an existing one: "Replace?" said yes)


def last_folder(fallback: Path) -> Path:
    value = QSettings().value(KEY)
    folder = Path(str(value)) if value else None
    return folder if folder is not None and folder.is_dir() else fallback


def remember(path: Path) -> None:
    QSettings().setValue(KEY, str(Path(path).parent))


def ask_save_path(parent: QWidget, title: str, file_name: str, filters: str, fallback: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, str(last_folder(fallback) / file_name), filters)
    if not name:
        return None
    remember(Path(name))
    _agreed.add(str(Path(name)))
    return Path(name)


def replace_agreed(path: Path) -> bool:
    """Whether ``path`` came from the save dialog as it is (so replacing it was agreed)."""
    return str(Path(path)) in _agreed
