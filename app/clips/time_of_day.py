"""Finding clips by the time of day they were filmed ("the 11:00 role-play"): a clip's time is
its film's recording time plus where the clip starts, read in the zone where it was filmed
(when the file says) or else this computer's zone."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Clip, Film
from media.errors import BadInput
from media.reading.recorded_time import RecordedTime

WINDOW_MIN = 30  # a clip within half an hour either side counts
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")  # ASCII digits only: int() would take '١١' and '１１'
_HOUR = re.compile(r"[0-9]{1,2}")


def parse_clock(text: str, what: str = "--at ", hour_alone: bool = False) -> int:
    """Minutes after midnight from ``HH:MM`` (``what`` names the field in the message). An hour
    alone ("11") is taken only with ``hour_alone`` (the Filmed-at box, which shows at once the
    time it filters on); the command line says what it wants instead of guessing."""
    raw = str(text).strip()
    shown = repr(raw) if not raw.isprintable() or not raw.isascii() else raw
    if _HOUR.fullmatch(raw) and int(raw) <= 23:
        if hour_alone:
            return int(raw) * 60
        raise BadInput(f"{what}{raw}: give the time of day as HH:MM ({int(raw):02d}:00 for {int(raw)} o'clock)")
    match = _CLOCK.fullmatch(raw)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadInput(f"{what}{shown}: not a time of day (give HH:MM with digits 0-9, e.g. 11:00)")
    return int(match.group(1)) * 60 + int(match.group(2))


def film_recorded(film: Film) -> RecordedTime | None:
    if film.recorded_at is None:
        return None
    return RecordedTime(film.recorded_at, film.recorded_offset_min, film.recorded_source or "file")


def clip_filmed_at(film: Film, start_us: int) -> dt.datetime | None:
    """When a clip starting ``start_us`` into ``film`` was filmed, in the zone it was filmed in."""
    when = film_recorded(film)
    return None if when is None else when.local() + dt.timedelta(microseconds=start_us)


def clips_at(session: Session, minute_of_day: int, window_min: int = WINDOW_MIN,
             among: list[int] | None = None) -> list[int]:
    """Ids of clips filmed within ``window_min`` of that time of day (any date), nearest first
    (only those in ``among``, if given)."""
    found = []
    query = select(Clip.id, Clip.start_us, Clip.end_us, Film).join(Film, Clip.film_id == Film.id)
    if among is not None:
        query = query.where(Clip.id.in_(among))
    for clip_id, start_us, end_us, film in session.execute(query):
        start = clip_filmed_at(film, start_us)
        if start is None:
            continue
        midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
        a = (start - midnight).total_seconds() / 60
        b = a + (end_us - start_us) / 60_000_000
        distance = 0.0 if a <= minute_of_day <= b else min(abs(a - minute_of_day), abs(b - minute_of_day))
        if distance <= window_min:
            found.append((distance, a, clip_id))
    return [clip_id for _d, _a, clip_id in sorted(found)]
