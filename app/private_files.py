"""A library holds names, roles and consent of people who use mental-health services: only its
owner may read it. Folders 700, the database and its -wal/-shm files 600, whatever the umask;
an older library is tightened when it is opened."""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
PRIVATE_FOLDERS = ("media", "cache", "exports", ".tmp")
DATABASE_FILES = ("library.db", "library.db-wal", "library.db-shm")


def make_folder(path: Path) -> None:
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _chmod(path, FOLDER_MODE)


def create_database_file(path: Path) -> None:
    """Create an empty database file 600 before SQLite does (it would use the umask, often 644;
    SQLite then gives the -wal and -shm files the database file's mode)."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))


def tighten(root: Path, database: Path | None = None) -> None:
    """Folders of the library 700, database files 600 (only what is too open is changed)."""
    _chmod(root, FOLDER_MODE)
    for name in PRIVATE_FOLDERS:
        _chmod(root / name, FOLDER_MODE)
    for name in DATABASE_FILES:
        _chmod(root / name, FILE_MODE)
    if database is not None:  # a SQLite file given by URL, elsewhere
        for suffix in ("", "-wal", "-shm"):
            _chmod(Path(str(database) + suffix), FILE_MODE)


def tighten_file(path: Path) -> None:
    """One file only its owner may read (600), if it is more open than that."""
    _chmod(path, FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if stat.S_IMODE(st.st_mode) & ~mode:  # group or others may read: take that away
        try:
            os.chmod(path, stat.S_IMODE(st.st_mode) & mode)
        except OSError:
            pass  # not ours to change, or a read-only disk: the owner's choice stands
