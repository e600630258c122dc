"""Events: the workshops and sessions that films belong to."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import db
from app.library import Library
from app.models import Event, Film
from app.lookup import check_name
from app.wording import plural


def get_or_create(session: Session, name: str) -> Event:
    name = check_name(name, "event")

    def find() -> Event | None:
        return session.scalars(select(Event).where(func.lower(Event.name) == name.lower())).first()

    found = find()
    if found is None:  # two computers making the same new event at once: both get the one
        found = db.add_unique(session, Event(name=name), find)
    return found


def add(lib: Library, name: str, date: dt.date | None = None, place: str = "") -> int:
    with lib.op(f"Add event “{name}”") as s:
        event = get_or_create(s, name)
        event.date, event.place = date, place
        s.flush()
        return event.id


def adopt(lib: Library, film_ids: list[int], name: str) -> dict[int, str]:
    """Films found already in the library while importing into event ``name``: those in no
    event join it (one undoable step); those in another event stay there. Says which, by film."""
    notes: dict[int, str] = {}
    with lib.read() as s:
        films = list(s.scalars(select(Film).where(Film.id.in_(film_ids))))
        wanted = s.scalars(select(Event).where(func.lower(Event.name) == check_name(name, "event").lower())).first()
        free = [f.id for f in films if f.event_id is None]
        for f in films:
            if f.event_id is not None and (wanted is None or f.event_id != wanted.id):
                notes[f.id] = f"in event {f.event.name!r}, left there"
    if free:
        with lib.op(f"Put {plural(len(free), 'film')} in event “{name}”") as s:
            event = get_or_create(s, name)
            for film in s.scalars(select(Film).where(Film.id.in_(free))):
                film.event = event
        notes.update({i: f"now in event {name!r}" for i in free})
    return notes


# -- which event a batch of films belongs to ----------------------------------------------------
# Folder names a phone, camera or computer gives: they say nothing about the workshop.
GENERIC_FOLDERS = {"dcim", "camera", "videos", "video", "movies", "movie", "films", "downloads", "desktop",
                   "documents", "pictures", "photos", "new folder", "untitled folder", "import", "imports",
                   "recordings", "clips", "media", "private", "avchd", "stream", "100media", "100apple",
                   "100andro", "101apple", "camera roll", "screen recordings"}


@dataclass(frozen=True)
class EventProposal:
    name: str  # "" when nothing suggests one
    why: str  # said beside the proposal ("the folder's name", "already holds films of that day")
    day: dt.date | None  # the day most of the films were recorded
    films: int
    on_other_days: int  # films whose clock says another day (a phone set wrong)


def _generic(name: str) -> bool:
    simple = name.strip().lower()
    return simple in GENERIC_FOLDERS or simple.isdigit() or (len(simple) <= 8 and simple[:3].isdigit())


def propose(lib: Library, folders: list[Path], days: list[dt.date]) -> EventProposal:
    """The event a batch of films (``days``: the day each was recorded, where it was filmed)
    dropped as ``folders`` (may be empty: files picked one by one) most likely belongs to:

    1. an event that already holds films recorded on the batch's day (a second phone's folder
       of the same workshop);
    2. the name of the folder, unless it is a name a device gives (DCIM, 100APPLE, Videos…);
    3. "Workshop <day>".
    """
    counted = Counter(days)
    day = counted.most_common(1)[0][0] if counted else None
    others = sum(n for d, n in counted.items() if d != day)
    if day is not None:
        with lib.read() as s:
            rows = s.execute(select(Event.name, Film.recorded_at, Film.recorded_offset_min).join(Film.event)
                             .where(Film.recorded_at.is_not(None))).all()
        held = Counter(name for name, utc, offset in rows if _local_day(utc, offset) == day)
        if held:
            name = held.most_common(1)[0][0]
            return EventProposal(name, f"it already holds films of {day:%a %d %b %Y}", day, len(days), others)
    named = [f.name for f in folders if f.name and not _generic(f.name)]
    if len(set(named)) == 1:
        return EventProposal(named[0], "the folder's name", day, len(days), others)
    if day is not None:
        return EventProposal(f"Workshop {day.isoformat()}", "the day the films were recorded", day, len(days), others)
    return EventProposal("", "", None, len(days), others)


def _local_day(utc: dt.datetime, offset_min: int | None) -> dt.date:
    aware = utc.replace(tzinfo=dt.timezone.utc)
    local = aware.astimezone() if offset_min is None else aware.astimezone(dt.timezone(dt.timedelta(minutes=offset_min)))
    return local.date()
