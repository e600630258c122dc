"""Turn a reel in the library into a ``ReelPlan`` (plain data) for the exporters."""

from __future__ import annotations

import json
import re
from collections import Counter
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.films import frame_indexes
from app.library import Library
from app.ways_out import consent_policy
from app.models import Clip, ClipPrototype, ClipTag, Reel, ReelItem
from app import lookup
from media.errors import BadInput
from media.export.plan import ExportSettings, Person, PlanItem, ReelPlan

DEFAULT_FPS = Fraction(30)
_RATE = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?(/[0-9]{1,6})?")
DEFAULT_WARNING = "The next clip shows distressing content."
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


RATE_TOLERANCE = Fraction(1, 200)  # within 0.5%: the camera meant that standard rate


def standard_rate(fps: Fraction | None) -> Fraction | None:
    """The standard reel rate ``fps`` is (29.97 → 30000/1001), or None (15 fps, 12.5, VFR oddities)."""
    if not fps:
        return None
    nearest = min(REEL_RATES, key=lambda r: abs(fps / r - 1))
    return nearest if abs(fps / nearest - 1) <= RATE_TOLERANCE else None


def reel_rate(items: list[PlanItem]) -> Fraction:
    """The reel's frame rate, unless the reel's settings choose one (``fps``):

    the standard rate (23.976, 24, 25, 29.97, 30, 50, 59.94 or 60) that most of the reel's
    clips were filmed at; a tie goes to the rate with more running time, then the higher
    rate. Clips at a non-standard rate (a 15 fps screen recording) and sound-only clips do
    not vote; with no vote at all, 30 fps. So a reel of 30, 25 and 15 fps clips is 30 fps,
    never a rate none of them has."""
    votes: Counter = Counter()
    running: Counter = Counter()
    for item in items:
        rate = standard_rate(item.fps) if item.has_video else None
        if rate is not None:
            votes[rate] += 1
            running[rate] += item.duration_us
    if not votes:
        return DEFAULT_FPS
    return max(votes, key=lambda r: (votes[r], running[r], r))


def chosen_rate(options: dict) -> Fraction | None:
    """The rate a reel's settings fix (``"fps": "25"``), or None for the automatic rule."""
    value = options.get("fps")
    if value in (None, "", "auto"):
        return None
    return parse_reel_rate(str(value))


def parse_reel_rate(text: str) -> Fraction | None:
    """``auto``, ``25``, ``29.97`` or ``30000/1001`` → a standard rate (None for auto)."""
    text = (text or "").strip().lower()
    if text in ("", "auto"):
        return None
    try:  # ASCII digits only: Fraction() and float() take '٢٥' and '２５' too
        fps = None if not _RATE.fullmatch(text) else \
            Fraction(text) if "/" in text else Fraction(text).limit_denominator(1001)
    except (ValueError, ZeroDivisionError):
        fps = None
    rate = standard_rate(fps) if fps else None
    if rate is None:
        raise BadInput(f"frame rate {text!r}: use auto or one of "
                       + ", ".join(f"{float(r):.3f}".rstrip("0").rstrip(".") for r in REEL_RATES))
    return rate


def _people_by_clip(session: Session, clip_ids) -> dict[int, list[Person]]:
    """Who is on each clip (appearance ranges respected), by pseudonym or role: never by name
    (the name rides along for the presenter's eyes only; no exporter writes it)."""
    on = consent_policy.people_on_clips(session, list(clip_ids))
    return {c: [Person(p.label, p.role, p.consent, name=p.name, withdrawn=p.withdrawn) for p in people] for c, people in on.items()}


def _load_clips(session: Session, clip_ids: list[int]) -> dict[int, Clip]:
    rows = session.scalars(select(Clip).where(Clip.id.in_(clip_ids)).options(
        selectinload(Clip.film),
        selectinload(Clip.tag_links).selectinload(ClipTag.tag),
        selectinload(Clip.prototype_links).selectinload(ClipPrototype.prototype)))
    return {c.id: c for c in rows}


def plan_item(lib: Library, session: Session, clip: Clip, position: int, card_text: str = "",
              caption: str | None = None, fade: bool = False) -> PlanItem:
    """One clip as exporters (and the policy check) see it: its film, tags, people."""
    people = _people_by_clip(session, [clip.id]).get(clip.id, [])
    return _plan_item(lib, position, clip, people, card_text, caption, fade)


def speech_cues(words, start_us: int, end_us: int) -> list[tuple[int, int, str]]:
    """What was said in [start_us, end_us) of a film as caption cues timed from ``start_us``."""
    from app.transcripts import captions

    return [(c.start_us - start_us, c.end_us - start_us, c.text) for c in captions.cues(words, start_us, end_us)]


def _words(session: Session, clips) -> dict[int, list]:
    from app.transcripts import transcripts

    return transcripts.words_between(session, [(c.film_id, c.start_us, c.end_us) for c in clips])


def _plan_item(lib: Library, position: int, clip: Clip, people: list[Person], card_text: str = "",
               caption: str | None = None, fade: bool = False, words: list | None = None) -> PlanItem:
    film = clip.film
    start_us, end_us, frames, film_frames = _own_frames(lib, film, clip.start_us, clip.end_us)
    tags = [(link.tag.kind, link.tag.name) for link in clip.tag_links]
    tags.sort(key=lambda t: ("challenge", "opportunity", "theme").index(t[0]))
    return PlanItem(
        position=position, clip_id=clip.id, clip_title=clip.title, film_id=film.id, film_title=film.title,
        source=lib.film_path(film), start_us=start_us, end_us=end_us, fps=film.fps, vfr=bool(film.vfr),
        frames=frames, film_frames=film_frames, field_order=film.field_order or "", sound_end_us=film.sound_end_us,
        has_video=film.has_video, has_audio=film.has_audio, width=film.width, height=film.height,
        rotation=film.rotation, mirror=bool(film.mirror), film_start_us=film.start_us,
        film_duration_us=film.duration_us,
        sar=Fraction(film.sar_num, film.sar_den), tags=tags,
        prototypes=sorted(link.prototype.name for link in clip.prototype_links), people=list(people),
        note=clip.note, quote=clip.quote, card_text=card_text,
        caption=caption if caption is not None else default_caption(clip.title, tags), fade=fade,
        warning=(clip.safeguarding_note.strip() or DEFAULT_WARNING) if clip.safeguarding else "",
        speech=speech_cues(words, clip.start_us, clip.end_us) if words else [],
    )


def _own_frames(lib: Library, film, start_us: int, end_us: int):
    """The clip's range on its film's own frames (a clip made before in and out points were
    snapped, or snapped by an older rule, is cut where the player shows it now), its frames,
    and how many frames the film has."""
    index = frame_indexes.frame_index(lib, film) if film.has_video else None
    if index is None:
        return start_us, end_us, None, None
    start, end = index.snap(start_us, end_us)
    start = max(start, 0)
    return start, end, index.frames(start, end), index.count


def clip_items(lib: Library, session: Session, clip_ids: list[int]) -> list[PlanItem]:
    """Clips in the given order as plan items with default captions (no reel needed)."""
    clips = _load_clips(session, clip_ids)
    people = _people_by_clip(session, list(clips))
    ordered = [clips[i] for i in clip_ids if i in clips]
    return [_plan_item(lib, n, c, people.get(c.id, [])) for n, c in enumerate(ordered)]


def build(lib: Library, session: Session, reel_ref, height: int | None = None, cards: bool | None = None,
          captions: bool | None = None, fps: Fraction | None = None) -> ReelPlan:
    """``fps`` overrides the reel's own setting and the automatic rule (see ``reel_rate``)."""
    reel = lookup.reel(session, reel_ref)
    options = reel_settings(reel)
    reel_items = list(reel.items)
    clips = _load_clips(session, [ri.clip_id for ri in reel_items])
    people = _people_by_clip(session, list(clips))
    words = _words(session, clips.values())  # what was said: captions of speech
    items = [_plan_item(lib, n, clips[ri.clip_id], people.get(ri.clip_id, []),
                        ri.card_text or "", ri.caption, ri.fade, words.get(clips[ri.clip_id].film_id))
             for n, ri in enumerate(reel_items)]
    settings = ExportSettings(
        height=height or reel.height,
        fps=fps or chosen_rate(options) or reel_rate(items),
        cards=options.get("cards", True) if cards is None else cards,
        captions=options.get("captions", True) if captions is None else captions,
        crf=int(options.get("crf", 23)),
        preset=str(options.get("preset", "veryfast")),
        audio_bitrate=str(options.get("audio_bitrate", "160k")),
    )
    return ReelPlan(reel_id=reel.id, title=reel.title, subtitle=reel.subtitle, audience=reel.audience,
                    items=items, settings=settings, opening_card=options.get("opening_card", True),
                    credits=options.get("credits", ""))
