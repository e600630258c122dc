"""Start the GUI: the QApplication, the library to open, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from media.errors import ProtoReelError
from app.library import Library, default_library_dir
from app.team import opening
from app.team.machine import library_key
from ui.kit import fonts


def library_to_open(explicit: Path | None) -> Path:
    if explicit:
        return explicit
    last = QSettings().value("library/last")
    return Path(last) if last else default_library_dir()


def team_to_reopen() -> tuple[str, Path] | None:
    """The team library open when the app last closed, if this computer still knows its media
    root (remembered without any password: one in ~/.pgpass still works)."""
    url = QSettings().value("library/last_team") or ""
    if not url:
        return None
    try:
        return url, opening.media_root_for(url, None)
    except ProtoReelError:
        return None


class AppController:
    """Owns the open library and its window; File → Open swaps both."""

    def __init__(self) -> None:
        self.lib: Library | None = None
        self.window = None

    def open(self, folder: Path, database_url: str | None = None) -> bool:
        """Open a library folder (or, with ``database_url``, a team library whose media root
        on this computer is ``folder``) in a new window, closing the old one."""
        from ui.shell.main_window import MainWindow

        try:
            lib = Library.open(folder, database_url)
        except ProtoReelError as exc:
            QMessageBox.warning(self.window, "ProtoReel", str(exc))
            return False
        old_window, old_lib = self.window, self.lib
        self.lib, self.window = lib, MainWindow(lib)
        self.window.library_requested.connect(self.open)
        self.window.team_library_requested.connect(lambda url, root: self.open(root, url))
        QSettings().setValue("library/last", str(lib.root))
        QSettings().setValue("library/last_team", library_key(lib.url) if lib.team else "")
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
    controller = AppController()
    diagnostics.install_excepthook(lambda: controller.window)
    team = team_to_reopen() if library is None and database_url is None else None
    opened = controller.open(team[1], team[0]) if team else controller.open(library_to_open(library), database_url)
    if not opened:
        return 1
    if present is not None:  # `protoreel present`: straight into the review
        controller.window.present_review(present)
    try:
        return app.exec()
    finally:
        if controller.lib is not None:
            controller.lib.close()
