"""Breakfast reviews: present clips to a room and keep what the room said and decided.

A review fixes its running order when it starts: each item is a clip (or a whole film that
has no clips), its caption and the question put to the room, and whether the meeting may see
it. That last answer comes from the export policy (``app.ways_out.export_policy``), the same check
every export passes, with the meeting as the audience: a refused clip stays in the running
order as a "withheld" item, so the room sees that something was left out and why in general,
never who.

What the facilitator types (notes, actions) is saved as it is typed; those saves are not
undo steps (the text box has its own undo); marks and deletions are.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.ways_out import consent_policy, export_policy
from app.prototypes import evidence
from app import queries
from app.reels import reel_plan
from app.library import Library
from app.models import (
    MARK_KINDS, Clip, Film, Review, ReviewAction, ReviewItem, ReviewMark, ReviewNote, utcnow,
)
from app import lookup
from app.queries import ClipFilter
from media.errors import BadInput
from media.export.plan import Person, PlanItem, ReelPlan

MEETING_AUDIENCES = ("team", "collaborative")
DEFAULT_AUDIENCE = "collaborative"  # the Thursday meeting is the collaborative: the wider, safer default


def check_audience(audience: str) -> str:
    audience = (audience or "").strip().lower()
    if audience not in MEETING_AUDIENCES:
        raise BadInput(f"audience {audience!r}: a review is for a team or collaborative meeting")
    return audience


def start(lib: Library, *, reel=None, prototype=None, event=None, clip_ids: list[int] | None = None,
          audience: str | None = None, discuss: str = "", title: str | None = None) -> int:
    """Create a review of exactly one of: a reel, a prototype's evidence board, an event's
    films, or a list of clips (e.g. what the clip list shows). Returns the review's id."""
    given = [x is not None for x in (reel, prototype, event, clip_ids)]
    if sum(given) != 1:
        raise BadInput("present: give one of a reel, --prototype NAME, --event NAME or clips")
    audience = check_audience(audience or DEFAULT_AUDIENCE)
    with lib.read() as s:
        fields, items, discuss_by_position = _running_order(lib, s, reel, prototype, event, clip_ids)
    if not items:
        raise BadInput(f"{fields['source']} {fields['title']!r}: has no clips or films to present")
    plan = ReelPlan(reel_id=fields.get("reel_id") or 0, title=fields["title"], subtitle="", audience=audience,
                    items=items)
    refused: dict[int, list[str]] = {}
    for refusal in export_policy.refusals(plan):
        refused.setdefault(refusal.position, []).append(refusal.reason)
    with lib.op(f"Start review {fields['title']}", undoable=False) as s:  # Delete removes one (undoably)
        review = Review(title=title or fields["title"], held_on=dt.date.today(), audience=audience,
                        source=fields["source"], reel_id=fields.get("reel_id"),
                        prototype_id=fields.get("prototype_id"), event_id=fields.get("event_id"),
                        started_at=utcnow())
        s.add(review)
        s.flush()
        for item in items:
            s.add(ReviewItem(
                review_id=review.id, clip_id=item.clip_id or None, film_id=item.film_id, position=item.position,
                start_us=item.start_us, end_us=item.end_us, title=item.clip_title, caption=item.caption,
                discuss=discuss_by_position.get(item.position) or discuss,
                withheld=item.position in refused, withheld_reason="; ".join(refused.get(item.position, [])),
                shown_us=0,
            ))
        return review.id


def _running_order(lib: Library, s: Session, reel, prototype, event, clip_ids):
    discuss: dict[int, str] = {}
    if reel is not None:
        found = lookup.reel(s, reel)
        plan = reel_plan.build(lib, s, found.id)
        discuss = {n: ri.discuss for n, ri in enumerate(found.items) if ri.discuss}
        return {"source": "reel", "title": found.title, "reel_id": found.id}, plan.items, discuss
    if prototype is not None:
        proto = lookup.prototype(s, prototype)
        board = evidence.board(lib, proto.id)
        ids = list(dict.fromkeys(c.id for g in board.groups for c in g.clips))  # board order, once each
        return ({"source": "prototype", "title": proto.name, "prototype_id": proto.id},
                _clip_items(lib, s, ids), discuss)
    if event is not None:
        found = lookup.event(s, event)
        items = []
        for film in s.scalars(select(Film).where(Film.event_id == found.id).order_by(Film.title, Film.id)):
            film_clips = queries.clip_ids(s, ClipFilter(film_ids=[film.id]))
            if film_clips:
                items += _clip_items(lib, s, film_clips, first=len(items))
            else:  # a film nobody has marked yet is shown whole
                items.append(_film_item(lib, s, film, len(items)))
        return {"source": "event", "title": found.name, "event_id": found.id}, items, discuss
    ids = [lookup.clip(s, ref).id for ref in clip_ids]
    return {"source": "clips", "title": f"Selected clips ({len(ids)})"}, _clip_items(lib, s, ids), discuss


def _clip_items(lib: Library, s: Session, ids: list[int], first: int = 0) -> list[PlanItem]:
    return [reel_plan.plan_item(lib, s, s.get(Clip, clip_id), first + n) for n, clip_id in enumerate(ids)]


def _film_item(lib: Library, s: Session, film: Film, position: int) -> PlanItem:
    people = [Person(consent_policy.label(a.person), a.person.role, a.person.consent, name=a.person.name)
              for a in film.appearances]
    return PlanItem(position=position, clip_id=0, clip_title=film.title, film_id=film.id, film_title=film.title,
                    source=lib.film_path(film), start_us=0, end_us=film.duration_us, fps=film.fps,
                    has_video=film.has_video, has_audio=film.has_audio, width=film.width, height=film.height,
                    rotation=film.rotation, people=people, caption=film.title)


def _review(s: Session, review_id: int) -> Review:
    review = s.get(Review, review_id)
    if review is None:
        raise BadInput(f"review {review_id}: no such review in this library")
    return review


def find(lib: Library, ref) -> int:
    """A review by id, or by exact title when only one review has it."""
    text = str(ref).strip()
    with lib.read() as s:
        if text.isdigit() and s.get(Review, int(text)) is not None:
            return int(text)
        ids = list(s.scalars(select(Review.id).where(Review.title == text)))
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise BadInput(f"review {text!r}: no such review in this library (see `protoreel reviews`)")
    raise BadInput(f"review {text!r}: {len(ids)} reviews have this title (ids {ids}); give the id")


# -- what the facilitator types and presses --------------------------------------------------
def set_note(lib: Library, review_id: int, clip_id: int | None, text: str) -> None:
    """The review's note on a clip (``None``: on the meeting as a whole), replaced as typed."""
    with lib.op("Review note", undoable=False) as s:
        _review(s, review_id)
        note = s.scalars(select(ReviewNote).where(ReviewNote.review_id == review_id,
                                                  ReviewNote.clip_id.is_(None) if clip_id is None
                                                  else ReviewNote.clip_id == clip_id)).first()
        if note is None:
            s.add(ReviewNote(review_id=review_id, clip_id=clip_id, text=text))
        elif note.text != text:
            note.text = text


def add_mark(lib: Library, review_id: int, clip_id: int | None, kind: str) -> int:
    if kind not in MARK_KINDS:
        raise BadInput(f"mark {kind!r}: must be one of {', '.join(MARK_KINDS)}")
    with lib.op(f"Mark “{kind}”") as s:
        _review(s, review_id)
        mark = ReviewMark(review_id=review_id, clip_id=clip_id, kind=kind)
        s.add(mark)
        s.flush()
        return mark.id


def remove_mark(lib: Library, review_id: int, clip_id: int | None, kind: str) -> bool:
    """Take back the latest mark of ``kind`` on a clip (a mis-press); False if there is none."""
    with lib.op(f"Remove mark “{kind}”") as s:
        mark = s.scalars(select(ReviewMark).where(
            ReviewMark.review_id == review_id, ReviewMark.kind == kind,
            ReviewMark.clip_id.is_(None) if clip_id is None else ReviewMark.clip_id == clip_id,
        ).order_by(ReviewMark.id.desc())).first()
        if mark is None:
            return False
        s.delete(mark)
        return True


ACTION_FIELDS = {"text", "owner", "due", "prototype_id", "clip_id"}


def parse_due(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or nothing (raises ValueError for anything else)."""
    text = text.strip()
    if text and len(text) != 10:  # fromisoformat also takes "20261210"; people write dates in full
        raise ValueError(text)
    return dt.date.fromisoformat(text) if text else None


def _action_fields(s: Session, fields: dict) -> dict:
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise BadInput(f"action fields {sorted(unknown)}: cannot be set")
    if isinstance(fields.get("due"), str):
        try:
            fields["due"] = parse_due(fields["due"])
        except ValueError:
            raise BadInput(f"due date {fields['due']!r}: write it as YYYY-MM-DD") from None
    if isinstance(fields.get("prototype_id"), str):  # a name, as typed on the command line
        fields["prototype_id"] = lookup.prototype(s, fields["prototype_id"]).id
    return fields


def add_action(lib: Library, review_id: int, text: str, owner: str = "", due=None, prototype_id=None,
               clip_id: int | None = None) -> int:
    """An action the room agreed: what, who, by when, for which prototype. Not an undo step:
    it is made by the first keystroke and then edited as typed (Delete removes it, undoably)."""
    with lib.op("Add action", undoable=False) as s:
        _review(s, review_id)
        fields = _action_fields(s, {"text": text, "owner": owner, "due": due, "prototype_id": prototype_id,
                                    "clip_id": clip_id})
        action = ReviewAction(review_id=review_id, **fields)
        s.add(action)
        s.flush()
        return action.id


def update_action(lib: Library, action_id: int, **fields) -> None:
    """Saved as typed: not an undo step of its own (the field has its own undo)."""
    with lib.op("Edit action", undoable=False) as s:
        action = s.get(ReviewAction, action_id)
        if action is None:
            raise BadInput(f"action {action_id}: no such action")
        for key, value in _action_fields(s, dict(fields)).items():
            if getattr(action, key) != value:
                setattr(action, key, value)


def delete_action(lib: Library, action_id: int) -> None:
    with lib.op("Delete action") as s:
        action = s.get(ReviewAction, action_id)
        if action is not None:
            s.delete(action)


def set_discuss(lib: Library, item_id: int, question: str) -> None:
    with lib.op("Discussion question", undoable=False) as s:
        s.get(ReviewItem, item_id).discuss = question


# -- the meeting's course ------------------------------------------------------------------
def shown(lib: Library, review_id: int, item_id: int | None, add_us: int, position: int) -> None:
    """``add_us`` more of an item was on the audience screen; the meeting is at ``position``."""
    with lib.op("Review progress", undoable=False) as s:
        review = _review(s, review_id)
        if item_id is not None and add_us > 0:
            item = s.get(ReviewItem, item_id)
            item.shown_us = (item.shown_us or 0) + int(add_us)
        if review.last_position != position:
            review.last_position = position
        review.ended_at = None  # continuing a finished review reopens it


def finish(lib: Library, review_id: int) -> None:
    with lib.op("End review", undoable=False) as s:
        _review(s, review_id).ended_at = utcnow()


def delete(lib: Library, review_id: int) -> None:
    with lib.op("Delete review") as s:
        s.delete(_review(s, review_id))
