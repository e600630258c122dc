"""Safeguarding: a clip with distressing content carries a flag, and every showing of it (a
reel, review mode) puts a content-warning card before it."""

from __future__ import annotations

from sqlalchemy import select

from app.library import Library
from app.models import Clip
from app.reels.reel_plan import DEFAULT_WARNING
from media.errors import BadInput


def flag(lib: Library, clip_ids: list[int], on: bool = True, note: str = "") -> None:
    """Mark clips as distressing (``on``) or not; ``note`` is the warning's text (a general
    one when empty)."""
    with lib.op("Flag distressing content" if on else "Remove content warning") as s:
        for clip_id in clip_ids:
            clip = s.get(Clip, clip_id)
            if clip is None:
                raise BadInput(f"clip {clip_id}: no such clip")
            clip.safeguarding = on
            clip.safeguarding_note = note.strip() if on else ""


def set_note(lib: Library, clip_id: int, note: str) -> None:
    """Change what a flagged clip's warning card says (empty: the general warning)."""
    with lib.op("Edit content warning") as s:
        clip = s.get(Clip, clip_id)
        if clip is None:
            raise BadInput(f"clip {clip_id}: no such clip")
        if not clip.safeguarding:
            raise BadInput(f"clip {clip.title!r}: not flagged as distressing; tick the flag first")
        clip.safeguarding_note = note.strip()


def warnings(lib: Library, clip_ids) -> dict[int, str]:
    """The content warning to show before each flagged clip of ``clip_ids`` (review mode
    asks this before playing a clip)."""
    with lib.read() as s:
        rows = s.execute(select(Clip.id, Clip.safeguarding_note)
                         .where(Clip.id.in_(list(clip_ids)), Clip.safeguarding.is_(True))).all()
    return {clip_id: (note.strip() or DEFAULT_WARNING) for clip_id, note in rows}
