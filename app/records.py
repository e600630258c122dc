"""Plain records of films and clips: what the CLI prints with --json and views display.

Only these (and ids) cross threads; ORM objects stay inside their session.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from app.models import PROTOTYPE_STAGES, TAG_KINDS, Clip, Film  # noqa: F401 - the GUI's vocabulary
from media.timecode import fps_str


@dataclass
class FilmRecord:
    id: int
    title: str
    path: str
    sha256: str
    duration_us: int
    width: int | None
    height: int | None
    rotation: int
    fps: str | None
    vfr: bool
    has_video: bool
    has_audio: bool
    missing: bool
    event: str | None
    linked: bool
    frame_count: int | None
    size_bytes: int
    start_us: int = 0
    mirror: bool = False
    importing: bool = False  # registered, still being hashed, copied and analysed
    recorded_at: str | None = None  # ISO 8601 with the UTC offset where it was filmed (or this computer's)
    recorded_from: str | None = None  # "phone", "container" or "file" (media.reading.recorded_time)
    interlaced: str = ""  # field order of interlaced pictures ("tff", "bff"); "" progressive
    play_offset_us: int = 0  # the film's zero on Qt's player clock (Film.play_offset_us)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class ClipRecord:
    id: int
    film_id: int
    film: str
    title: str
    start_us: int
    end_us: int
    tags: list[dict] = field(default_factory=list)
    prototypes: list[str] = field(default_factory=list)
    note: str = ""
    quote: str = ""
    safeguarding: bool = False  # distressing content: a content warning goes before it
    safeguarding_note: str = ""
    filmed_at: str | None = None  # time of day it was filmed, "HH:MM", where it was filmed
    version: int = 1  # raised by every change: an edit made from this reading names it (app.clips.clips)

    @property
    def duration_us(self) -> int:
        return self.end_us - self.start_us

    def to_json(self) -> dict:
        out = asdict(self)
        del out["version"]  # the window's bookkeeping, not the clip
        return out


def film_record(film: Film, absolute_path: str, missing: bool) -> FilmRecord:
    return FilmRecord(
        id=film.id,
        title=film.title,
        path=absolute_path,
        sha256=film.sha256,
        duration_us=film.duration_us,
        width=film.width,
        height=film.height,
        rotation=film.rotation,
        fps=fps_str(film.fps),
        vfr=film.vfr,
        has_video=film.has_video,
        has_audio=film.has_audio,
        missing=missing,
        event=film.event.name if film.event else None,
        linked=film.linked,
        frame_count=film.frame_count,
        size_bytes=film.size_bytes,
        start_us=film.start_us,
        mirror=bool(film.mirror),
        importing=film.import_state is not None,
        recorded_at=_recorded_iso(film),
        recorded_from=film.recorded_source if film.recorded_at is not None else None,
        interlaced=film.field_order or "",
        play_offset_us=film.play_offset_us or 0,
    )


def _recorded_iso(film: Film) -> str | None:
    from app.clips.time_of_day import film_recorded

    when = film_recorded(film)
    return when.local().isoformat(timespec="seconds") if when is not None else None


def clip_record(clip: Clip) -> ClipRecord:
    tags = sorted((link.tag for link in clip.tag_links), key=lambda t: (t.kind, t.position, t.name))
    return ClipRecord(
        id=clip.id,
        film_id=clip.film_id,
        film=clip.film.title,
        title=clip.title,
        start_us=clip.start_us,
        end_us=clip.end_us,
        tags=[{"name": t.name, "kind": t.kind} for t in tags],
        prototypes=sorted(link.prototype.name for link in clip.prototype_links),
        note=clip.note,
        quote=clip.quote,
        safeguarding=clip.safeguarding,
        safeguarding_note=clip.safeguarding_note,
        filmed_at=_filmed_at(clip),
        version=clip.version,
    )


def _filmed_at(clip: Clip) -> str | None:
    from app.clips.time_of_day import clip_filmed_at

    when = clip_filmed_at(clip.film, clip.start_us)
    return when.strftime("%H:%M") if when is not None else None


@dataclass
class TagRecord:
    id: int
    name: str
    kind: str
    color: str
    shortcut: str | None
    description: str
    parent_id: int | None
    position: int
    archived: bool


@dataclass
class PrototypeRecord:
    id: int
    name: str
    summary: str
    stage: str
    clip_count: int


@dataclass
class EventRecord:
    id: int
    name: str


@dataclass
class PersonRecord:
    id: int
    name: str
    role: str
    consent: str
    withdrawn: bool = False


@dataclass
class ReelRecord:
    id: int
    title: str
    subtitle: str
    audience: str
    height: int
    settings: dict
    item_count: int


def tag_record(tag) -> TagRecord:
    return TagRecord(tag.id, tag.name, tag.kind, tag.color, tag.shortcut, tag.description or "", tag.parent_id,
                     tag.position, bool(tag.archived))


def person_record(person) -> PersonRecord:
    return PersonRecord(person.id, person.name, person.role, person.consent, person.consent_withdrawn_at is not None)


def reel_record(reel, item_count: int) -> ReelRecord:
    import json

    try:
        settings = json.loads(reel.settings_json or "{}")
    except ValueError:
        settings = {}
    return ReelRecord(reel.id, reel.title, reel.subtitle or "", reel.audience, reel.height, settings, item_count)
