"""People who appear on film, their role and consent scope, and where they appear."""

from __future__ import annotations

from sqlalchemy import func, select

from media.errors import BadInput
from app.library import Library
from app.models import Appearance, Clip, CONSENT_SCOPES, ExportRecord, Person, ReelItem, ROLES, utcnow
from app.ops import lookup

ROLE_ALIASES = {"lived experience": "lived_experience", "lived-experience": "lived_experience", "person with lived experience": "lived_experience"}


def check_role(role: str) -> str:
    role = ROLE_ALIASES.get(role.strip().lower(), role.strip().lower())
    if role not in ROLES:
        raise BadInput(f"role {role!r}: must be one of {', '.join(ROLES)}")
    return role


def check_consent(consent: str) -> str:
    consent = consent.strip().lower()
    if consent not in CONSENT_SCOPES:
        raise BadInput(f"consent {consent!r}: must be one of {', '.join(CONSENT_SCOPES)}")
    return consent


def add(lib: Library, name: str, role: str, consent: str = "none") -> int:
    name, role, consent = lookup.check_name(name, "person"), check_role(role), check_consent(consent)
    with lib.op(f"Add person {name}") as s:
        if s.scalars(select(Person).where(func.lower(Person.name) == name.lower())).first():
            raise BadInput(f"person {name!r}: already in this library")
        person = Person(name=name, role=role, consent=consent)
        s.add(person)
        s.flush()
        return person.id


def appears(lib: Library, person_ref, film_refs: list) -> list[int]:
    """Record that a person appears in films; returns the film ids."""
    with lib.op("Add appearance") as s:
        person = lookup.person(s, person_ref)
        film_ids = []
        for ref in film_refs:
            film = lookup.film(s, ref)
            exists = s.scalars(
                select(Appearance).where(Appearance.person_id == person.id, Appearance.film_id == film.id)
            ).first()
            if exists is None:
                s.add(Appearance(person_id=person.id, film_id=film.id))
            film_ids.append(film.id)
        return film_ids


def withdraw(lib: Library, person_ref) -> dict:
    """Consent withdrawn: scope becomes none; returns the reels and exports showing them."""
    with lib.op("Withdraw consent") as s:
        person = lookup.person(s, person_ref)
        person.consent = "none"
        person.consent_withdrawn_at = utcnow()
        film_ids = select(Appearance.film_id).where(Appearance.person_id == person.id)
        reel_ids = set(
            s.scalars(select(ReelItem.reel_id).join(Clip, Clip.id == ReelItem.clip_id).where(Clip.film_id.in_(film_ids)))
        )
        exports = s.scalars(select(ExportRecord).where(ExportRecord.reel_id.in_(reel_ids))).all() if reel_ids else []
        return {
            "person": person.name,
            "reels": sorted(reel_ids),
            "exports": [{"id": e.id, "path": e.path, "reel_id": e.reel_id} for e in exports],
        }
