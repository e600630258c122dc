"""People as plain records for the GUI and the CLI (never ORM objects across the line)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.ways_out import consent_policy
from app.models import Appearance, Film, Person
# The vocabularies the GUI offers: ui/ reads them here, never from app.models.
from app.models import CONSENT_HOW, CONSENT_SCOPES, ROLES  # noqa: F401


@dataclass
class ConsentEntry:
    id: int
    scope: str
    given_on: str | None  # YYYY-MM-DD
    how: str
    notes: str
    withdrawal: bool
    recorded_at: str


@dataclass
class AppearanceEntry:
    film_id: int
    film: str
    ranges: list[tuple[int, int]]  # half-open microseconds of film time; empty: the whole film


@dataclass
class PersonRecord:
    id: int
    name: str
    pseudonym: str
    label: str  # what exports call them
    role: str
    consent: str
    withdrawn_at: str | None
    notes: str
    history: list[ConsentEntry] = field(default_factory=list)
    appearances: list[AppearanceEntry] = field(default_factory=list)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def current(self) -> ConsentEntry | None:
        return self.history[-1] if self.history else None

    def to_json(self) -> dict:
        return asdict(self)


def person_records(session: Session, ids: list[int] | None = None) -> list[PersonRecord]:
    query = (select(Person).order_by(Person.name)
             .options(selectinload(Person.consent_records),
                      selectinload(Person.appearances).selectinload(Appearance.ranges),
                      selectinload(Person.appearances).selectinload(Appearance.film)))
    if ids is not None:
        query = query.where(Person.id.in_(ids))
    out = []
    for p in session.scalars(query):
        out.append(PersonRecord(
            id=p.id, name=p.name, pseudonym=p.pseudonym, label=consent_policy.label(p), role=p.role,
            consent=p.consent, notes=p.notes,
            withdrawn_at=p.consent_withdrawn_at.isoformat(sep=" ", timespec="minutes") if p.consent_withdrawn_at else None,
            history=[ConsentEntry(r.id, r.scope, r.given_on.isoformat() if r.given_on else None, r.how, r.notes,
                                  r.withdrawal, r.recorded_at.isoformat(sep=" ", timespec="minutes"))
                     for r in p.consent_records],
            appearances=[AppearanceEntry(a.film_id, a.film.title, [(r.start_us, r.end_us) for r in a.ranges])
                         for a in sorted(p.appearances, key=lambda a: a.film.title.lower())],
        ))
    return out


def film_choices(session: Session) -> list[tuple[int, str]]:
    return [(f.id, f.title) for f in session.scalars(select(Film).order_by(Film.title))]


def reel_flags(session: Session) -> dict[int, str]:
    """Reels that cannot go out as they are, each with why: someone in them withdrew, or
    their consent does not reach the reel's audience (the GUI flags these reels)."""
    from app.models import Reel

    flags = {}
    for reel in session.scalars(select(Reel).options(selectinload(Reel.items))):
        ids = [i.clip_id for i in reel.items]
        if not ids:
            continue
        result = consent_policy.evaluate(session, reel.audience, ids)
        if not result.ok:
            reasons = sorted({r for rs in result.withheld.values() for r in rs})
            flags[reel.id] = "; ".join(reasons)
    return flags


def reel_titles(session: Session) -> dict[int, str]:
    from app.models import Reel

    return dict(session.execute(select(Reel.id, Reel.title)).all())


def people(lib, ids=None) -> list[PersonRecord]:
    """Everyone (by name), or just the people ``ids`` (what a change named)."""
    with lib.read() as s:
        return person_records(s, None if ids is None else list(ids))


def people_of_appearances(lib, appearance_ids) -> set[int]:
    """Who appears in these appearances (a stretch of film changed names only its appearance)."""
    with lib.read() as s:
        return set(s.scalars(select(Appearance.person_id).where(Appearance.id.in_(list(appearance_ids)))))


def flagged_reels(lib) -> tuple[dict[int, str], dict[int, str]]:
    """Reels that cannot go out as they are (and why), with their titles."""
    with lib.read() as s:
        flags = reel_flags(s)
        return flags, (reel_titles(s) if flags else {})


def any_in_reels(lib, clip_ids) -> bool:
    """Whether any of these clips is in a reel (a changed clip can change a reel's flag)."""
    from app.models import ReelItem

    with lib.read() as s:
        return s.execute(select(ReelItem.id).where(ReelItem.clip_id.in_(list(clip_ids))).limit(1)).first() is not None


def films_to_choose(lib) -> list[tuple[int, str]]:
    with lib.read() as s:
        return film_choices(s)


def film_rate(lib, film_id: int):
    from app import lookup

    with lib.read() as s:
        return lookup.film(s, film_id).fps
