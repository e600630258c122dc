"""An event's day: the date most of its films were recorded on, and the films recorded far from
it (a camera whose clock was never set: three years out, or 1 January). The window's Event day
shows those apart, above the day; ``protoreel import --event`` and ``protoreel films --event``
say them in one line (``odd_clocks_said``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from app.records import FilmRecord


def film_span(film: FilmRecord) -> tuple[dt.datetime, dt.datetime] | None:
    """(start, end) as aware local times of where it was filmed, or None if unknown."""
    if not film.recorded_at:
        return None
    start = dt.datetime.fromisoformat(film.recorded_at)
    return start, start + dt.timedelta(microseconds=film.duration_us)


def split_day(spans: dict[int, tuple[dt.datetime, dt.datetime]]) -> tuple[dt.date | None, set[int]]:
    """The event's day (the date most films started on, where they were filmed; a tie goes to
    the one with more film time) and the films outside it: those starting more than a day
    away (a camera whose clock was wrong; a two-day workshop stays together)."""
    if not spans:
        return None, set()
    count = Counter(a.date() for a, _b in spans.values())
    length = Counter()
    for a, b in spans.values():
        length[a.date()] += (b - a).total_seconds()
    day = max(count, key=lambda d: (count[d], length[d], d))
    outside = {i for i, (a, _b) in spans.items() if abs((a.date() - day).days) > 1}
    return day, outside


def _away(start: dt.date, day: dt.date) -> str:
    days = abs((start - day).days)
    if days >= 365:
        years = int(days // 365.25) or 1
        return f"over {years} year{'s' if years != 1 else ''}"
    if days >= 61:
        return f"over {int(days // 30.44)} months"
    return f"{days} days"


def odd_clocks_said(event: str, films: list[FilmRecord]) -> str | None:
    """One line naming the event's films recorded far from its day (what the Event day shows
    apart), or None when every film is on the day (or only one film has a time)."""
    spans = {f.id: span for f in films if (span := film_span(f)) is not None}
    if len(spans) < 2:
        return None
    day, outside = split_day(spans)
    if not outside or len(outside) == len(spans):
        return None
    titles = {f.id: f.title for f in films}
    named = "; ".join(f"{titles[i]!r} says it was filmed {spans[i][0]:%Y-%m-%d %H:%M}, "
                      f"{_away(spans[i][0].date(), day)} away"
                      for i in sorted(outside, key=lambda i: spans[i][0]))
    return (f"event {event!r}: {named} from the day the event's other films were recorded ({day:%Y-%m-%d}): its "
            "camera's clock may be wrong; set its time in the window's Event day (Correct time…)")
