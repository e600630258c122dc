"""Start the GUI: the QApplication, the library to open, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from media.errors import ProtoReelError
from app.library import Library, default_library_dir
from ui.kit import fonts


def library_to_open(explicit: Path | None) -> Path:
    if explicit:
        return explicit
    last = QSettings().value("library/last")
    return Path(last) if last else default_library_dir()


class AppController:
    """Owns the open library and its window; File → Open swaps both."""

    def __init__(self, database_url: str | None = None) -> None:
        self.database_url = database_url
        self.lib: Library | None = None
        self.window = None

    def open(self, folder: Path) -> bool:
        from ui.shell.main_window import MainWindow

        try:
            lib = Library.open(folder, self.database_url)
        except ProtoReelError as exc:
            QMessageBox.warning(self.window, "ProtoReel", str(exc))
            return False
        old_window, old_lib = self.window, self.lib
        self.lib, self.window = lib, MainWindow(lib)
        self.window.library_requested.connect(self.open)
        QSettings().setValue("library/last", str(lib.root))
        self.window.show()
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_lib is not None:
            old_lib.close()
        return True


def run(library: Path | None = None, database_url: str | None = None, present: int | None = None) -> int:
    from ui.shell import diagnostics

    log_path = diagnostics.setup_logging()
    if not os.environ.get("PROTOREEL_LOG_TO_TERMINAL"):
        print(f"ProtoReel: messages go to {log_path.parent}", file=sys.stderr)
        diagnostics.redirect_native_output()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("ProtoReel")
    app.setApplicationName("ProtoReel")
    fonts.ensure()  # the presentation and the PDF summary draw in the fonts that ship with the app
    controller = AppController(database_url)
    diagnostics.install_excepthook(lambda: controller.window)
    if not controller.open(library_to_open(library)):
        return 1
    if not os.environ.get("PROTOREEL_LOG_TO_TERMINAL"):
        diagnostics.quiet_qt_ffmpeg()  # the window's player has loaded Qt's FFmpeg by now
    if present is not None:  # `protoreel present`: straight into the review
        controller.window.present_review(present)
    try:
        return app.exec()
    finally:
        if controller.lib is not None:
            controller.lib.close()
