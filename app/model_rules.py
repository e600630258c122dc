"""The rules every row obeys before it is written, whoever writes it (the window, the command
line, a codebook file, a bundle): people's texts go through ``app.texts``, and every value fits
its column on every database. Registered on the models when this module is imported
(``app.library`` does, so every library has them)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, event

from app import texts
from app.models import (Base, Clip, ConsentRecord, Event, Film, Person, Prototype, Reel, ReelItem, ReviewAction,
                        ReviewNote, Tag)
from media.errors import BadInput

# -- one rule for every text people type or a file brings in (app.texts) ----------------------
# Applied whenever the attribute is set (new rows and edits alike), whoever sets it: the window,
# the command line, a codebook file or a bundle. Copies the app derives (review items, export
# records) and the library's own bookkeeping are not people's text and are not checked here.
TEXT_RULES = {
    (Event, "name"): ("event name", texts.name, texts.NAME_CHARS),
    (Event, "place"): ("event place", texts.title, 200),
    (Film, "title"): ("film title", texts.name, texts.TITLE_CHARS),
    (Person, "name"): ("person", texts.name, texts.NAME_CHARS),
    (Person, "pseudonym"): ("pseudonym", texts.title, texts.NAME_CHARS),
    (Person, "notes"): ("person notes", texts.note, texts.NOTE_CHARS),
    (ConsentRecord, "how"): ("how consent was given", texts.title, 100),
    (ConsentRecord, "notes"): ("consent notes", texts.note, texts.NOTE_CHARS),
    (Tag, "name"): ("tag", texts.name, texts.NAME_CHARS),
    (Tag, "description"): ("tag description", texts.note, texts.NOTE_CHARS),
    (Clip, "title"): ("clip title", texts.title, texts.TITLE_CHARS),
    (Clip, "note"): ("clip note", texts.note, texts.NOTE_CHARS),
    (Clip, "quote"): ("clip quote", texts.note, texts.NOTE_CHARS),
    (Clip, "safeguarding_note"): ("content warning", texts.note, texts.NOTE_CHARS),
    (Prototype, "name"): ("prototype", texts.name, texts.NAME_CHARS),
    (Prototype, "summary"): ("prototype summary", texts.note, texts.NOTE_CHARS),
    (Reel, "title"): ("reel", texts.name, texts.TITLE_CHARS),
    (Reel, "subtitle"): ("reel subtitle", texts.title, texts.TITLE_CHARS),
    (ReelItem, "card_text"): ("title card", texts.note, texts.NOTE_CHARS),
    (ReelItem, "caption"): ("caption", texts.note, texts.NOTE_CHARS),
    (ReelItem, "discuss"): ("question to discuss", texts.note, texts.NOTE_CHARS),
    (ReviewNote, "text"): ("review note", texts.note, texts.NOTE_CHARS),
    (ReviewAction, "text"): ("action", texts.note, texts.NOTE_CHARS),
    (ReviewAction, "owner"): ("action owner", texts.title, texts.NAME_CHARS),
}


def _text_rule(what: str, rule, limit: int):
    def check(_target, value, _old, _initiator):
        return value if value is None else rule(value, what, limit)

    return check


for (_model, _column), (_what, _rule, _limit) in TEXT_RULES.items():
    event.listen(getattr(_model, _column), "set", _text_rule(_what, _rule, _limit), retval=True)
# -- the same rules on every database ----------------------------------------------------------
# SQLite stores any text in any column; PostgreSQL refuses a title longer than its column, a NUL
# character, or a number past its integer type, with a driver error. Every row written through
# the ORM is checked here first, so both refuse the same values with the same one line.
INT_LIMITS = {Integer: 2**31, BigInteger: 2**63}


def _what(mapper) -> str:
    """``ReviewItem`` -> "review item"."""
    name = mapper.class_.__name__
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()


def check_values(mapper, target) -> None:
    for column in mapper.local_table.columns:
        value = target.__dict__.get(mapper.get_property_by_column(column).key)
        if value is None:
            continue
        where = f"{_what(mapper)} {column.name}"
        if isinstance(value, str):
            if "\x00" in value:
                raise BadInput(f"{where} {value[:40]!r}: cannot hold a NUL character")
            limit = getattr(column.type, "length", None)
            if limit is not None and len(value) > limit:
                raise BadInput(f"{where} {value[:40]!r}…: too long ({len(value)} characters; at most {limit})")
        elif isinstance(value, int) and not isinstance(value, bool):
            bound = next((b for kind, b in INT_LIMITS.items() if type(column.type) is kind), None)
            if bound is not None and not -bound <= value < bound:
                raise BadInput(f"{where} {value}: too large a number")


@event.listens_for(Base, "before_insert", propagate=True)
def _check_insert(mapper, _conn, target) -> None:
    check_values(mapper, target)


@event.listens_for(Base, "before_update", propagate=True)
def _check_update(mapper, _conn, target) -> None:
    check_values(mapper, target)
