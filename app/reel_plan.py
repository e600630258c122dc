"""Turn a reel in the library into a ``ReelPlan`` (plain data) for the exporters."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction

from sqlalchemy.orm import Session

from app.library import Library
from app.models import Appearance, Clip, Reel
from app.ops import lookup
from media.export.plan import ExportSettings, Person, PlanItem, ReelPlan

DEFAULT_FPS = Fraction(30)
REEL_RATES = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
              Fraction(50), Fraction(60000, 1001), Fraction(60))


def reel_settings(reel: Reel) -> dict:
    try:
        return json.loads(reel.settings_json or "{}")
    except ValueError:
        return {}


def default_caption(title: str, tags: list[tuple[str, str]]) -> str:
    names = ", ".join(name for _kind, name in tags)
    return f"{title} — {names}" if names and title else title or names


def reel_rate(items: list[PlanItem]) -> Fraction:
    """The rate most of the reel's running time was filmed at (a common rate), else 30."""
    weights: Counter = Counter()
    for item in items:
        if item.fps:
            nearest = min(REEL_RATES, key=lambda r: abs(r - item.fps))
            weights[nearest] += item.duration_us
    return weights.most_common(1)[0][0] if weights else DEFAULT_FPS


def plan_item(lib: Library, session: Session, clip: Clip, position: int, card_text: str = "",
              caption: str | None = None, fade: bool = False) -> PlanItem:
    """One clip as exporters (and the policy check) see it: its film, tags, people."""
    film = clip.film
    tags = [(link.tag.kind, link.tag.name) for link in clip.tag_links]
    tags.sort(key=lambda t: ("challenge", "opportunity", "theme").index(t[0]))
    people = [Person(a.person.name, a.person.role, a.person.consent)
              for a in session.query(Appearance).filter(Appearance.film_id == film.id)]
    return PlanItem(
        position=position, clip_id=clip.id, clip_title=clip.title, film_id=film.id, film_title=film.title,
        source=lib.film_path(film), start_us=clip.start_us, end_us=clip.end_us, fps=film.fps,
        has_video=film.has_video, has_audio=film.has_audio, width=film.width, height=film.height,
        rotation=film.rotation, sar=Fraction(film.sar_num, film.sar_den), tags=tags,
        prototypes=sorted(link.prototype.name for link in clip.prototype_links), people=people,
        note=clip.note, quote=clip.quote, card_text=card_text,
        caption=caption if caption is not None else default_caption(clip.title, tags), fade=fade,
    )


def build(lib: Library, session: Session, reel_ref, height: int | None = None, cards: bool | None = None,
          captions: bool | None = None) -> ReelPlan:
    reel = lookup.reel(session, reel_ref)
    options = reel_settings(reel)
    items = []
    for position, ri in enumerate(reel.items):
        items.append(plan_item(lib, session, ri.clip, position, card_text=ri.card_text or "", caption=ri.caption,
                               fade=ri.fade))
    settings = ExportSettings(
        height=height or reel.height,
        fps=reel_rate(items),
        cards=options.get("cards", True) if cards is None else cards,
        captions=options.get("captions", True) if captions is None else captions,
        crf=int(options.get("crf", 23)),
        preset=str(options.get("preset", "veryfast")),
        audio_bitrate=str(options.get("audio_bitrate", "160k")),
    )
    return ReelPlan(reel_id=reel.id, title=reel.title, subtitle=reel.subtitle, audience=reel.audience,
                    items=items, settings=settings, opening_card=options.get("opening_card", True),
                    credits=options.get("credits", ""))
