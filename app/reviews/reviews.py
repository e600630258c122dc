"""Breakfast reviews: present clips to a room and keep what the room said and decided.

A review fixes its running order when it starts: each item is a clip (or a whole film that
has no clips), its caption, its card (a reel's own cards, its opening title card and its
closing card, as its MP4 has them) and the question put to the room. Whether the meeting may
see an item is asked of the one gate (``app.ways_out.gate``), with the meeting as the audience: when the review
starts (the words on its screens may name nobody: refused then, like an export), and again
for every item the moment it is shown (``show_item``): a withdrawal, a narrowed consent or a
new safeguarding flag from any window or command takes effect at the next item. A refused
clip stays in the running order as a "withheld" item, so the room sees that something was
left out, never who; each clip shown is logged (who, which clip, audience, when), so a
withdrawal lists the reviews that showed the person.

What the facilitator types (notes, actions) is saved as it is typed; those saves are not
undo steps (the text box has its own undo); marks and deletions are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.ways_out import consent_policy
from app.ways_out.gate import Exit, way_out
from app.ways_out.name_guard import Guard, NameRefused, Note, Text, no_note
from app.ways_out.name_texts import CLIP_FIX
from app.prototypes import evidence
from app import queries
from app import texts as text_rule  # `texts` is a local name below (what the name guard reads)
from app.reels import reel_plan
from app.library import Library
from app.models import (
    MARK_KINDS, Clip, ClipPrototype, ClipTag, Film, Prototype, Review, ReviewAction, ReviewItem, ReviewMark,
    ReviewNote, Tag, utcnow,
)
from app import lookup, texts
from app.queries import ClipFilter
from media.errors import BadInput, ConsentRefused
from media.export.plan import Person, PlanItem

MEETING_AUDIENCES = ("team", "collaborative")
DEFAULT_AUDIENCE = "collaborative"  # the Thursday meeting is the collaborative: the wider, safer default


def check_audience(audience: str) -> str:
    audience = (audience or "").strip().lower()
    if audience not in MEETING_AUDIENCES:
        raise BadInput(f"audience {audience!r}: a review is for a team or collaborative meeting")
    return audience


def start(lib: Library, *, reel=None, prototype=None, event=None, clip_ids: list[int] | None = None,
          audience: str | None = None, discuss: str = "", title: str | None = None, note: Note = no_note) -> int:
    """Create a review of exactly one of: a reel, a prototype's evidence board, an event's
    films, or a list of clips (e.g. what the clip list shows). Returns the review's id.
    Refused (``NameRefused``) when a word the room would see names someone in the library."""
    given = [x is not None for x in (reel, prototype, event, clip_ids)]
    if sum(given) != 1:
        raise BadInput("present: give one of a reel, --prototype NAME, --event NAME or clips")
    discuss = text_rule.note(discuss, "question to discuss")  # typed for every clip (copies of a reel's are not)
    if title is not None:
        title = text_rule.name(title, "review title", text_rule.TITLE_CHARS)
    audience = check_audience(audience or DEFAULT_AUDIENCE)
    with lib.read() as s:
        fields, items, discuss_by_position = _running_order(lib, s, reel, prototype, event, clip_ids)
        if not items:
            raise BadInput(f"{fields['source']} {fields['title']!r}: has no clips or films to present")
        refused = _refusals(s, audience, items)
        review_title = title or fields["title"]
        cards = fields.get("cards")  # a reel's own cards (None: the meeting's clip cards)
        opening = fields.get("opening")
        closing = fields.get("closing")  # a reel's closing card's credits
        texts = [Text(f"review {review_title!r}", "title", review_title, "give the review another title")]
        if opening is not None:
            texts += [Text(f"reel {fields['title']!r}", "opening card", opening[0], "rename the reel"),
                      Text(f"reel {fields['title']!r}", "subtitle", opening[1], "edit the reel's subtitle")]
        if closing is not None:
            texts.append(Text(f"reel {fields['title']!r}", "closing card", closing, "edit the reel's credits"))
        for item in items:
            if item.position not in refused:
                card = cards.get(item.position) if cards is not None else None
                texts += screen_texts(item.clip_title, item.position + 1, len(items), item.caption, card,
                                      discuss_by_position.get(item.position) or discuss, [n for _k, n in item.tags],
                                      item.prototypes, item.warning)
        if discuss and all(item.position in refused for item in items):
            # Every item withheld now, yet the question is kept with the review (and a clip may
            # be shown later, e.g. after consent is given again): checked all the same.
            texts.append(Text(f"review {review_title!r}", "question for the room", discuss,
                              "use their pseudonym in the question"))
        try:  # the room's screens: names refused before anything is shown
            Guard.of(s).check(texts, note)
        except NameRefused as exc:
            raise NameRefused(str(exc).replace(" and export again. Nothing was written.",
                                               " and present again. Nothing was shown.")) from None
    with lib.op(f"Start review {fields['title']}", undoable=False) as s:  # Delete removes one (undoably)
        review = Review(title=review_title, held_on=dt.date.today(), audience=audience,
                        source=fields["source"], reel_id=fields.get("reel_id"),
                        prototype_id=fields.get("prototype_id"), event_id=fields.get("event_id"),
                        started_at=utcnow(), opening_title=opening[0] if opening else None,
                        opening_subtitle=opening[1] if opening else "", closing_credits=closing)
        s.add(review)
        s.flush()
        for item in items:
            s.add(ReviewItem(
                review_id=review.id, clip_id=item.clip_id or None, film_id=item.film_id, position=item.position,
                start_us=item.start_us, end_us=item.end_us, title=item.clip_title, caption=item.caption,
                discuss=discuss_by_position.get(item.position) or discuss,
                withheld=item.position in refused, withheld_reason="; ".join(refused.get(item.position, [])),
                shown_us=0, card=cards.get(item.position, "") if cards is not None else None,
            ))
        return review.id


def screen_texts(title: str, position: int, count: int, caption: str, card: str | None, discuss: str, tags, prototypes,
                 warning: str) -> list[Text]:
    """The words the room sees for one item: its card, title, caption, question, tags,
    prototypes and content warning, all shown together."""
    where = consent_policy.clip_label(position, count, title)
    fix = "use their pseudonym there (edit the clip, or the question)"
    texts = [Text(where, "title", title, CLIP_FIX, where), Text(where, "caption", caption, CLIP_FIX, where),
             Text(where, "card", card or "", "edit the reel's card", where),
             Text(where, "question for the room", discuss, fix, where),
             Text(where, "content warning", warning, CLIP_FIX, where)]
    texts += [Text(f"tag {name!r}", "name", name, "rename the tag", where) for name in tags]
    texts += [Text(f"prototype {name!r}", "name", name, "rename the prototype", where) for name in prototypes]
    return texts


def _refusals(s: Session, audience: str, items: list[PlanItem]) -> dict[int, list[str]]:
    """What the one consent policy withholds now, by item position (reasons name people: for
    the presenter's eyes)."""
    clips = [i for i in items if i.clip_id]
    result = consent_policy.evaluate(s, audience, [i.clip_id for i in clips])
    refused = {item.position: d.reasons for item, d in zip(clips, result.decisions) if not d.allowed}
    for item in items:
        if not item.clip_id:
            (d,) = consent_policy.evaluate_stretch(s, audience, item.film_id, item.start_us, item.end_us,
                                                   item.clip_title).decisions
            if not d.allowed:
                refused[item.position] = d.reasons
    return refused


def _running_order(lib: Library, s: Session, reel, prototype, event, clip_ids):
    discuss: dict[int, str] = {}
    if reel is not None:
        found = lookup.reel(s, reel)
        plan = reel_plan.build(lib, s, found.id)
        discuss = {n: ri.discuss for n, ri in enumerate(found.items) if ri.discuss}
        # The reel's own cards, as its MP4 has them: an opening title card, each item's card text.
        cards = {item.position: item.card_text if plan.settings.cards else "" for item in plan.items}
        opening = (plan.title, plan.subtitle) if plan.settings.cards and plan.opening_card else None
        closing = plan.credits if plan.settings.cards and plan.credits else None  # its closing card
        return ({"source": "reel", "title": found.title, "reel_id": found.id, "cards": cards, "opening": opening,
                 "closing": closing}, plan.items, discuss)
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
        if texts.is_ascii_id(text) and s.get(Review, int(text)) is not None:  # not '١': ids are 0-9
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
    question = text_rule.note(question, "question to discuss")  # typed in the presenter view: people's text
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


# -- asking the gate, item by item -----------------------------------------------------------
@dataclass
class Showing:
    """The gate's answer for an item about to be shown to the room."""

    item_id: int
    withheld: bool
    reason: str  # why withheld, for the presenter's eyes (names people); "" when shown
    warning: str  # the clip's content warning now ("" for none): a flag set during the meeting counts
    logged: bool  # the showing is in the export log (who, which clip, audience, when)


def show_item(lib: Library, review_id: int, item_id: int, log: bool = False) -> Showing:
    """Ask the one gate whether item ``item_id`` may be shown to the room now: its people's
    consent as it stands (a withdrawal from any window or command counts), its words on the
    screens (no names), its safeguarding flag. ``log``: the clip is about to play: checked
    again and logged in one transaction, so a withdrawal lists this review. A refused item
    is recorded as withheld (the room gets the withheld card; ``reviews`` counts it)."""
    from app.reels.reel_plan import DEFAULT_WARNING

    with lib.read() as s:
        review = _review(s, review_id)
        row = s.get(ReviewItem, item_id)
        if row is None or row.review_id != review_id:
            raise BadInput(f"review {review_id}: has no item {item_id}")
        count = s.scalar(select(func.count()).select_from(ReviewItem).where(ReviewItem.review_id == review_id))
        clip = s.get(Clip, row.clip_id) if row.clip_id is not None else None
        warning = (clip.safeguarding_note.strip() or DEFAULT_WARNING) if clip is not None and clip.safeguarding else ""
        tags = [t.name for t in s.scalars(select(Tag).join(ClipTag).where(ClipTag.clip_id == row.clip_id))] \
            if clip is not None else []
        prototypes = [p.name for p in s.scalars(select(Prototype).join(ClipPrototype)
                                                .where(ClipPrototype.clip_id == row.clip_id))] if clip is not None else []
        texts = screen_texts(row.title, row.position + 1, count, row.caption, row.card, row.discuss, tags, prototypes,
                             warning)
        before = (row.withheld, row.withheld_reason)
        exit = Exit("showing", review.title, f"review {review.title!r}", review.audience,
                    clip_ids=[clip.id] if clip is not None else [], review_id=review_id,
                    stretch=(row.film_id, row.start_us, row.end_us, row.title) if clip is None else None,
                    texts=lambda _s, _r: texts,
                    refusal=lambda result, _what, _written: "; ".join(
                        r for d in result.decisions if not d.allowed for r in d.reasons))
    if clip is None and row.film_id is None:  # nothing left to show (film and clip deleted): a missing card
        return Showing(item_id, False, "", "", False)
    logged = False
    try:
        passage = way_out(lib, exit, lambda p: (p.show() if log else None) or p)
        logged = passage.record_id is not None
        withheld, reason = False, ""
    except ConsentRefused as exc:
        withheld, reason = True, str(exc)
    except NameRefused as exc:
        withheld, reason = True, str(exc).replace(" and export again. Nothing was written.",
                                                  "; the room is not shown it.")
    if withheld and before != (True, reason) or not withheld and before[0]:
        with lib.op("Review item checked", undoable=False) as s:
            item = s.get(ReviewItem, item_id)
            item.withheld, item.withheld_reason = withheld, reason
    return Showing(item_id, withheld, reason, warning, logged)
