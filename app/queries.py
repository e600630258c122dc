"""The one query layer for finding clips and films: the CLI and the GUI filter through it.

Filters compile to a single SQL statement returning ids (fast at 20,000 clips); records for
the rows on screen are loaded afterwards, in batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import Appearance, AppearanceRange, Clip, ClipPrototype, ClipTag, Event, Film, Person, Prototype, Reel, ReelItem, Tag
from app.records import ClipRecord, FilmRecord, film_record


@dataclass
class ClipFilter:
    tags_all: list[int] = field(default_factory=list)  # tag ids the clip must have, every one
    tags_any: list[int] = field(default_factory=list)  # ... at least one of
    kinds: list[str] = field(default_factory=list)  # has a tag of one of these kinds
    prototype_ids: list[int] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    film_ids: list[int] = field(default_factory=list)
    text: str = ""  # every word must appear in the title, note or quote, or be said in the clip
    at_minute: int | None = None  # filmed around this time of day (minutes after midnight): nearest first

    def is_empty(self) -> bool:
        return self.at_minute is None and not any(
            (self.tags_all, self.tags_any, self.kinds, self.prototype_ids, self.event_ids,
             self.person_ids, self.film_ids, self.text.strip())
        )


def _has_tag(tag_ids):
    return exists().where(ClipTag.clip_id == Clip.id, ClipTag.tag_id.in_(tag_ids))


def clip_conditions(filt: ClipFilter, session: Session | None = None) -> list:
    """``session``: where the words are also looked for in what was said (its full-text search)."""
    conds = []
    # A tag's clips straight from the (tag, clip) index: a selective filter starts there
    # rather than testing every clip (100,000 of them) for the tag.
    for tag_id in dict.fromkeys(filt.tags_all):
        conds.append(Clip.id.in_(select(ClipTag.clip_id).where(ClipTag.tag_id == tag_id)))
    if filt.tags_any:
        conds.append(Clip.id.in_(select(ClipTag.clip_id).where(ClipTag.tag_id.in_(filt.tags_any))))
    if filt.kinds:
        conds.append(_has_tag(select(Tag.id).where(Tag.kind.in_(filt.kinds))))
    if filt.prototype_ids:
        conds.append(
            exists().where(ClipPrototype.clip_id == Clip.id, ClipPrototype.prototype_id.in_(filt.prototype_ids))
        )
    if filt.film_ids:
        conds.append(Clip.film_id.in_(filt.film_ids))
    if filt.event_ids:
        conds.append(Clip.film_id.in_(select(Film.id).where(Film.event_id.in_(filt.event_ids))))
    if filt.person_ids:
        conds.append(_shows_people(filt.person_ids))
    written = [or_(*(func.lower(col).like(f"%{_escape_like(word.lower())}%", escape="\\")
                     for col in (Clip.title, Clip.note, Clip.quote))) for word in filt.text.split()]
    if written:
        from app.transcripts import search

        said = search.clips_saying(session, filt.text) if session is not None else None
        conds.append(or_(and_(*written), said) if said is not None else and_(*written))
    return conds


def _shows_people(person_ids: list[int]):
    """The clip's film has one of these people in it, and, where their appearance is limited to
    stretches of the film, one of the stretches overlaps the clip (as the consent check reads it)."""
    ranged = exists().where(AppearanceRange.appearance_id == Appearance.id)
    overlapping = exists().where(AppearanceRange.appearance_id == Appearance.id,
                                 AppearanceRange.start_us < Clip.end_us, Clip.start_us < AppearanceRange.end_us
                                 ).correlate_except(AppearanceRange)  # the clip is the outer query's
    return exists().where(Appearance.film_id == Clip.film_id, Appearance.person_id.in_(person_ids),
                          or_(~ranged, overlapping))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clip_ids(session: Session, filt: ClipFilter | None = None) -> list[int]:
    """Ids of matching clips, by film then start time (by time of day, nearest first, when the
    filter asks for clips filmed around a time: app/clips/time_of_day.py)."""
    query = select(Clip.id).join(Film, Film.id == Clip.film_id)
    conds = clip_conditions(filt, session) if filt else []
    if conds:
        query = query.where(and_(*conds))
    ids = list(session.scalars(query.order_by(Film.title, Film.id, Clip.start_us, Clip.id)))
    if filt is not None and filt.at_minute is not None:
        from app.clips.time_of_day import clips_at

        ids = clips_at(session, filt.at_minute, among=ids if conds else None)
    return ids


def clip_records(session: Session, ids: list[int]) -> list[ClipRecord]:
    """Records for ``ids``, in that order: three plain queries (the clips with their films' titles
    and recording times, their tags, their prototypes), a quarter of the ORM's time for a screen of
    the clip list (issue 29); the same records as ``records.clip_record`` makes from a Clip."""
    from types import SimpleNamespace

    from app.clips.time_of_day import clip_filmed_at

    if not ids:
        return []
    rows = session.execute(
        select(Clip.id, Clip.film_id, Film.title, Clip.title, Clip.start_us, Clip.end_us, Clip.note, Clip.quote,
               Clip.safeguarding, Clip.safeguarding_note, Clip.version,
               Film.recorded_at, Film.recorded_offset_min, Film.recorded_source)
        .join(Film, Film.id == Clip.film_id).where(Clip.id.in_(ids))).all()
    tags: dict[int, list[tuple]] = {}
    for clip_id, name, kind, position in session.execute(
            select(ClipTag.clip_id, Tag.name, Tag.kind, Tag.position).join(Tag, Tag.id == ClipTag.tag_id)
            .where(ClipTag.clip_id.in_(ids))):
        tags.setdefault(clip_id, []).append((kind, position, name))
    prototypes: dict[int, list[str]] = {}
    for clip_id, name in session.execute(
            select(ClipPrototype.clip_id, Prototype.name).join(Prototype, Prototype.id == ClipPrototype.prototype_id)
            .where(ClipPrototype.clip_id.in_(ids))):
        prototypes.setdefault(clip_id, []).append(name)
    by_id = {}
    for (clip_id, film_id, film, title, start_us, end_us, note, quote, safeguarding, safeguarding_note, version,
         recorded_at, offset_min, source) in rows:
        when = clip_filmed_at(SimpleNamespace(recorded_at=recorded_at, recorded_offset_min=offset_min,
                                              recorded_source=source), start_us)
        by_id[clip_id] = ClipRecord(
            id=clip_id, film_id=film_id, film=film, title=title, start_us=start_us, end_us=end_us,
            tags=[{"name": name, "kind": kind} for kind, _position, name in sorted(tags.get(clip_id, []))],
            prototypes=sorted(prototypes.get(clip_id, [])), note=note, quote=quote, safeguarding=safeguarding,
            safeguarding_note=safeguarding_note, filmed_at=when.strftime("%H:%M") if when is not None else None,
            version=version)
    return [by_id[i] for i in ids if i in by_id]


def film_records(session: Session, lib, film_ids: list[int] | None = None,
                 event: str | None = None) -> list[FilmRecord]:
    """Every film, or just ``film_ids``, or just the films of the event named ``event``: where
    its file is and whether it is missing, for this computer (``lib``: the Library)."""
    query = select(Film).options(selectinload(Film.event)).order_by(Film.imported_at, Film.id)
    if film_ids is not None:
        query = query.where(Film.id.in_(film_ids))
    if event is not None:
        query = query.join(Film.event).where(Event.name == event)
    out = []
    for film in session.scalars(query):
        out.append(film_record(film, str(lib.film_path(film)), lib.missing(film)))
    return out


MAX_SEARCH_CHARS = 1000  # SQLite refuses LIKE patterns over 50,000 bytes; nobody types 1,000


def resolve_filter(
    session: Session,
    tags: list[str] = (),
    any_tags: list[str] = (),
    prototypes: list[str] = (),
    events: list[str] = (),
    people: list[str] = (),
    text: str = "",
    kinds: list[str] = (),
) -> ClipFilter:
    """Build a filter from names as people type them (raises BadInput for unknown names)."""
    from app import lookup
    from media.errors import BadInput

    if len(text) > MAX_SEARCH_CHARS:
        raise BadInput(f"search words ({len(text)} characters): too long; at most {MAX_SEARCH_CHARS}")
    return ClipFilter(
        tags_all=[lookup.tag(session, t).id for t in tags],
        tags_any=[lookup.tag(session, t).id for t in any_tags],
        kinds=list(kinds),
        prototype_ids=[lookup.prototype(session, p).id for p in prototypes],
        event_ids=[lookup.event(session, e).id for e in events],
        person_ids=[lookup.person(session, p).id for p in people],
        text=text,
    )


def tag_counts(session: Session, tag_ids: list[int] | None = None) -> dict[int, int]:
    """How many clips carry each tag (of ``tag_ids`` only, when given)."""
    query = select(ClipTag.tag_id, func.count()).group_by(ClipTag.tag_id)
    if tag_ids is not None:
        query = query.where(ClipTag.tag_id.in_(tag_ids))
    return {tag_id: count for tag_id, count in session.execute(query)}


def tags(session: Session, include_archived: bool = False, tag_ids: list[int] | None = None) -> list[Tag]:
    query = select(Tag).order_by(Tag.kind, Tag.position, Tag.name)
    if not include_archived:
        query = query.where(Tag.archived.is_(False))
    if tag_ids is not None:
        query = query.where(Tag.id.in_(tag_ids))
    found = list(session.scalars(query))
    _cut_parent_loops(session, found)
    return found


def _cut_parent_loops(session: Session, tags: list[Tag]) -> None:
    """A library whose parents loop (made by an older version's import) must still open: a
    tag whose parent chain comes back to itself is shown at the top of its kind. Only the
    records handed out change (detached first), never the library."""
    parent_of = dict(session.execute(select(Tag.id, Tag.parent_id)).all())
    for tag in tags:
        seen, walk = {tag.id}, parent_of.get(tag.id)
        while walk is not None and walk not in seen:
            seen.add(walk)
            walk = parent_of.get(walk)
        if walk == tag.id:  # came back round to itself: the tag is inside a loop
            session.expunge(tag)
            tag.parent_id = None


def reel_records(session: Session) -> list[dict]:
    """Every reel: id, title, audience, height, clip count and length (clips only, no cards)."""
    from app.models import Clip, Reel, ReelItem

    length = func.coalesce(func.sum(Clip.end_us - Clip.start_us), 0)
    rows = session.execute(
        select(Reel, func.count(ReelItem.id), length)
        .outerjoin(ReelItem, ReelItem.reel_id == Reel.id).outerjoin(Clip, Clip.id == ReelItem.clip_id)
        .group_by(Reel.id).order_by(Reel.title, Reel.id))
    return [{"id": r.id, "title": r.title, "subtitle": r.subtitle, "audience": r.audience, "height": r.height,
             "clips": count, "duration_us": int(total), "created_at": r.created_at.isoformat(timespec="seconds")}
            for r, count, total in rows]


def events(session: Session) -> list[Event]:
    return list(session.scalars(select(Event).order_by(Event.date, Event.name)))


def prototypes(session: Session, prototype_ids: list[int] | None = None) -> list[Prototype]:
    query = select(Prototype).order_by(Prototype.name)
    if prototype_ids is not None:
        query = query.where(Prototype.id.in_(prototype_ids))
    return list(session.scalars(query))


def people(session: Session) -> list[Person]:
    return list(session.scalars(select(Person).order_by(Person.name)))


def clips_with_tag(session: Session, clip_ids: list[int], tag_id: int) -> set[int]:
    """Which of ``clip_ids`` carry the tag."""
    rows = session.scalars(select(ClipTag.clip_id).where(ClipTag.tag_id == tag_id, ClipTag.clip_id.in_(clip_ids)))
    return set(rows)


def prototype_clip_counts(session: Session, prototype_ids: list[int] | None = None) -> dict[int, int]:
    query = select(ClipPrototype.prototype_id, func.count()).group_by(ClipPrototype.prototype_id)
    if prototype_ids is not None:
        query = query.where(ClipPrototype.prototype_id.in_(prototype_ids))
    return {proto_id: count for proto_id, count in session.execute(query)}


def film_people(session: Session, film_id: int) -> list[Person]:
    query = select(Person).join(Appearance, Appearance.person_id == Person.id).where(Appearance.film_id == film_id)
    return list(session.scalars(query.order_by(Person.name)))


def reels_with_counts(session: Session) -> list[tuple[Reel, int]]:
    """Newest first, each with its number of items."""
    counts = dict(session.execute(select(ReelItem.reel_id, func.count()).group_by(ReelItem.reel_id)).all())
    reels = session.scalars(select(Reel).order_by(Reel.created_at.desc(), Reel.id.desc()))
    return [(r, counts.get(r.id, 0)) for r in reels]


def reel_item_ids(session: Session, reel_id: int) -> list[int]:
    return list(session.scalars(select(ReelItem.id).where(ReelItem.reel_id == reel_id).order_by(ReelItem.position)))


def reel_item_questions(session: Session, reel_id: int) -> dict[int, str]:
    """Each reel item's discussion question (asked after the clip at a review), by item id."""
    return dict(session.execute(select(ReelItem.id, ReelItem.discuss).where(ReelItem.reel_id == reel_id)).all())
