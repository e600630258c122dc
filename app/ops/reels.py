"""Reels: an ordered track of clips, each a range of a source film, for an audience."""

from __future__ import annotations

from app.errors import BadInput
from app.library import Library
from app.models import AUDIENCES, Reel, ReelItem
from app.ops import lookup


def check_audience(audience: str) -> str:
    audience = audience.strip().lower()
    if audience not in AUDIENCES:
        raise BadInput(f"audience {audience!r}: must be one of {', '.join(AUDIENCES)}")
    return audience


def create(lib: Library, title: str, clip_refs: list, audience: str = "team", height: int = 720) -> int:
    title, audience = title.strip(), check_audience(audience)
    if not title:
        raise BadInput("reel '': a reel needs a title")
    if height not in (720, 1080):
        raise BadInput(f"height {height}: must be 720 or 1080")
    with lib.op(f"Create reel {title}") as s:
        reel = Reel(title=title, audience=audience, height=height)
        s.add(reel)
        s.flush()
        for position, ref in enumerate(clip_refs):
            clip = lookup.clip(s, ref)
            s.add(ReelItem(reel_id=reel.id, clip_id=clip.id, position=position))
        return reel.id
