"""Start the GUI: the QApplication, the library to open, the main window.

What a facilitator waits for is paid for in order: Qt, then a window painted at once (the
start window, ``ui.shell.start_window``), then the database layer and the workspace's modules
and the library (seconds on a busy laptop), then the workspace, shown where the start window
was; reopening the last film and the other start-up work wait for its first paint
(``MainWindow.after_first_paint``). ``bench/window_startup_bench.py`` measures each stage."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from app.library_place import default_library_dir
from ui.kit import fonts
from ui.shell import startup_trace


def protect_settings() -> Path:
    """The settings file (the window's layout, the last library's path, the last export folder)
    made 600 in a 700 folder before anything is written to it: Qt keeps the mode of a file it
    rewrites, but makes a new one by the umask (644). Call once the application has its name."""
    from app import private_files

    path = Path(QSettings().fileName())
    private_files.private_folder(path.parent)  # the app's own folder (ProtoReel/)
    private_files.private_file(path)
    return path


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
    from app.team import opening
    from media.errors import ProtoReelError

    try:
        return url, opening.media_root_for(url, None)
    except ProtoReelError:
        return None


class AppController:
    """Owns the open library and its window; File → Open swaps both."""

    def __init__(self) -> None:
        self.lib = None
        self.window = None
        self.start_window = None

    def open(self, folder: Path, database_url: str | None = None) -> bool:
        """Open a library folder (or, with ``database_url``, a team library whose media root
        on this computer is ``folder``) in a new window, closing the old one."""
        say = self.start_window.say if self.start_window is not None else (lambda _stage: None)
        say("Loading the library's tools…")
        from app.library import Library  # the database layer: a second or more on a busy laptop
        from app.team.machine import library_key
        from media.errors import ProtoReelError

        say("Reading the library…")
        try:
            lib = Library.open(folder, database_url)
        except ProtoReelError as exc:
            self._close_start_window()
            QMessageBox.warning(self.window, "ProtoReel", str(exc))
            return False
        startup_trace.mark("library-open")
        say("Laying out the workspace…")
        from ui.shell.main_window import MainWindow

        old_window, old_lib = self.window, self.lib
        self.lib, self.window = lib, MainWindow(lib)
        startup_trace.mark("window-built")
        self.window.library_requested.connect(self.open)
        self.window.team_library_requested.connect(lambda url, root: self.open(root, url))
        QSettings().setValue("library/last", str(lib.root))
        QSettings().setValue("library/last_team", library_key(lib.url) if lib.team else "")
        self.window.show()
        startup_trace.mark("window-shown")
        self._close_start_window()
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_lib is not None:
            old_lib.close()
        return True

    def _close_start_window(self) -> None:
        if self.start_window is not None:
            self.start_window.close()
            self.start_window.deleteLater()
            self.start_window = None


def run(library: Path | None = None, database_url: str | None = None, present: int | None = None) -> int:
    from ui.shell import diagnostics

    log_path = diagnostics.setup_logging()
    if not os.environ.get("PROTOREEL_LOG_TO_TERMINAL"):
        print(f"ProtoReel: messages go to {log_path.parent}", file=sys.stderr)
        diagnostics.redirect_native_output()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("ProtoReel")
    app.setApplicationName("ProtoReel")
    startup_trace.mark("qt")
    fonts.ensure()  # the presentation and the PDF summary draw in the fonts that ship with the app
    protect_settings()
    controller = AppController()
    diagnostics.install_excepthook(lambda: controller.window)
    team = team_to_reopen() if library is None and database_url is None else None
    if team is None and database_url is None:  # a team library's database is elsewhere: no start window to paint for it
        from ui.shell.start_window import StartWindow

        folder = library_to_open(library)
        controller.start_window = StartWindow(Path(folder), new=not (Path(folder) / "library.db").exists())
        controller.start_window.show_now()
        opened = controller.open(folder)
    else:
        opened = controller.open(team[1], team[0]) if team else controller.open(library_to_open(library), database_url)
    if not opened:
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
