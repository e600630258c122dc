"""Events: the workshops and sessions that films belong to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import db
from app.library import Library
from app.models import Event
from app.lookup import check_name


def get_or_create(session: Session, name: str) -> Event:
    name = check_name(name, "event")

    def find() -> Event | None:
        return session.scalars(select(Event).where(func.lower(Event.name) == name.lower())).first()

    found = find()
    if found is None:  # two computers making the same new event at once: both get the one
        found = db.add_unique(session, Event(name=name), find)
    return found


def add(lib: Library, name: str, date: dt.date | None = None, place: str = "") -> int:
    with lib.op(f"Add event {name}") as s:
        event = get_or_create(s, name)
        event.date, event.place = date, place
        s.flush()
        return event.id


def adopt(lib: Library, film_ids: list[int], name: str) -> dict[int, str]:
    """Films found already in the library while importing into event ``name``: those in no
    event join it (one undoable step); those in another event stay there. Says which, by film."""
    from app.models import Film

    notes: dict[int, str] = {}
    with lib.read() as s:
        films = list(s.scalars(select(Film).where(Film.id.in_(film_ids))))
        wanted = s.scalars(select(Event).where(func.lower(Event.name) == check_name(name, "event").lower())).first()
        free = [f.id for f in films if f.event_id is None]
        for f in films:
            if f.event_id is not None and (wanted is None or f.event_id != wanted.id):
                notes[f.id] = f"in event {f.event.name!r}, left there"
    if free:
        with lib.op(f"Put {len(free)} film(s) in event {name}") as s:
            event = get_or_create(s, name)
            for film in s.scalars(select(Film).where(Film.id.in_(free))):
                film.event = event
        notes.update({i: f"now in event {name!r}" for i in free})
    return notes
