"""What a bundle carries, read from the library: the clips of a reel, an event or a prototype,
with their tags, notes, prototypes, safeguarding flags and the people on them, by pseudonym
or role only. Each person travels under an opaque reference (a hash of this library's own id
and theirs), so two bundles from one library name the same person the same way and nothing
in it leads back to who they are."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.ways_out import consent_policy
from app.reels import reel_plan
from app.library import Library
from app.models import AUDIENCES, Appearance, Clip, ClipPrototype, ConsentRecord, Film, LibraryMeta, Person
from app.ways_out.name_guard import Text
from app.ways_out.name_texts import CLIP_FIX, clip_texts, clip_where, out_text
from app import lookup
from media.errors import BadInput
from media.export.plan import PlanItem

LIBRARY_ID_KEY = "library_uid"
DEFAULT_AUDIENCE = "collaborative"  # a partner organisation is not the team


@dataclass
class Selection:
    kind: str  # reel, event, prototype
    subject: str  # its title or name
    clip_ids: list[int]
    audience: str
    reel_id: int | None = None


@dataclass
class Contents:
    selection: Selection
    items: list[PlanItem]  # in bundle order; people on them by label (names for messages only)
    clips: dict[int, Clip] = field(default_factory=dict)  # detached rows: notes, flags
    films: dict[int, Film] = field(default_factory=dict)
    tags: dict[tuple[str, str], dict] = field(default_factory=dict)
    prototypes: dict[str, dict] = field(default_factory=dict)
    people: dict[int, dict] = field(default_factory=dict)  # person id -> what travels about them
    appearances: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)  # (person, film)
    on_clip: dict[int, list[int]] = field(default_factory=dict)  # clip id -> person ids, as in item.people


def library_uid(lib: Library) -> str:
    """This library's own random id (made once, on its first bundle)."""
    uid = lib.meta(LIBRARY_ID_KEY)
    if uid is None:
        with lib.op("Give the library an id", undoable=False) as s:
            row = s.get(LibraryMeta, LIBRARY_ID_KEY)
            if row is None:
                row = LibraryMeta(key=LIBRARY_ID_KEY, value=uuid.uuid4().hex)
                s.add(row)
            uid = row.value
    return uid


def person_ref(uid: str, person_id: int) -> str:
    return hashlib.sha256(f"{uid}:person:{person_id}".encode()).hexdigest()[:32]


def select_clips(session: Session, reel=None, event=None, prototype=None, audience: str | None = None) -> Selection:
    given = [(k, v) for k, v in (("reel", reel), ("event", event), ("prototype", prototype)) if v not in (None, "")]
    if len(given) != 1:
        raise BadInput("bundle: give one of --reel, --event or --prototype")
    kind, ref = given[0]
    reel_id = None
    if kind == "reel":
        r = lookup.reel(session, ref)
        subject, reel_id, default = r.title, r.id, r.audience
        ids = [item.clip_id for item in r.items]
    elif kind == "event":
        e = lookup.event(session, ref)
        subject, default = e.name, DEFAULT_AUDIENCE
        rows = session.execute(select(Clip.id).join(Film).where(Film.event_id == e.id)
                               .order_by(Film.recorded_at, Film.id, Clip.start_us, Clip.id)).all()
        ids = [row[0] for row in rows]
    else:
        p = lookup.prototype(session, ref)
        subject, default = p.name, DEFAULT_AUDIENCE
        rows = session.execute(select(Clip.id).join(ClipPrototype).where(ClipPrototype.prototype_id == p.id)
                               .order_by(Clip.film_id, Clip.start_us, Clip.id)).all()
        ids = [row[0] for row in rows]
    audience = audience or default
    if audience not in AUDIENCES:
        raise BadInput(f"audience {audience!r}: must be one of {', '.join(AUDIENCES)}")
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise BadInput(f"{kind} {subject!r}: has no clips to put in a bundle")
    return Selection(kind, subject, ids, audience, reel_id)


def gather(lib: Library, session: Session, selection: Selection) -> Contents:
    items = reel_plan.clip_items(lib, session, selection.clip_ids)
    for item in items:
        item.caption = item.card_text = ""  # the receiving library makes its own cards
        item.warning = ""  # safeguarding travels as the clip's flag; its reels add the card
    found = Contents(selection, items)
    rows = session.scalars(select(Clip).where(Clip.id.in_(selection.clip_ids))
                           .options(selectinload(Clip.film).selectinload(Film.event),
                                    selectinload(Clip.tag_links), selectinload(Clip.prototype_links)))
    for clip in rows:
        found.clips[clip.id] = clip
        found.films[clip.film_id] = clip.film
        for link in clip.tag_links:
            t = link.tag
            found.tags[(t.kind, t.name)] = {"kind": t.kind, "name": t.name, "color": t.color,
                                            "description": t.description}
        for link in clip.prototype_links:
            p = link.prototype
            found.prototypes[p.name] = {"name": p.name, "summary": p.summary, "stage": p.stage}
    on = consent_policy.people_on_clips(session, selection.clip_ids)  # the order item.people has too
    found.on_clip = {clip_id: [p.person_id for p in people] for clip_id, people in on.items()}
    person_ids = {p for ids in found.on_clip.values() for p in ids}
    if person_ids:
        _people(session, found, person_ids)
    # Everyone's name is checked against the words that travel, not only the people on the clips.
    return found


def _people(session: Session, found: Contents, person_ids: set[int]) -> None:
    people = session.scalars(select(Person).where(Person.id.in_(person_ids)))
    for p in people:
        last = session.scalars(select(ConsentRecord).where(ConsentRecord.person_id == p.id)
                               .order_by(ConsentRecord.id.desc())).first()
        found.people[p.id] = {"label": consent_policy.label(p), "role": p.role, "consent": p.consent,
                              "consent_given_on": last.given_on.isoformat() if last and last.given_on else None}
    rows = session.scalars(select(Appearance).where(Appearance.person_id.in_(person_ids),
                                                    Appearance.film_id.in_(list(found.films)))
                           .options(selectinload(Appearance.ranges)))
    for a in rows:
        found.appearances[(a.person_id, a.film_id)] = [(r.start_us, r.end_us) for r in a.ranges]


def ranges_in_cut(ranges: list[tuple[int, int]], start_us: int, end_us: int) -> list[list[int]]:
    """A person's stretches of the film as stretches of a clip cut from it ([] = all of it)."""
    out = []
    for s, e in ranges:
        lo, hi = max(s, start_us), min(e, end_us)
        if lo < hi:
            out.append([lo - start_us, hi - start_us])
    return out


def words_out(found: Contents, data: dict, out) -> list[Text]:
    """The bundle's words (its subject, each clip's title, note, quote and content warning, its
    tags, prototypes and events), for the gate's name guard."""
    sel = found.selection
    field = "title" if sel.kind == "reel" else "name"
    texts = [out_text(Path(out)), Text(f"{sel.kind} {sel.subject!r}", field, sel.subject, f"rename the {sel.kind}")]
    count = len(found.items)
    for n, (item, entry) in enumerate(zip(found.items, data["clips"]), 1):
        where = clip_where(entry["title"], n, count)
        texts += clip_texts(entry["title"], position=n, count=count, note=entry["note"], quote=entry["quote"],
                            tags=[t["name"] for t in entry["tags"]], prototypes=entry["prototypes"])
        texts.append(Text(where, "content warning", entry["safeguarding_note"], CLIP_FIX, where))
        event = entry["event"]
        if event:
            texts += [Text(f"event {event['name']!r}", key, event[key] or "", "rename the event")
                      for key in ("name", "place")]
    for t in data["tags"]:
        texts += [Text(f"tag {t['name']!r}", key, t[key] or "", "rename the tag") for key in ("name", "description")]
    for p in data["prototypes"]:
        texts += [Text(f"prototype {p['name']!r}", key, p[key] or "", "rename the prototype")
                  for key in ("name", "summary", "stage")]
    return texts
