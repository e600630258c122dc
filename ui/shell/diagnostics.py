"""Where the app's chatter and crashes go: a log file in the user's log folder, not the terminal.

- Qt's messages and Python logging go to ``protoreel.log`` (rotated).
- Output of C libraries and child processes on file descriptor 2 (FFmpeg's banners and
  warnings, PulseAudio's complaints) is redirected to the same folder (``output.log``).
- Anything uncaught, on the GUI thread or a worker thread, is logged with its traceback and
  shown in the one error dialog (ui.kit.errors), instead of vanishing or killing the app.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QtMsgType, Signal, qInstallMessageHandler

from app import private_files

from ui.kit.errors import show_error
from ui.kit.logs import log_dir, log_file, open_log, private_log_dir

log = logging.getLogger("protoreel")
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The rotating log, each of its files (the current one and every one rotated) 600."""

    def _open(self):
        return open_log(self.baseFilename)


def setup_logging() -> Path:
    """Python logging and Qt messages into the log file; returns its path."""
    folder = private_log_dir()
    for old in folder.glob("*.log*"):  # written by an older version with the umask's mode
        private_files.private_file(old)
    handler = PrivateRotatingFileHandler(log_file(), maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    qInstallMessageHandler(_qt_message)
    return log_file()


_platform_said: list[str] = []  # what Qt's window-system plugin last complained of


def _qt_message(kind, context, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.INFO), message)
    category = getattr(context, "category", "") or ""
    if category.startswith("qt.qpa") and kind == QtMsgType.QtWarningMsg:
        _platform_said.append(message)  # the first says why ("could not connect to display :0")
    if kind == QtMsgType.QtFatalMsg:
        # Qt would abort() next ("Aborted", exit 134, the reason only in the log): say it in one
        # line on the terminal the app was started from, and end with status 1.
        reason = _platform_said[0] if "platform plugin" in message and _platform_said else message
        reason = " ".join(reason.split())
        what = "no window could be opened" if "platform plugin" in message else "Qt stopped"
        fatal_line(f"ProtoReel: {what} ({reason}); details in {log_dir()}")
        logging.shutdown()
        os._exit(1)


def fatal_line(text: str) -> None:
    """One line on the terminal the app was started from, even after ``redirect_native_output``."""
    fd = _terminal[0] if _terminal else 2
    try:
        os.write(fd, (text + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def redirect_native_output() -> Path:
    """Point file descriptor 2 (C libraries, child processes) at ``output.log``.

    ``os.dup2`` works the same on Windows, macOS and Linux; Python's own ``sys.stderr`` follows
    the descriptor, so a stray print lands there too."""
    path = private_log_dir() / "output.log"
    target = open_log(path, buffering=1)  # lives as long as the app
    sys.stderr.flush()
    if not _terminal:
        try:
            _terminal.append(os.dup(2))  # for a last word (``fatal_line``)
        except OSError:
            pass
    os.dup2(target.fileno(), 2)
    _keep.append(target)
    return path


_keep: list = []
_terminal: list[int] = []


class _Reporter(QObject):
    """Carries an uncaught error from any thread to the GUI thread's error dialog."""

    caught = Signal(object)


_reporter: _Reporter | None = None


def install_excepthook(parent_for_dialog) -> None:
    """``parent_for_dialog()`` returns the widget the dialog belongs to (the main window)."""
    global _reporter
    _reporter = _Reporter()
    _reporter.caught.connect(lambda exc: show_error(parent_for_dialog(), exc, "ProtoReel: unexpected error"))

    def hook(kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("uncaught error", exc_info=(kind, value, tb))
        value.__logged__ = True
        _reporter.caught.emit(value)

    sys.excepthook = hook
    threading.excepthook = lambda args: hook(args.exc_type, args.exc_value, args.exc_traceback)
