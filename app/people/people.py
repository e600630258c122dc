"""People who appear on film: role, pseudonym, a dated consent history, where they appear.

Consent is a history of dated records (scope, date, how it was given, notes); the person's
current scope is the latest. A withdrawal is a record too, and it is final: it is not
undoable, and undoing earlier edits of that person can no longer bring their consent back.
Reinstating consent is a new record, made on purpose.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select, true
from sqlalchemy.orm import selectinload

from app.ways_out import consent_policy
from app.library import Library
from app.models import (Appearance, AppearanceRange, Clip, ConsentRecord, CONSENT_SCOPES, ExportPerson,
                        ExportRecord, Person, ReelItem, Review, ReviewItem, Reel, ROLES, utcnow)
from app import lookup
from media.errors import BadInput

ROLE_ALIASES = {"lived experience": "lived_experience", "lived-experience": "lived_experience",
                "person with lived experience": "lived_experience"}


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


def check_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadInput(f"date {value!r}: write it as YYYY-MM-DD") from None
    if day > dt.date.today():
        raise BadInput(f"date {day.isoformat()}: is in the future; give the day consent was given or withdrawn")
    return day


def add(lib: Library, name: str, role: str, consent: str = "none", given_on=None, how: str = "",
        notes: str = "", pseudonym: str = "") -> int:
    name, role, consent = lookup.check_name(name, "person"), check_role(role), check_consent(consent)
    # A scope recorded without a date (none too: "not to be shown" is a decision) was recorded today.
    given_on = check_date(given_on) or dt.date.today()
    with lib.op(f"Add person “{name}”") as s:
        if s.scalars(select(Person).where(func.lower(Person.name) == name.lower())).first():
            raise BadInput(f"person {name!r}: already in this library")
        check_pseudonym(s, name, pseudonym)
        person = Person(name=name, role=role, consent=consent, pseudonym=pseudonym.strip(), notes=notes)
        s.add(person)
        s.flush()
        s.add(ConsentRecord(person_id=person.id, scope=consent, given_on=given_on, how=how.strip()))
        return person.id


def edit(lib: Library, person_ref, name: str | None = None, role: str | None = None,
         pseudonym: str | None = None, notes: str | None = None) -> None:
    """Change what is known about a person (not their consent: that is a new record)."""
    with lib.op("Edit person") as s:
        person = lookup.person(s, person_ref)
        if name is not None and name.strip() != person.name:
            name = lookup.check_name(name, "person")
            clash = s.scalars(select(Person).where(func.lower(Person.name) == name.strip().lower(),
                                                   Person.id != person.id)).first()
            if clash:
                raise BadInput(f"person {name.strip()!r}: already in this library")
            person.name = name.strip()
        if role is not None:
            person.role = check_role(role)
        if pseudonym is not None:
            person.pseudonym = pseudonym.strip()
        if name is not None or pseudonym is not None:
            check_pseudonym(s, person.name, person.pseudonym, person.id)
        if notes is not None:
            person.notes = notes


def check_pseudonym(s, name: str, pseudonym: str, person_id: int | None = None) -> None:
    """A pseudonym goes everywhere the person does instead of their name: it may not hold their
    name (or a word of it), nor anyone else's in the library (the name guard's rules)."""
    from app.ways_out.name_guard import Guard, NameRefused, pseudonym_refusal

    others = s.scalars(select(Person.name).where(Person.id != person_id) if person_id else select(Person.name))
    why = pseudonym_refusal(Guard([*others, name]), name, pseudonym or "")
    if why:
        raise NameRefused(f"person {name!r}: {why}")


def give_consent(lib: Library, person_ref, scope: str, given_on=None, how: str = "", notes: str = "") -> int:
    """A new consent record: widens, narrows or (after a withdrawal) reinstates consent. A
    withdrawal is final in that nothing undoes it; only the person's new consent, given after
    it, brings consent back: that record must say how it was given and be dated on or after the
    withdrawal, and it stays in the history after the withdrawal (which stays too)."""
    scope, given_on = check_consent(scope), check_date(given_on) or dt.date.today()
    with lib.op("Record consent") as s:
        person = lookup.person(s, person_ref)
        if person.consent_withdrawn_at is not None:
            _check_new_consent(s, person, given_on, how)
        record = ConsentRecord(person_id=person.id, scope=scope, given_on=given_on, how=how.strip(), notes=notes)
        s.add(record)
        person.consent = scope
        person.consent_withdrawn_at = None
        s.flush()
        return record.id


def withdrawn_on(session, person) -> dt.date | None:
    """The day of the person's standing withdrawal (its record's date), or None."""
    if person.consent_withdrawn_at is None:
        return None
    day = session.scalars(select(ConsentRecord.given_on).where(
        ConsentRecord.person_id == person.id, ConsentRecord.withdrawal.is_(True)).order_by(ConsentRecord.id.desc())).first()
    return day or person.consent_withdrawn_at.date()


def _check_new_consent(session, person, given_on: dt.date, how: str) -> None:
    """Consent after a withdrawal: the person's new consent, said how it was given, dated after it."""
    day = withdrawn_on(session, person)
    if not how.strip():
        raise BadInput(f"{person.name}: consent was withdrawn on {day:%Y-%m-%d}; to record their new consent, say how "
                       "they gave it again (--how, e.g. 'new written form'); nothing changed")
    if given_on < day:
        raise BadInput(f"{person.name}: consent was withdrawn on {day:%Y-%m-%d}; a new consent dated {given_on:%Y-%m-%d} "
                       "would come before it: give the day they consented again (--date); nothing changed")


def appears(lib: Library, person_ref, film_refs: list, ranges: list[tuple[int, int]] | None = None) -> list[int]:
    """Record that a person appears in films (in the whole film, or only in ``ranges`` of
    film time, half-open microseconds); returns the film ids."""
    for start, end in ranges or []:
        if start < 0 or end <= start:
            raise BadInput(f"range {start}–{end} µs: the end must come after the start")
    with lib.op("Add appearance") as s:
        person = lookup.person(s, person_ref)
        film_ids = []
        for ref in film_refs:
            film = lookup.film(s, ref)
            appearance = s.scalars(
                select(Appearance).where(Appearance.person_id == person.id, Appearance.film_id == film.id)
            ).first()
            if appearance is None:
                appearance = Appearance(person_id=person.id, film_id=film.id)
                s.add(appearance)
                s.flush()
            if ranges:  # only in these stretches (a whole-film appearance is narrowed to them)
                have = {(r.start_us, r.end_us) for r in appearance.ranges}
                for start, end in ranges:
                    if (start, end) not in have:
                        appearance.ranges.append(AppearanceRange(start_us=start, end_us=end))
            else:  # the whole film
                for r in list(appearance.ranges):
                    s.delete(r)
            film_ids.append(film.id)
        return film_ids


def remove_appearance(lib: Library, person_ref, film_ref) -> None:
    with lib.op("Remove appearance") as s:
        person, film = lookup.person(s, person_ref), lookup.film(s, film_ref)
        appearance = s.scalars(
            select(Appearance).where(Appearance.person_id == person.id, Appearance.film_id == film.id)).first()
        if appearance is None:
            raise BadInput(f"{person.name} is not recorded in film {film.title!r}")
        s.delete(appearance)


def withdraw(lib: Library, person_ref, on=None, how: str = "", notes: str = "") -> dict:
    """Consent withdrawn, dated and final. Returns every reel, review and past export that
    included the person (exports from the log), so they can be followed up."""
    on = check_date(on) or dt.date.today()
    with lib.op("Withdraw consent", undoable=False) as s:
        person = lookup.person(s, person_ref)
        if person.consent_withdrawn_at is not None:  # the first withdrawal's date is the one that counts
            raise BadInput(f"{person.name}: consent was already withdrawn on "
                           f"{person.consent_withdrawn_at:%Y-%m-%d}; nothing changed")
        person.consent = "none"
        person.consent_withdrawn_at = utcnow()
        s.add(ConsentRecord(person_id=person.id, scope="none", given_on=on, how=how.strip(), notes=notes,
                            withdrawal=True))
        s.flush()
        report = affected(s, person.id)
    # Final: no undo of an earlier edit of this person may bring the consent back.
    lib.undo_stack.forget(lambda step: _touches_person(step, report["person_id"]))
    return report


def _touches_person(step, person_id: int) -> bool:
    for row in step.rows:
        values = {**(row.before or {}), **(row.after or {}), **row.key}
        if row.table == "people" and row.key.get("id") == person_id:
            return True
        if row.table in ("consent_records", "appearances", "export_people") and values.get("person_id") == person_id:
            return True
        if row.table == "appearance_ranges":
            return True
    return False


def _reviews_with(session, person_id: int, their_clips: list[int], films: list[int],
                  showed: set[int] = frozenset()) -> list[dict]:
    """Every review whose running order holds the person (a clip of theirs, or a film of theirs
    shown whole over a stretch they are in), and every review that showed them (the log of
    showings, kept even when an item or the review changed since): each once, with its date
    and whether they were shown."""
    shown = set(session.scalars(select(ExportRecord.review_id).join(
        ExportPerson, ExportPerson.export_id == ExportRecord.id).where(
        ExportPerson.person_id == person_id, ExportRecord.kind == "showing", ExportRecord.review_id.is_not(None))))
    shown |= set(showed)  # showings of a stretch of theirs, logged before they were known on it
    planned = set(session.scalars(select(ReviewItem.review_id).where(ReviewItem.clip_id.in_(their_clips))))
    if films:
        whole = session.scalars(select(ReviewItem).where(ReviewItem.clip_id.is_(None), ReviewItem.film_id.in_(films)))
        for item in whole:
            if any(p.person_id == person_id for p in consent_policy.people_on_stretch(
                    session, item.film_id, item.start_us, item.end_us)):
                planned.add(item.review_id)
    rows = session.scalars(select(Review).where(Review.id.in_(shown | planned))
                           .order_by(Review.held_on, Review.id)).all()
    return [{"id": r.id, "title": r.title, "held_on": r.held_on.isoformat() if r.held_on else None,
             "started_at": r.started_at.isoformat(sep=" ", timespec="minutes") if r.started_at else None,
             "shown": r.id in shown} for r in rows]


def reviews_said(reviews: list[dict], ids: bool = False) -> list[str]:
    """Each review as a withdrawal report names it, told apart: title and date (the time it
    started when two share both), and whether the person was shown or only in its order.
    ``ids``: each says its review number (the command line's way to pick it up)."""
    def counts(keys):
        return {k: keys.count(k) for k in keys}

    whens = [r["held_on"] or "undated" for r in reviews]
    same = counts([(r["title"], w) for r, w in zip(reviews, whens)])
    whens = [r.get("started_at") or w if same[(r["title"], w)] > 1 else w for r, w in zip(reviews, whens)]
    same = counts([(r["title"], w) for r, w in zip(reviews, whens)])
    said = []
    for r, when in zip(reviews, whens):
        numbered = ids or same[(r["title"], when)] > 1
        state = "shown" if r["shown"] else "in its running order, not shown"
        number = f"; review {r['id']}" if numbered else ""
        said.append(f"“{r['title']}” of {when} ({state}{number})")
    return said


def affected(session, person_id: int) -> dict:
    """Reels, reviews and past exports that include (or included) a person."""
    person = session.get(Person, person_id)
    films = list(session.scalars(select(Appearance.film_id).where(Appearance.person_id == person_id)))
    clip_ids = list(session.scalars(select(Clip.id).where(Clip.film_id.in_(films)))) if films else []
    on = consent_policy.people_on_clips(session, clip_ids)
    their_clips = [c for c, people in on.items() if any(p.person_id == person_id for p in people)]
    reels = session.scalars(select(Reel).where(Reel.id.in_(
        select(ReelItem.reel_id).where(ReelItem.clip_id.in_(their_clips)))).order_by(Reel.id)).all()
    appearances = list(session.scalars(select(Appearance).where(Appearance.person_id == person_id)
                                       .options(selectinload(Appearance.ranges))))
    logged = set(session.scalars(select(ExportPerson.export_id).where(ExportPerson.person_id == person_id)))
    found, unchecked = _exports_with(session, logged, appearances)
    exports = session.scalars(select(ExportRecord).where(ExportRecord.id.in_(logged | set(found)))
                              .order_by(ExportRecord.id)).all()
    unchecked_rows = session.scalars(select(ExportRecord).where(ExportRecord.id.in_(unchecked))
                                     .order_by(ExportRecord.id)).all()
    reviews = _reviews_with(session, person_id, their_clips, films,
                            {e.review_id for e in exports if e.kind == "showing" and e.review_id is not None})
    return {
        "person_id": person_id,
        "person": person.name,
        "withdrawn_at": person.consent_withdrawn_at.isoformat(timespec="seconds") if person.consent_withdrawn_at else None,
        "clips": sorted(their_clips),
        "reels": [{"id": r.id, "title": r.title} for r in reels],
        "reviews": reviews,
        "exports": [{"id": e.id, "kind": e.kind, "path": e.path, "reel_id": e.reel_id, "subject": e.subject,
                     "audience": e.audience, "at": e.created_at.isoformat(timespec="seconds"),
                     "review_id": e.review_id, "clips": _titles(e.items_json),
                     "found": "log" if e.id in logged else found[e.id]} for e in exports],
        # Exports logged before the log kept each item's film and times, that may have shown them.
        "unchecked": [_export_dict(e) for e in unchecked_rows],
        "unchecked_before": _sources_since(session, unchecked_rows),
    }


def _export_dict(e) -> dict:
    return {"id": e.id, "kind": e.kind, "path": e.path, "reel_id": e.reel_id, "subject": e.subject,
            "audience": e.audience, "at": e.created_at.isoformat(timespec="seconds"),
            "review_id": e.review_id, "clips": _titles(e.items_json)}


def _sources_since(session, unchecked_rows) -> str | None:
    """The day from which the log keeps every item's film and times (the first export logged
    with them after the last one that cannot be checked; today when there is none yet)."""
    if not unchecked_rows:
        return None
    last = max(e.created_at for e in unchecked_rows)
    for e in session.scalars(select(ExportRecord).where(ExportRecord.created_at >= last).order_by(ExportRecord.id)):
        items = _items(e.items_json)
        if items and all(isinstance(i, dict) and "source" in i for i in items):
            return e.created_at.date().isoformat()
    return dt.date.today().isoformat()


def _items(items_json: str) -> list:
    try:
        items = json.loads(items_json or "[]")
    except ValueError:
        return []
    return items if isinstance(items, list) else []


def _exports_with(session, logged: set[int], appearances: list) -> tuple[dict[int, str], list[int]]:
    """Exports and showings that carried a stretch of film the person appears in, by what the
    log kept of each item (its film and times at export time), whoever was known then: their
    ids with how they were found ("film": by the logged film times; "clip now": an older log
    entry, by its clips as they are now), and the older entries that cannot be checked (a clip
    since deleted, a film shown whole, or a clip of their film whose times may have changed)."""
    by_film = {a.film_id: a for a in appearances}
    if not by_film:
        return {}, []
    found: dict[int, str] = {}
    unchecked: list[int] = []
    clips = {}
    rows = session.execute(select(ExportRecord.id, ExportRecord.items_json, ExportRecord.audience, ExportRecord.kind)
                           .where(ExportRecord.id.not_in(logged) if logged else true())
                           .order_by(ExportRecord.id)).all()
    for export_id, items_json, audience, kind in rows:
        if not audience or kind == "codebook":  # nobody on film goes out
            continue
        items = [i for i in _items(items_json) if isinstance(i, dict)]
        how, unsure = None, False
        for item in items:
            source = item.get("source")
            if source is not None:
                film_id, start_us, end_us = source
                if film_id in by_film and consent_policy._overlaps(by_film[film_id], start_us, end_us):
                    how = "film"
                continue
            clip_id = item.get("clip_id")
            if clip_id and clip_id not in clips:
                clips[clip_id] = session.get(Clip, clip_id)
            clip = clips.get(clip_id) if clip_id else None
            if clip is None:  # deleted since, or a film shown whole: the log does not say which stretch
                unsure = True
            elif clip.film_id in by_film:
                if consent_policy._overlaps(by_film[clip.film_id], clip.start_us, clip.end_us):
                    how = how or "clip now"
                else:  # its times may have been changed since the export
                    unsure = True
        if how is not None:
            found[export_id] = how
        elif unsure:
            unchecked.append(export_id)
    return found, unchecked


def _titles(items_json: str) -> list[str]:
    """The clips an export or showing carried, by the titles its log keeps (never names)."""
    try:
        return [i.get("clip") or "" for i in json.loads(items_json or "[]")]
    except (ValueError, AttributeError):
        return []


def export_said(e: dict) -> str:
    """One line of a withdrawal report's "already exported": when, what, for whom, where (a
    showing: which clip was on the screen at which review)."""
    # An older log entry found by its clips as they are now (its own times were not logged).
    now = " (by its clips' times as they are now)" if e.get("found") == "clip now" else ""
    if e["kind"] == "showing":
        clips = ", ".join(f"“{c}”" for c in e.get("clips") or [] if c) or "a clip"
        return (f"{e['at'][:16].replace('T', ' ')}  shown on the screen at the review “{e['subject']}” "
                f"(review {e.get('review_id')}), for {e['audience']}: {clips}{now}")
    return (f"{e['at'][:16].replace('T', ' ')}  {e['kind']} “{e['subject']}” for {e['audience'] or 'no audience'}: "
            f"{e['path']}{now}")


def exported_said(report: dict, bullet: str = "  ") -> list[str]:
    """A withdrawal report's "already exported" lines: what went out with them, then the older
    exports that cannot be checked (never "nothing" when some could not be)."""
    lines = []
    if report["exports"]:
        lines.append("Already exported (follow up with whoever received these):")
        lines += [f"{bullet}{export_said(e)}" for e in report["exports"]]
    elif not report.get("unchecked"):
        lines.append("Already exported: nothing")
    if report.get("unchecked"):
        n = len(report["unchecked"])
        lines.append(f"{'Exports' if n > 1 else 'An export'} made before {report['unchecked_before']} cannot be checked "
                     f"(the log kept no film times then; a clip deleted since, a film shown whole, or a clip "
                     f"of a film they are in, changed since): check {'these' if n > 1 else 'it'} by hand:")
        lines += [f"{bullet}{export_said(e)}" for e in report["unchecked"]]
    return lines
