"""Films once they are in the library: rename, move to an event, notice a missing file and
relink a moved one (the same content required). Importing is ``app.films.importing``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from app import lookup, texts
from app.films import events
from app.library import Library
from app.models import Film
from media.errors import BadInput, StorageError
from media.files import hash_file
from media.safe_io import regular_file
from media.jobs import CancelToken


def check_missing(lib: Library) -> list[int]:
    """Mark films whose file is gone as missing (and found ones as present again).

    Returns the ids now missing. Not undoable: it records a fact, not an edit. On a team library
    it is this computer's finding, kept here: another computer may well have the file (two
    computers never flip a shared flag back and forth).
    """
    with lib.read() as s:
        films = s.scalars(select(Film)).all()
        present = {f.id: lib.film_path(f).is_file() for f in films}
        flips = [f.id for f in films if present[f.id] == f.missing]
    if lib.team:
        lib.found_here({film_id: not ok for film_id, ok in present.items()})
        flips = []
    if flips:
        with lib.op("Check for missing files", undoable=False) as s:
            for film_id in flips:
                film = s.get(Film, film_id)
                if film is not None:  # deleted meanwhile: nothing to mark
                    film.missing = not present[film_id]
    return [film_id for film_id, ok in present.items() if not ok]


def relink(lib: Library, film_ref, new_path: Path | str, cancel: CancelToken | None = None) -> int:
    """Point a film at its moved file. The content must be the same (same sha256).

    On a team library a file inside the shared media folder is stored relative to it, for every
    computer; a file elsewhere is where *this* computer plays the film from (kept on this
    computer, ``app.team.machine``): one computer's path never goes into the shared database."""
    new_path = Path(new_path).expanduser().absolute()
    if regular_file(new_path, "a film is read from a file") is None:  # never a FIFO or a device
        raise BadInput(f"{new_path}: file not found")
    with lib.read() as s:
        film = lookup.film(s, film_ref)
        film_id, expected, title = film.id, film.sha256, film.title
    try:
        actual = hash_file(new_path, cancel=cancel)
    except OSError as exc:
        raise StorageError(f"{new_path}: cannot be read ({exc.strerror})") from exc
    if actual != expected:
        raise BadInput(
            f"{new_path}: not the same file as film {title!r} (its content differs); "
            "import it as a new film instead"
        )
    stored = lib.shared_path(new_path)
    if lib.team:
        if stored is None:  # outside the shared folder: where this computer plays it from
            lib.machine.play_here(expected, new_path)
            lib.found_here({film_id: False})
            return film_id
        lib.machine.forget(expected)
    with lib.op(f"Relink {title}") as s:
        film = lookup.by_id(s, Film, film_id)
        film.path = stored
        film.linked = Path(film.path).is_absolute()
        if not lib.team:
            film.missing = False
    if lib.team:
        lib.found_here({film_id: False})
    return film_id


def rename(lib: Library, film_id: int, title: str) -> None:
    title = texts.name(title, "film title", texts.TITLE_CHARS)  # checked before the library is touched
    with lib.op("Rename film") as s:
        lookup.by_id(s, Film, film_id).title = title


def set_event(lib: Library, film_ids: int | list[int], event: str | None) -> None:
    """Put one film, or many at once (one undoable step), in ``event`` (None: in no event)."""
    ids = [film_ids] if isinstance(film_ids, int) else list(dict.fromkeys(film_ids))
    if not ids:
        raise BadInput("move to event: no film chosen")
    what = "film" if len(ids) == 1 else f"{len(ids)} films"
    with lib.op(f"Move {what} to event “{event}”" if event else f"Take {what} out of their event") as s:
        target = events.get_or_create(s, event) if event else None
        for film_id in ids:
            lookup.by_id(s, Film, film_id).event = target


def set_recorded_time(lib: Library, film_id: int, when: dt.datetime) -> None:
    """Correct when a film was recorded (a phone whose clock was set wrong): ``when`` is the
    time it started, aware of the zone it was filmed in (naive: this computer's zone). Undoable;
    the film then says its time was set by hand (``recorded_source`` "corrected")."""
    if when.tzinfo is None:
        when = when.astimezone()
    offset = when.utcoffset()
    utc = when.astimezone(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    if not dt.datetime(1990, 1, 1) < utc < dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + dt.timedelta(days=1):
        raise BadInput(f"recorded time {when:%Y-%m-%d %H:%M}: not a time a film can have been recorded at")
    with lib.read() as s:
        title = lookup.by_id(s, Film, film_id).title
    with lib.op(f"Correct when “{title}” was recorded") as s:
        film = lookup.by_id(s, Film, film_id)
        film.recorded_at = utc
        film.recorded_offset_min = int(offset.total_seconds() // 60) if offset is not None else None
        film.recorded_source = "corrected"
