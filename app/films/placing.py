"""Placing a film into the library: its cache folder (thumbnails, waveform) and, unless it is
linked, its copy, renamed into ``cache/`` and ``media/``. Film imports, finished imports and
bundles all place films through ``place``.

An import killed at any moment leaves the library as if it had never started on that film.

A film is made in its own work folder under ``.tmp/`` (named after the importing process),
then its files are renamed into ``cache/`` and ``media/`` and one database change records it.
A kill before the renames leaves only the work folder, which the next opening of the library
clears (``Library._clear_tmp``). A kill between the renames and the database change would leave
files no film points at (a copy of a sensitive film nobody can see or delete), so before
renaming, the import writes down where its files are going (``note_placing``); the next
opening removes them unless a film with that content was recorded. The work folder also
names the film, so the next command can say which import was cut short (``film_name``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from sqlalchemy import select

from app.models import Film
from media import oslayer
from media.files import storage_error

NOTE = "placing.json"
SOURCE = "source.txt"
_UNSAFE = re.compile(r"[^\w.\- ]+")


def managed_name(sha: str, source: Path) -> str:
    """The name of a film's copy in ``media/``: its content key, then its own name made safe
    (for every system: a library made on Linux opens on Windows)."""
    return oslayer.safe_file_name(f"{sha[:12]}-{_UNSAFE.sub('_', source.name)}", limit=133)


def place(lib, work: Path, sha: str, cache: Path, copy: Path | None, source: Path) -> tuple[Path | None, list[Path]]:
    """Rename the film's ``cache`` folder, and its ``copy`` (None: a linked film keeps its own
    file), into the library; where they go is written down in ``work`` first. Returns where
    the copy went and every path placed, to ``remove`` if the database change fails."""
    cache_dest = lib.cache_dir(sha)
    media_dest = None if copy is None else lib.media_dir / managed_name(sha, source)
    placed: list[Path] = []
    try:
        # A kill before the film is recorded must not leave these in the library.
        note_placing(work, sha, [cache_dest] + ([media_dest] if media_dest else []))
        if cache_dest.exists():  # left by an import that was undone
            shutil.rmtree(cache_dest)
        oslayer.replace(cache, cache_dest)
        placed.append(cache_dest)
        if media_dest is not None:
            oslayer.replace(copy, media_dest)
            placed.append(media_dest)
    except OSError as exc:
        remove(placed)
        raise storage_error(exc, media_dest or cache_dest) from exc
    return media_dest, placed


def remove(paths: list[Path]) -> None:
    """Take back what ``place`` put in (the database change that would record it failed)."""
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def note_source(work: Path, source: Path) -> None:
    (work / SOURCE).write_text(source.name, encoding="utf-8")


def film_name(work: Path) -> str | None:
    try:
        return (work / SOURCE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def note_placing(work: Path, sha: str, paths: list[Path]) -> None:
    """Written (and flushed to disk) before the first rename into place."""
    part = work / (NOTE + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        json.dump({"sha256": sha, "paths": [str(p) for p in paths]}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, work / NOTE)


def read_note(work: Path) -> list[dict]:
    try:
        return [json.loads((work / NOTE).read_text(encoding="utf-8"))]
    except (OSError, ValueError):
        return []


def remove_unrecorded(lib, notes: list[dict]) -> int:
    """Remove the placed files of killed imports whose film was never recorded; returns how
    many files or folders went. Only paths inside the library's cache and media folders."""
    removed = 0
    allowed = (lib.root / "cache", lib.media_dir)
    for note in notes:
        with lib.read() as s:
            if s.scalars(select(Film.id).where(Film.sha256 == note.get("sha256"))).first() is not None:
                continue  # recorded after all: the files are the film's
        for path in map(Path, note.get("paths", [])):
            if path.parent not in allowed:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
            elif path.exists():
                path.unlink(missing_ok=True)
                removed += 1
    return removed
