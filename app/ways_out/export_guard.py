"""Where an export may be written: never onto a film of a library we know, a file the export
is reading, or anything inside a library folder except its ``exports/``.

Every writer of files the user names (reels in every format, their manifest, the evidence
CSV and report, the codebook) asks here first, so the GUI and the command line are guarded
alike. Files and folders are compared by device and inode, not by spelling: a symlink, a hard
link, ``..`` or another letter case (case-insensitive disks) cannot slip past. A path that
does not exist yet is compared, case-folded, with the films' recorded paths too (a missing
film's place must stay free for it).

A file already at the destination is never replaced unless asked (``replace``: the GUI's save
dialog asked "Replace?", or ``--replace`` on the command line), and even then a picture, sound
or video file is replaced only when it is one of this library's own earlier exports: a phone's
film not yet imported is footage too. Read-only files and folders are refused by their mode
bits, not by ``access()``, which says yes to everything when run as root.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Iterable

from sqlalchemy import select

from media import oslayer
from media.errors import BadInput, FolderUnusable
from app.ways_out import known_libraries
from media.reading import media_sniff
from media.safe_io import regular_file
from app.library import Library, default_library_dir
from app.models import Film

MAX_NAME_BYTES = 200  # a file name is at most 255 bytes; the hidden temporary name adds ~45
MAX_PATH_CHARS = 3000


def check_output(lib: Library, out: Path | str, reading: Iterable[Path | str] = (), replace: bool = False) -> Path:
    """The absolute path to write, or ``BadInput`` saying why it may not be written."""
    out = Path(out).expanduser().absolute()
    _check_name(out)
    folder = out.parent
    if not folder.is_dir():
        raise FolderUnusable(f"{folder}: the folder does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or not _mode_writable(folder):
        raise FolderUnusable(f"{folder}: this folder cannot be written to (permission denied)")
    if out.is_dir():
        raise BadInput(f"{out}: is a folder; give a file name to export to")
    roots = _known_libraries(lib)
    _check_folder(out, roots)
    _check_file(out, lib, roots, reading)
    _check_existing(out, lib, replace)
    return out


def _mode_writable(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & 0o222)
    except OSError:
        return False


def _check_existing(out: Path, lib: Library, replace: bool) -> None:
    if not os.path.lexists(out):
        return
    regular_file(out, "an export replaces only a file")  # a FIFO or a device: never opened, never replaced
    if not replace:
        raise BadInput(f"{out}: a file is already there; choose another name, or replace it (--replace)")
    if not _mode_writable(out):
        raise BadInput(f"{out}: the file there is read-only; it is not replaced")
    if media_sniff.is_media(out) and not _earlier_export(lib, out):
        raise BadInput(f"{out}: a picture, sound or video file ProtoReel did not export is there (it may be "
                       "footage); it is never replaced, choose another name")


def _earlier_export(lib: Library, out: Path) -> bool:
    """Whether ``out`` is where this library logged one of its exports."""
    from app.models import ExportRecord

    with lib.read() as s:
        logged = list(s.scalars(select(ExportRecord.path)))
    mine = _identity(out)
    return any(_identity(Path(p)) == mine for p in logged if p)


def _check_name(out: Path) -> None:
    name = out.name
    if any(not ch.isprintable() for ch in name):
        raise BadInput(f"{str(out)!r}: an export name cannot contain control characters")
    problem = oslayer.export_name_problem(name)  # Windows' rules (CON, a:b, a trailing dot) where they hold
    if problem:
        raise BadInput(f"{name}: {problem}; choose another file name")
    if len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        raise BadInput(f"{name[:40]}…: the file name is too long ({len(name.encode('utf-8', 'surrogateescape'))} "
                       f"bytes; at most {MAX_NAME_BYTES})")
    if len(str(out)) > MAX_PATH_CHARS:
        raise BadInput(f"{str(out)[:40]}…: the path is too long")


def _identity(path: Path, follow: bool = True) -> tuple[int, int] | None:
    try:
        st = path.stat() if follow else path.lstat()
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _known_libraries(lib: Library) -> list[Path]:
    """This library first, then every other this user has opened here."""
    roots, seen = [lib.root], {_identity(lib.root)}
    for other in (default_library_dir(), *known_libraries.known()):
        other_id = _identity(Path(other)) if (Path(other) / "library.db").exists() else None
        if other_id is not None and other_id not in seen:
            seen.add(other_id)
            roots.append(Path(other))
    return roots


def _check_folder(out: Path, roots: list[Path]) -> None:
    """Inside a library folder only ``exports/`` (and what is below it) may be written."""
    real = out.parent.resolve()  # through symlinks: a link to media/ is media/
    chain = [_identity(p) for p in [real, *real.parents]]
    for root in roots:
        root_id = _identity(root)
        if root_id is None or root_id not in chain:
            continue
        below = chain.index(root_id) - 1  # the folder just inside the library, on the way to ``out``
        if below < 0 or chain[below] != _identity(root / "exports"):
            raise BadInput(f"{out}: inside the library folder {root}; exports go to its exports/ "
                           "folder or anywhere outside the library")


def _check_file(out: Path, lib: Library, roots: list[Path], reading: Iterable[Path | str]) -> None:
    protected = [Path(p) for p in reading]
    with lib.read() as s:
        films = list(s.scalars(select(Film)))
    protected += [lib.film_path(f) for f in films]
    for root in roots[1:]:
        protected += _films_of(root)
    ids = {i for p in protected for i in (_identity(p), _identity(p, follow=False)) if i is not None}
    spelled = {os.path.normpath(str(p)).casefold() for p in protected}
    targets = {_identity(out), _identity(out, follow=False)} - {None}
    if targets & ids or os.path.normpath(str(out)).casefold() in spelled or _same_content(out, films):
        raise BadInput(f"{out}: is a film of the library or a file this export reads; "
                       "choose another name (the original footage is never overwritten)")


def _same_content(out: Path, films: list[Film]) -> bool:
    """The original a film was copied from is footage too: same size, then same SHA-256."""
    from media.files import hash_file

    try:
        size = out.stat().st_size if out.is_file() else None
    except OSError:
        return False
    hashes = {f.sha256 for f in films if f.size_bytes == size}
    return bool(hashes) and hash_file(out) in hashes


def _films_of(root: Path) -> list[Path]:
    """The films of another library on this computer, read without changing it."""
    try:
        with closing(sqlite3.connect(f"file:{root / 'library.db'}?mode=ro", uri=True, timeout=1)) as conn:
            rows = conn.execute("SELECT path FROM films").fetchall()
    except sqlite3.Error:
        return []
    return [Path(p) if Path(p).is_absolute() else root / p for (p,) in rows]
