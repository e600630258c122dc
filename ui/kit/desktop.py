"""Handing things to the desktop: opening a folder in the file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

opened: list[Path] = []  # what was asked for, newest last (tests read it; offscreen opens nothing)


def show_in_folder(path: Path) -> bool:
    """Open the folder holding ``path`` (or ``path`` itself if it is a folder)."""
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    opened.append(folder)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
