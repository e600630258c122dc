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
from ui.kit.logs import log_dir, log_file, open_log, private_log_dir, private_opener

log = logging.getLogger("protoreel")
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The rotating log, each of its files (the current one and every one rotated) 600."""

    def _open(self):
        return open_log(self.baseFilename)


# Noise, quieted where it is made: Qt's player says "No HW decoder found" (info) at every film
# opened on a computer without a video decoder chip; Alembic names its plugins and SQLite's
# transaction style at every library opened. Kept: warnings, errors, each migration run.
QT_RULES = "qt.multimedia.playbackengine.*.info=false\nqt.multimedia.playbackengine.*.debug=false"
QUIET_LOGGERS = {"alembic.runtime.plugins": logging.WARNING}


class SaidOnce(logging.Filter):
    """A message said again and again (Qt's "No audio device detected" at every film opened)
    is written the first time, then counted: "(12 more times since 11:02:13)" at 10, 100…"""

    def __init__(self) -> None:
        super().__init__()
        from ui.shell.quiet_output import Repeats

        self.repeats = Repeats()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR or record.exc_info:
            return True  # errors always, with their details
        said = self.repeats.feed(f"{record.name}: {record.getMessage()}")
        if not said:
            return False
        first = said[-1].split(" ", 1)[1]
        if first != f"{record.name}: {record.getMessage()}":  # a count, not the message itself
            record.msg, record.args = first.split(": ", 1)[1], None
        return True


class _MigrationsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.getMessage().startswith("Running upgrade")


def setup_logging() -> Path:
    """Python logging and Qt messages into the log file; returns its path."""
    from PySide6.QtCore import QLoggingCategory

    folder = private_log_dir()
    for old in folder.glob("*.log*"):  # written by an older version with the umask's mode
        private_files.private_file(old)
    handler = PrivateRotatingFileHandler(log_file(), maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SaidOnce())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger("alembic.runtime.migration").addFilter(_MigrationsOnly())
    QLoggingCategory.setFilterRules(QT_RULES)
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
    """File descriptor 2 (C libraries, child processes) into ``output.log``, repeats counted
    and the file capped (``ui.shell.quiet_output``); Qt's FFmpeg told to keep its file
    descriptions to itself (errors only).

    ``os.dup2`` and pipes work the same on Windows, macOS and Linux; Python's own
    ``sys.stderr`` follows the descriptor, so a stray print lands there too."""
    import atexit
    import faulthandler

    from ui.shell.quiet_output import NativeOutput

    path = private_log_dir() / "output.log"
    sys.stderr.flush()
    if not _terminal:
        try:
            _terminal.append(os.dup(2))  # for a last word (``fatal_line``)
        except OSError:
            pass
    crash = open(log_dir() / "crash.log", "a", encoding="utf-8", opener=private_opener)  # noqa: SIM115 - lives as long as the app
    faulthandler.enable(crash)  # a fatal error's traceback straight to a file, not through the pipe
    _keep.append(crash)
    output = NativeOutput(path)
    _keep.append(output)
    atexit.register(output.close)
    return path


AV_LOG_ERROR = 16


def quiet_qt_ffmpeg() -> bool:
    """Qt's player runs its own FFmpeg, which prints each film's description ("Input #0 …",
    its streams, its path) and warnings at every opening: set it to errors only (repeated
    errors are counted by ``quiet_output``). Called once a player exists (its FFmpeg is loaded
    then, with what it needs); False if that library is not found loaded (then the
    descriptions are written as any line)."""
    import ctypes
    import glob

    import PySide6

    root = Path(PySide6.__file__).parent
    mode = getattr(os, "RTLD_NOLOAD", 0)  # only the copy Qt loaded (Windows: the DLL beside Qt's)
    for pattern in ("Qt/lib/libavutil.so.*", "avutil-*.dll", "Qt/lib/libavutil*.dylib"):
        for found in sorted(glob.glob(str(root / pattern))):
            try:
                ctypes.CDLL(found, mode=mode).av_log_set_level(AV_LOG_ERROR)
                return True
            except (OSError, AttributeError):
                continue
    return False


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
