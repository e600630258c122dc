"""Where the app's logs are: the user's log folder (``PROTOREEL_LOG_DIR`` instead, for tests).
The error dialog names the file; Help → Where is my library? shows the folder.

The logs name films, folders and sometimes people (a film's path, a clip's title in an error):
they are kept as the library is, for its owner only (folder 700, files 600, whatever the umask;
an older folder is tightened when the app starts)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from app.private_files import FILE_MODE, make_folder, tighten_file


def log_dir() -> Path:
    env = os.environ.get("PROTOREEL_LOG_DIR")
    return Path(env) if env else Path(platformdirs.user_log_dir("ProtoReel", appauthor=False))


def log_file() -> Path:
    return log_dir() / "protoreel.log"


def private_log_dir() -> Path:
    """The log folder, made (or tightened) 700, and what it already holds 600."""
    folder = log_dir()
    make_folder(folder)
    for path in folder.iterdir():
        if path.is_file():
            tighten_file(path)
    return folder


def private_opener(path, flags: int) -> int:
    """``open(..., opener=private_opener)``: a new file is made 600, not by the umask."""
    return os.open(path, flags, FILE_MODE)

