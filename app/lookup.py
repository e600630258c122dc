"""Find things the way people name them: by id or by exact title/name."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import texts
from media.errors import Ambiguous, BadInput, NotFound
from app.models import Clip, Event, Film, Person, Prototype, Reel, Tag, TAG_KINDS


MAX_REF_CHARS = 1000
MAX_NAME_CHARS = 200


def check_name(text, what: str, limit: int = MAX_NAME_CHARS) -> str:
    """A name as people will see it in lists and files: not empty, one line, not huge, nothing
    invisible or reversing (the one rule for text: ``app.texts``)."""
    return texts.name(text, what, limit)


def _is_id(text: str) -> bool:
    # str.isdigit() is true for '١٢' and '²', and int() takes the first: ids are ASCII digits.
    return texts.is_ascii_id(text)


NAMES = {"Clip": "clip", "Film": "film", "Tag": "tag", "Prototype": "prototype", "Reel": "reel",
         "ReelItem": "reel item", "Person": "person", "Event": "event"}


def by_id(session: Session, model, row_id):
    """The row with this id, or ``NotFound`` naming it (a stale id: deleted, or undone elsewhere)."""
    found = session.get(model, row_id) if row_id is not None else None
    if found is None:
        what = NAMES.get(model.__name__, model.__name__.lower())
        raise NotFound(f"{what} {row_id}: no longer in the library (deleted or undone)")
    return found


def _by_id_or_name(session: Session, model, column, ref, what: str):
    text = str(ref).strip()
    if not text:
        raise BadInput(f"{what} '': give an id or an exact name")
    if len(text) > MAX_REF_CHARS:
        raise NotFound(f"{what} {text[:40]!r}…: no {what} has so long a name")
    if _is_id(text):
        found = session.get(model, int(text))
        if found is not None:
            return found
    rows = session.scalars(select(model).where(column == text)).all()
    if not rows:
        rows = session.scalars(select(model).where(func.lower(column) == text.lower())).all()
    if len(rows) == 1:
        return rows[0]
    if not rows:
        raise NotFound(f"{what} {text!r}: no such {what} in this library")
    ids = ", ".join(str(r.id) for r in rows)
    raise Ambiguous(f"{what} {text!r}: {len(rows)} match (ids {ids}); give the id")


def film(session: Session, ref) -> Film:
    return _by_id_or_name(session, Film, Film.title, ref, "film")


def clip(session: Session, ref) -> Clip:
    return _by_id_or_name(session, Clip, Clip.title, ref, "clip")


def reel(session: Session, ref) -> Reel:
    return _by_id_or_name(session, Reel, Reel.title, ref, "reel")


def prototype(session: Session, ref) -> Prototype:
    return _by_id_or_name(session, Prototype, Prototype.name, ref, "prototype")


def person(session: Session, ref) -> Person:
    return _by_id_or_name(session, Person, Person.name, ref, "person")


def event(session: Session, ref) -> Event:
    return _by_id_or_name(session, Event, Event.name, ref, "event")


def split_tag_ref(ref: str) -> tuple[str | None, str]:
    """``"challenge:Waiting"`` → ("challenge", "Waiting"); ``"Waiting"`` → (None, "Waiting")."""
    kind, sep, name = ref.partition(":")
    if sep and kind.strip().lower() in TAG_KINDS:
        return kind.strip().lower(), name.strip()
    return None, ref.strip()


def tag_or_none(session: Session, name: str, kind: str) -> Tag | None:
    try:
        return tag(session, name, kind)
    except NotFound:
        return None


def _likeness(typed: str, name: str) -> float:
    """How much ``typed`` looks like a tag's name or one of its words ("Acess" is "Access
    barriers"' first word misspelt): difflib's ratio, the best of the whole name, each word
    and each run of as many words as were typed."""
    import difflib

    words = name.lower().split()
    width = max(len(typed.split()), 1)
    parts = {name.lower(), *(" ".join(words[i:i + width]) for i in range(len(words)))}
    return max(difflib.SequenceMatcher(None, typed, part).ratio() for part in parts)


def near_tags(session: Session, name: str, kind: str | None = None) -> list[str]:
    """Names in the codebook that look like a typo of ``name`` (closest first)."""
    import difflib

    query = select(Tag.name) if kind is None else select(Tag.name).where(Tag.kind == kind)
    names = list(session.scalars(query))
    by_lower = {n.lower(): n for n in names}
    return [by_lower[n] for n in difflib.get_close_matches(name.strip().lower(), list(by_lower), n=3, cutoff=0.75)]


def closest_tags(session: Session, name: str, cutoff: float = 0.6) -> list[str]:
    """The codebook's tags (``KIND:NAME``) most like ``name``, closest first, at most three: a
    typed word is compared with each tag's whole name and with its words, so "Acess" finds
    "Access barriers" (``near_tags`` compares whole names only)."""
    typed = " ".join(name.strip().lower().split())
    if not typed:
        return []
    scored = sorted(((_likeness(typed, tag_name), f"{kind}:{tag_name}")
                     for kind, tag_name in session.execute(select(Tag.kind, Tag.name).where(Tag.archived.is_(False)))),
                    key=lambda pair: (-pair[0], pair[1].lower()))
    return [ref for score, ref in scored if score >= cutoff][:3]


def tag(session: Session, ref, kind: str | None = None) -> Tag:
    """A tag by id, ``KIND:NAME`` or a name unique across kinds (case-insensitive)."""
    text = str(ref).strip()
    if _is_id(text) and kind is None:
        found = session.get(Tag, int(text))
        if found is not None:
            return found
    parsed_kind, name = split_tag_ref(text)
    kind = kind or parsed_kind
    query = select(Tag).where(func.lower(Tag.name) == name.lower())
    if kind:
        query = query.where(Tag.kind == kind)
    rows = session.scalars(query).all()
    if len(rows) == 1:
        return rows[0]
    if not rows:
        near = near_tags(session, name, kind)
        raise NotFound(f"tag {text!r}: no such tag in the codebook" + (f"; did you mean {near[0]!r}?" if near else ""))
    kinds = ", ".join(f"{r.kind}:{r.name}" for r in rows)
    raise Ambiguous(f"tag {text!r}: more than one kind has it ({kinds}); write KIND:NAME")
