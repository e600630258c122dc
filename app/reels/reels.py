"""Reels: an ordered track of clips, each a range of a source film, for an audience."""

from __future__ import annotations

from sqlalchemy import func, select

from media.errors import BadInput
from app.library import Library
from app.models import AUDIENCES, Clip, Reel, ReelItem
from app import lookup, texts


def check_audience(audience: str) -> str:
    audience = str(audience or "").strip().lower()
    if audience not in AUDIENCES:
        raise BadInput(f"audience {audience!r}: must be one of {', '.join(AUDIENCES)}")
    return audience


def free_title(lib: Library, base: str) -> str:
    """``base``, or ``base 2``, ``base 3``... whichever no reel has yet."""
    with lib.read() as s:
        taken = {t.lower() for t in s.scalars(select(Reel.title))}
    n, title = 1, base
    while title.lower() in taken:
        n += 1
        title = f"{base} {n}"
    return title


def create(lib: Library, title: str, clip_refs: list, audience: str = "team", height: int = 720) -> int:
    title, audience = lookup.check_name(title, "reel", 300), check_audience(audience)
    if height not in (720, 1080):
        raise BadInput(f"height {height}: must be 720 or 1080")
    with lib.op(f"Create reel “{title}”") as s:
        if s.scalars(select(Reel.id).where(func.lower(Reel.title) == title.lower())).first() is not None:
            raise BadInput(f"reel {title!r}: a reel with this title exists; choose another so it can be named")
        reel = Reel(title=title, audience=audience, height=height)
        s.add(reel)
        s.flush()
        for position, ref in enumerate(clip_refs):
            clip = lookup.clip(s, ref)
            s.add(ReelItem(reel_id=reel.id, clip_id=clip.id, position=position))
        return reel.id


REEL_FIELDS = {"title", "subtitle", "audience", "height"}
SETTING_FIELDS = {"cards", "captions", "opening_card", "credits", "crf", "preset", "audio_bitrate", "fps"}


def add_clips(lib: Library, reel_id: int, clip_ids: list[int], position: int | None = None) -> None:
    """Insert clips at ``position`` (default: the end)."""
    with lib.op("Add clips to reel") as s:
        reel = lookup.by_id(s, Reel, reel_id)
        items = list(reel.items)
        position = len(items) if position is None else max(0, min(position, len(items)))
        new = [ReelItem(reel_id=reel_id, clip_id=clip_id, position=0) for clip_id in clip_ids]
        for item in new:
            s.add(item)
        _renumber(items[:position] + new + items[position:])


def remove_items(lib: Library, item_ids: list[int]) -> None:
    with lib.op("Remove from reel") as s:
        reels = set()
        for item_id in item_ids:
            item = lookup.by_id(s, ReelItem, item_id)
            reels.add(item.reel_id)
            s.delete(item)
        s.flush()
        for reel_id in reels:
            s.expire(lookup.by_id(s, Reel, reel_id), ["items"])
            _renumber(list(lookup.by_id(s, Reel, reel_id).items))


def move_item(lib: Library, item_id: int, position: int) -> None:
    """Move one item to ``position`` (0-based) in its reel."""
    with lib.op("Reorder reel") as s:
        item = lookup.by_id(s, ReelItem, item_id)
        items = [i for i in item.reel.items if i.id != item_id]
        position = max(0, min(position, len(items)))
        _renumber(items[:position] + [item] + items[position:])


def _renumber(items: list[ReelItem]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def update_item(lib: Library, item_id: int, **fields) -> None:
    """Change an item's ``card_text``, ``caption`` (None: the default), ``fade`` or ``discuss`` (the
    question put to the room after the clip at a review)."""
    unknown = set(fields) - {"card_text", "caption", "fade", "discuss"}
    if unknown:
        raise BadInput(f"reel item fields {sorted(unknown)}: cannot be changed")
    with lib.op("Edit reel item") as s:
        item = lookup.by_id(s, ReelItem, item_id)
        for key, value in fields.items():
            setattr(item, key, value)


def _checked(fields: dict) -> dict:
    unknown = set(fields) - REEL_FIELDS - SETTING_FIELDS
    if unknown:
        raise BadInput(f"reel fields {sorted(unknown)}: cannot be changed")
    if "audience" in fields:
        fields["audience"] = check_audience(fields["audience"])
    if "height" in fields and fields["height"] not in (720, 1080):
        raise BadInput(f"height {fields['height']}: must be 720 or 1080")
    if "title" in fields:
        fields["title"] = lookup.check_name(fields["title"], "reel", 300)
    if fields.get("credits"):  # kept in the settings, not a column: the text rule by hand
        fields["credits"] = texts.note(fields["credits"], "reel credits")
    if "fps" in fields:  # a standard rate as "30000/1001", or None for the automatic rule
        from app.reels.reel_plan import parse_reel_rate
        from media.timecode import fps_str

        rate = parse_reel_rate(str(fields["fps"] or ""))
        fields["fps"] = fps_str(rate) if rate else None
    return fields


def _apply(s, reel: Reel, fields: dict) -> None:
    import json

    if "title" in fields and s.scalars(select(Reel.id).where(
            func.lower(Reel.title) == str(fields["title"]).strip().lower(), Reel.id != reel.id)).first():
        raise BadInput(f"reel {fields['title']!r}: another reel has this title; choose another")
    settings = json.loads(reel.settings_json or "{}")
    for key, value in fields.items():
        if key in REEL_FIELDS:
            setattr(reel, key, value.strip() if isinstance(value, str) else value)
        else:
            settings[key] = value
    reel.settings_json = json.dumps(settings, sort_keys=True)


def update(lib: Library, reel_id: int, **fields) -> None:
    """Change the reel's title, subtitle, audience, height or render settings."""
    fields = _checked(fields)
    with lib.op("Change reel settings") as s:
        _apply(s, lookup.by_id(s, Reel, reel_id), fields)


def edit(lib: Library, reel_id: int, add: list[int] = (), remove: list[int] = (), **fields) -> None:
    """Settings, clips added at the end and clips taken out (every item of each), as one
    undoable step: all of it or none."""
    fields = _checked(fields)
    with lib.op("Edit reel") as s:
        reel = lookup.by_id(s, Reel, reel_id)
        _apply(s, reel, fields)
        items = list(reel.items)
        for clip_id in remove:
            if not any(i.clip_id == clip_id for i in items):
                raise BadInput(f"clip {clip_id}: not in reel {reel.title!r}")
        kept = [i for i in items if i.clip_id not in set(remove)]
        for item in items:
            if item not in kept:
                s.delete(item)
        new = [ReelItem(reel_id=reel.id, clip_id=lookup.by_id(s, Clip, c).id, position=0) for c in add]
        for item in new:
            s.add(item)
        _renumber(kept + new)


def delete(lib: Library, reel_id: int) -> None:
    with lib.op("Delete reel") as s:
        s.delete(lookup.by_id(s, Reel, reel_id))
