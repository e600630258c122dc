"""Reads for the GUI: each opens its own session and returns plain records (or ids), so
views never hold a session or an ORM object (the CLI uses ``app.queries`` the same way).

A stale id (a clip deleted by undo in another view) raises ``NotFound`` where one thing is
asked for, and is skipped where a list is asked for.
"""

from __future__ import annotations

from app import queries
from app.queries import ClipFilter
from app.records import ClipRecord, FilmRecord
from media.errors import NotFound


def films(lib, film_ids: list[int] | None = None) -> list[FilmRecord]:
    with lib.read() as s:
        return queries.film_records(s, lib.root, film_ids)


def film_or_none(lib, film_id: int) -> FilmRecord | None:
    found = films(lib, [film_id])
    return found[0] if found else None


def film(lib, film_id: int) -> FilmRecord:
    found = film_or_none(lib, film_id)
    if found is None:
        raise NotFound(f"film {film_id}: no longer in the library")
    return found


def clip_ids(lib, filt: ClipFilter | None = None) -> list[int]:
    with lib.read() as s:
        return queries.clip_ids(s, filt)


def clips(lib, ids: list[int]) -> list[ClipRecord]:
    with lib.read() as s:
        return queries.clip_records(s, list(ids))


def clip(lib, clip_id: int) -> ClipRecord:
    found = clips(lib, [clip_id])
    if not found:
        raise NotFound(f"clip {clip_id}: no longer in the library (deleted or undone)")
    return found[0]


def film_clips(lib, film_id: int) -> list[ClipRecord]:
    with lib.read() as s:
        return queries.clip_records(s, queries.clip_ids(s, ClipFilter(film_ids=[film_id])))
