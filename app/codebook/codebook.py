"""The codebook: tags of kind challenge, opportunity or theme, with colour and shortcut."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from media.errors import BadInput
from app.library import Library
from app.models import ClipTag, Tag, TAG_KINDS
from app.lookup import check_name
from app import db, lookup

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def check_kind(kind: str) -> str:
    kind = (kind or "").strip().lower()
    if kind not in TAG_KINDS:
        raise BadInput(f"tag kind {kind!r}: must be one of {', '.join(TAG_KINDS)}")
    return kind


def check_color(color: str) -> str:
    if not _HEX.match(color or ""):
        raise BadInput(f"colour {color!r}: use #RRGGBB, for example #2f9e6e")
    return color.lower()


def get_or_create(session: Session, name: str, kind: str, color: str | None = None) -> Tag:
    """The tag ``kind:name`` (case-insensitive), created at the end of its kind if new."""
    name, kind = check_name(name, "tag"), check_kind(kind)

    def find() -> Tag | None:
        return session.scalars(select(Tag).where(Tag.kind == kind, func.lower(Tag.name) == name.lower())).first()

    found = find()
    if found is None:
        last = session.scalar(select(func.max(Tag.position))) or 0
        # Another facilitator adding the same new tag at the same moment: both get the one tag.
        found = db.add_unique(session, Tag(name=name, kind=kind, color=check_color(color) if color else "#888888",
                                           position=last + 1), find)
    return found


def add(lib: Library, name: str, kind: str, color: str | None = None) -> int:
    kind, name = check_kind(kind), check_name(name, "tag")
    if color is not None:
        color = check_color(color)  # '' is a wrong colour, not "no colour"
    with lib.op(f"Add tag “{name}”") as s:
        exists = s.scalars(select(Tag).where(Tag.kind == kind, func.lower(Tag.name) == name.strip().lower())).first()
        if exists is not None:
            raise BadInput(f"tag {kind}:{name}: already in the codebook")
        return get_or_create(s, name, kind, color).id


def rename(lib: Library, tag_id: int, name: str) -> None:
    name = check_name(name, "tag")
    with lib.op("Rename tag") as s:
        tag = lookup.by_id(s, Tag, tag_id)
        clash = s.scalars(
            select(Tag).where(Tag.kind == tag.kind, func.lower(Tag.name) == name.lower(), Tag.id != tag_id)
        ).first()
        if clash is not None:
            raise BadInput(f"tag {tag.kind}:{name}: already in the codebook (merge the two instead)")
        tag.name = name


def recolor(lib: Library, tag_id: int, color: str) -> None:
    color = check_color(color)
    with lib.op("Change tag colour") as s:
        lookup.by_id(s, Tag, tag_id).color = color


def set_archived(lib: Library, tag_id: int, archived: bool = True) -> None:
    with lib.op("Archive tag" if archived else "Restore tag") as s:
        lookup.by_id(s, Tag, tag_id).archived = archived


def merge(lib: Library, source_id: int, target_id: int) -> None:
    """Move every clip of ``source`` onto ``target`` and remove ``source``."""
    if source_id == target_id:
        raise BadInput("merge: a tag cannot be merged into itself")
    with lib.op("Merge tags") as s:
        source, target = lookup.by_id(s, Tag, source_id), lookup.by_id(s, Tag, target_id)
        if source is None or target is None:
            raise BadInput("merge: one of the two tags no longer exists")
        have = set(s.scalars(select(ClipTag.clip_id).where(ClipTag.tag_id == target_id)))
        for link in list(source.clip_links):
            if link.clip_id not in have:
                s.add(ClipTag(clip_id=link.clip_id, tag_id=target_id))
        for child in s.scalars(select(Tag).where(Tag.parent_id == source_id)):
            child.parent_id = target_id
        s.delete(source)


SHORTCUT_KEYS = tuple("123456789")


def set_shortcut(lib: Library, tag_id: int, key: str | None) -> None:
    """Give a tag a key 1–9 (taking it from any tag that had it), or none."""
    if key is not None and key not in SHORTCUT_KEYS:
        raise BadInput(f"shortcut {key!r}: use a key from 1 to 9")
    with lib.op("Set tag shortcut") as s:
        if key is not None:
            for other in s.scalars(select(Tag).where(Tag.shortcut == key, Tag.id != tag_id)):
                other.shortcut = None
        lookup.by_id(s, Tag, tag_id).shortcut = key


def move(lib: Library, tag_id: int, steps: int) -> None:
    """Move a tag up (negative) or down within its kind."""
    with lib.op("Reorder codebook") as s:
        tag = lookup.by_id(s, Tag, tag_id)
        siblings = list(s.scalars(select(Tag).where(Tag.kind == tag.kind).order_by(Tag.position, Tag.name)))
        index = siblings.index(tag)
        target = max(0, min(index + steps, len(siblings) - 1))
        siblings.insert(target, siblings.pop(index))
        base = min(t.position for t in siblings)
        for offset, sibling in enumerate(siblings):
            if sibling.position != base + offset:
                sibling.position = base + offset


def set_parent(lib: Library, tag_id: int, parent_id: int | None) -> None:
    with lib.op("Set parent tag") as s:
        tag = lookup.by_id(s, Tag, tag_id)
        seen, walk = {tag_id}, parent_id
        while walk is not None:  # no cycles: a tag cannot sit under its own child
            if walk in seen:
                raise BadInput(f"tag {tag.name!r}: cannot be placed under one of its own sub-tags")
            seen.add(walk)
            walk = lookup.by_id(s, Tag, walk).parent_id
        tag.parent_id = parent_id


def shortcut_tag(lib: Library, key: str) -> int | None:
    with lib.read() as s:
        return s.scalar(select(Tag.id).where(Tag.shortcut == key, Tag.archived.is_(False)))


# Import and export of the whole codebook live in ``codebook_files`` (one feature per module).
