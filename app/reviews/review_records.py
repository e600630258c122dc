"""Reviews as plain records: what the presentation, the Reviews panel, the summaries and
``protoreel reviews --json`` read (never the ORM)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.library import Library
from app.transcripts import captions, transcripts
from media.errors import BadInput
from app.models import (
    MARK_KINDS, Clip, ClipPrototype, ClipTag, Film, Prototype, Review, ReviewAction, ReviewItem, ReviewMark,
    ReviewNote,
)

MARK_LABELS = {"matters": "this matters", "surprising": "surprising", "action": "needs action"}


@dataclass
class ReviewRecord:
    id: int
    title: str
    held_on: str | None  # ISO date
    audience: str
    source: str  # reel, prototype, event, clips
    started_at: str | None
    ended_at: str | None
    items: int
    withheld: int
    shown_items: int  # items that were on the screen at all
    shown_us: int
    notes: int
    marks: int
    actions: int
    last_position: int
    opening_title: str | None = None  # a reel's opening title card (None: none)
    opening_subtitle: str = ""
    closing_credits: str | None = None  # a reel's closing card's credits (None: none)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class ItemRecord:
    id: int
    position: int
    clip_id: int | None
    film_id: int | None
    title: str
    caption: str
    discuss: str
    withheld: bool
    withheld_reason: str  # names people: for the facilitator, never the audience screen
    start_us: int
    end_us: int
    shown_us: int
    note: str = ""
    marks: dict[str, int] = field(default_factory=dict)
    tags: list[dict] = field(default_factory=list)  # {"name", "kind", "color"}
    prototypes: list[str] = field(default_factory=list)
    clip_note: str = ""  # the clip's own notes from the library
    quote: str = ""
    film_path: str | None = None
    film_start_us: int = 0
    play_offset_us: int = 0  # the film's zero on Qt's player clock (Film.play_offset_us)
    rotation: int = 0
    has_video: bool = True
    has_audio: bool = True
    missing: bool = False
    card: str | None = None  # a reel item's own card text ("": none); None: the meeting's clip card
    # What is said in the item's stretch, as caption cues (start_us, end_us, text) in film time: the
    # audience screen shows these over the clip instead of its caption (its title stays on the card).
    speech: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def duration_us(self) -> int:
        return self.end_us - self.start_us


@dataclass
class ActionRecord:
    id: int
    text: str
    owner: str
    due: str | None
    prototype_id: int | None
    prototype: str | None
    clip_id: int | None
    clip: str | None


@dataclass
class ReviewDetail:
    review: ReviewRecord
    items: list[ItemRecord]
    actions: list[ActionRecord]
    meeting_note: str  # the note not tied to a clip

    def to_json(self) -> dict:
        return {"review": asdict(self.review), "items": [asdict(i) for i in self.items],
                "actions": [asdict(a) for a in self.actions], "meeting_note": self.meeting_note}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def review_records(session: Session, ids: list[int] | None = None) -> list[ReviewRecord]:
    """Reviews, newest first, with their counts (one query per count, not per review); just
    the reviews ``ids`` when given, their counts too."""
    query = select(Review).order_by(Review.held_on.desc(), Review.id.desc())
    if ids is not None:
        query = query.where(Review.id.in_(ids))
    reviews = list(session.scalars(query))

    def only(column):
        return [] if ids is None else [column.in_(ids)]

    def count(column, *where):
        return dict(session.execute(select(column, func.count()).where(*where, *only(column))
                                    .group_by(column)).all())

    items = count(ReviewItem.review_id)
    withheld = count(ReviewItem.review_id, ReviewItem.withheld.is_(True))
    shown = count(ReviewItem.review_id, ReviewItem.shown_us > 0, ReviewItem.withheld.is_(False))
    shown_us = dict(session.execute(select(ReviewItem.review_id, func.sum(ReviewItem.shown_us))
                                    .where(*only(ReviewItem.review_id)).group_by(ReviewItem.review_id)).all())
    notes = count(ReviewNote.review_id, ReviewNote.text != "")
    marks = count(ReviewMark.review_id)
    actions = count(ReviewAction.review_id)
    return [ReviewRecord(
        id=r.id, title=r.title, held_on=_iso(r.held_on), audience=r.audience, source=r.source,
        started_at=_iso(r.started_at), ended_at=_iso(r.ended_at), items=items.get(r.id, 0),
        withheld=withheld.get(r.id, 0), shown_items=shown.get(r.id, 0), shown_us=int(shown_us.get(r.id) or 0),
        notes=notes.get(r.id, 0), marks=marks.get(r.id, 0), actions=actions.get(r.id, 0),
        last_position=r.last_position, opening_title=r.opening_title, opening_subtitle=r.opening_subtitle or "",
        closing_credits=r.closing_credits,
    ) for r in reviews]


def review_detail(lib: Library, session: Session, review_id: int) -> ReviewDetail:
    review = session.get(Review, review_id)
    if review is None:
        raise BadInput(f"review {review_id}: no such review in this library")
    (record,) = review_records(session, [review_id])
    rows = list(session.scalars(select(ReviewItem).where(ReviewItem.review_id == review_id)
                                .order_by(ReviewItem.position)))
    clip_ids = [r.clip_id for r in rows if r.clip_id is not None]
    clips = {c.id: c for c in session.scalars(select(Clip).where(Clip.id.in_(clip_ids)).options(
        selectinload(Clip.tag_links).selectinload(ClipTag.tag),
        selectinload(Clip.prototype_links).selectinload(ClipPrototype.prototype)))}
    films = {f.id: f for f in session.scalars(select(Film).where(Film.id.in_({r.film_id for r in rows})))}
    notes = {n.clip_id: n.text for n in session.scalars(select(ReviewNote).where(ReviewNote.review_id == review_id))}
    marks: dict[int | None, Counter] = {}
    for clip_id, kind in session.execute(select(ReviewMark.clip_id, ReviewMark.kind)
                                         .where(ReviewMark.review_id == review_id)):
        marks.setdefault(clip_id, Counter())[kind] += 1
    words = transcripts.words_between(session, [(r.film_id, r.start_us, r.end_us) for r in rows if r.film_id in films])
    items = []
    for row in rows:
        clip, film = clips.get(row.clip_id), films.get(row.film_id)
        tags = sorted((link.tag for link in clip.tag_links), key=lambda t: (t.kind, t.position)) if clip else []
        counted = marks.get(row.clip_id, Counter()) if row.clip_id is not None else Counter()
        items.append(ItemRecord(
            id=row.id, position=row.position, clip_id=row.clip_id, film_id=row.film_id, title=row.title,
            caption=row.caption, discuss=row.discuss, withheld=row.withheld, withheld_reason=row.withheld_reason,
            start_us=row.start_us, end_us=row.end_us, shown_us=row.shown_us,
            note=notes.get(row.clip_id, "") if row.clip_id is not None else "",
            marks={kind: counted.get(kind, 0) for kind in MARK_KINDS},
            tags=[{"name": t.name, "kind": t.kind, "color": t.color} for t in tags],
            prototypes=sorted(link.prototype.name for link in clip.prototype_links) if clip else [],
            clip_note=clip.note if clip else "", quote=clip.quote if clip else "",
            film_path=str(lib.film_path(film)) if film else None, film_start_us=film.start_us if film else 0,
            play_offset_us=film.play_offset_us if film else 0,
            rotation=film.rotation if film else 0, has_video=film.has_video if film else False,
            has_audio=film.has_audio if film else False, missing=lib.missing(film) if film else True, card=row.card,
            speech=[(c.start_us, c.end_us, c.text) for c in captions.cues(words.get(row.film_id, []), row.start_us,
                                                                          row.end_us)] if film else [],
        ))
    protos = {p.id: p.name for p in session.scalars(select(Prototype))}
    titles = {r.clip_id: r.title for r in rows if r.clip_id is not None}
    actions = [ActionRecord(id=a.id, text=a.text, owner=a.owner, due=_iso(a.due), prototype_id=a.prototype_id,
                            prototype=protos.get(a.prototype_id), clip_id=a.clip_id, clip=titles.get(a.clip_id))
               for a in sorted(review.actions, key=lambda a: a.id)]
    return ReviewDetail(record, items, actions, notes.get(None, ""))


def detail(lib: Library, review_id: int) -> ReviewDetail:
    with lib.read() as s:
        return review_detail(lib, s, review_id)
