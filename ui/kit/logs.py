"""Where the app's logs are: the user's log folder (``PROTOREEL_LOG_DIR`` instead, for tests).
The error dialog names the file; Help → Where is my library? shows the folder.

Logs name films, folders and sometimes what went wrong with whose clip: like the library,
only their owner may read them. The folder is 700 and every log file 600, whatever the umask
(``app.private_files``; an older 755/644 log folder of ours is tightened; a folder given by
``PROTOREEL_LOG_DIR`` keeps its mode unless it is made here)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app import private_files


def log_dir() -> Path:
    env = os.environ.get("PROTOREEL_LOG_DIR")
    return Path(env) if env else Path(platformdirs.user_log_dir("ProtoReel", appauthor=False))


def log_file() -> Path:
    return log_dir() / "protoreel.log"


def private_log_dir() -> Path:
    """The log folder, made (or, when it is the app's own, tightened) to 700."""
    return private_files.private_folder(log_dir(), ours=not os.environ.get("PROTOREEL_LOG_DIR"))


def open_log(path: Path, buffering: int = -1):
    """A log file opened for appending, created 600 and kept 600."""
    return private_files.open_private(path, "a", buffering=buffering)


def private_opener(path, flags: int) -> int:
    """``open(..., opener=private_opener)``: a new file is made 600, not by the umask."""
    return os.open(path, flags, private_files.FILE_MODE)
