"""Start the GUI: the QApplication, the library to open, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import ProtoReelError
from app.library import Library, default_library_dir


def library_to_open(explicit: Path | None) -> Path:
    if explicit:
        return explicit
    last = QSettings().value("library/last")
    return Path(last) if last else default_library_dir()


def run(library: Path | None = None, database_url: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("ProtoReel")
    app.setApplicationName("ProtoReel")
    from ui.main_window import MainWindow

    try:
        lib = Library.open(library_to_open(library), database_url)
    except ProtoReelError as exc:
        QMessageBox.critical(None, "ProtoReel", str(exc))
        return 1
    QSettings().setValue("library/last", str(lib.root))
    window = MainWindow(lib)
    window.show()
    try:
        return app.exec()
    finally:
        lib.close()
