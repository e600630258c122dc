"""Which files an import takes, and in what order: a dropped folder (several phones' folders,
say) stands for the films inside it, ordered by when each was recorded; files named one by
one keep their order and come first.

A ProtoReel library is never taken for a folder of films: a folder that is a library, or the
library's own films, pictures and scratch space (``media/``, ``cache/``, ``.tmp/``), is
refused (``refusals``); a library met inside a folder being walked is skipped whole. Its
``exports/`` are ordinary files. Only regular files are taken (never a FIFO or a device), and
hidden files and folders are passed over."""

from __future__ import annotations

import os
from pathlib import Path

from media.reading.recorded_time import RecordedTime, recorded_time

DATABASE = "library.db"
INSIDE = ("media", "cache", ".tmp", DATABASE)  # a library's own parts; ``exports/`` is not


def expand_and_order(paths: list[Path | str]) -> list[Path]:
    files: list[Path] = []
    inside: list[Path] = []
    for path in (Path(p).expanduser().absolute() for p in paths):
        if path.is_dir():
            inside.extend(_films_below(path))
        else:
            files.append(path)
    return files + sorted(inside, key=lambda p: (recorded_time(p).utc, p.name))


def _films_below(folder: Path) -> list[Path]:
    if _is_library(folder):
        return []  # refused as a whole (``refusals``)
    found = []
    for top, dirs, names in os.walk(folder):
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _is_library(here / d))
        found += [here / n for n in names if not n.startswith(".") and (here / n).is_file()]
    return found


def _is_library(folder: Path) -> bool:
    try:
        return (folder / DATABASE).is_file()
    except OSError:
        return False


def library_part(path: Path, own_root: Path | None = None) -> str | None:
    """How ``path`` belongs to a library: "is a ProtoReel library", "is inside a ProtoReel
    library" (its films, cache or scratch space), or None (anything else, its exports too)."""
    real = Path(path).expanduser().resolve()
    own = own_root.resolve() if own_root is not None else None
    for root in [real, *real.parents]:
        if root == own or (root.is_dir() and _is_library(root)):
            if root == real:
                return "is a ProtoReel library (its films are in it already)"
            part = real.relative_to(root).parts[0]
            return "is inside a ProtoReel library (its own films and pictures)" if part in INSIDE else None
    return None


def refusals(paths: list[Path | str], own_root: Path | None = None) -> list[tuple[Path, str]]:
    """What an import refuses before it looks at any film: a library or its insides, a folder
    with no films in it. (path, reason) each."""
    out = []
    for path in (Path(p).expanduser().absolute() for p in paths):
        where = library_part(path, own_root)
        if where is not None:
            out.append((path, f"{path}: {where}; nothing was imported from it"))
        elif path.is_dir() and not _films_below(path):
            out.append((path, f"{path}: no films found in this folder; nothing was imported"))
    return out


def recorded_fields(when: RecordedTime) -> dict:
    """The Film columns for when it was recorded."""
    return dict(recorded_at=when.utc, recorded_offset_min=when.offset_min, recorded_source=when.source)
