"""Events: the workshops and sessions that films belong to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.library import Library
from app.models import Event
from app.ops.lookup import check_name


def get_or_create(session: Session, name: str) -> Event:
    name = check_name(name, "event")
    found = session.scalars(select(Event).where(func.lower(Event.name) == name.lower())).first()
    if found is None:
        found = Event(name=name)
        session.add(found)
        session.flush()
    return found


def add(lib: Library, name: str, date: dt.date | None = None, place: str = "") -> int:
    with lib.op(f"Add event {name}") as s:
        event = get_or_create(s, name)
        event.date, event.place = date, place
        s.flush()
        return event.id
