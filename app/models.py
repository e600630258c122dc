"""The library's data model (SQLAlchemy 2). Changes go through ``app.library`` and each feature's operations.

Every link is a mapped class of its own (``ClipTag``, ``ClipPrototype``, ``Appearance``...)
so that undo, which journals rows, sees every change; cascades are done by the ORM for the
same reason.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    BigInteger,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


# Stable constraint names, so migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TAG_KINDS = ("challenge", "opportunity", "theme")
ROLES = ("actor", "lived_experience", "carer", "staff", "facilitator")
# Ordered from narrowest to widest: a person's consent covers every audience up to it.
CONSENT_SCOPES = ("none", "team", "collaborative", "public")
AUDIENCES = ("team", "collaborative", "public")
PROTOTYPE_STAGES = ("idea", "prototyping", "testing", "adopted", "dropped")
# What a breakfast review presents, and the quick marks the room's reactions are counted by.
REVIEW_SOURCES = ("reel", "prototype", "event", "clips")
MARK_KINDS = ("matters", "surprising", "action")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {int: Integer, str: String}


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    films: Mapped[list[Film]] = relationship(back_populates="event")


class Film(Base):
    __tablename__ = "films"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    # Relative to the library folder when the library manages the file (copied), absolute when linked.
    path: Mapped[str] = mapped_column(Text)
    linked: Mapped[bool] = mapped_column(Boolean, default=False)
    original_name: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    container: Mapped[str] = mapped_column(String(100), default="")
    duration_us: Mapped[int] = mapped_column(BigInteger)
    # The stream timestamp of the film's time zero (MPEG-TS files often start at 1.4 s, say).
    start_us: Mapped[int] = mapped_column(BigInteger, default=0)
    # That zero on Qt's player clock (from the container's start): media.reading.packet_timing.settle.
    play_offset_us: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    has_video: Mapped[bool] = mapped_column(Boolean)
    video_codec: Mapped[str] = mapped_column(String(50), default="")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    mirror: Mapped[bool] = mapped_column(Boolean, default=False)  # after rotation (media.reading.orientation)
    sar_num: Mapped[int] = mapped_column(Integer, default=1)
    sar_den: Mapped[int] = mapped_column(Integer, default=1)
    fps_num: Mapped[int | None] = mapped_column(Integer)
    fps_den: Mapped[int | None] = mapped_column(Integer)
    frame_count: Mapped[int | None] = mapped_column(Integer)
    vfr: Mapped[bool] = mapped_column(Boolean, default=False)
    # Interlaced pictures: "tff" or "bff" (which field comes first); "" progressive. Every
    # reader of its frames deinterlaces (media.reading.interlace).
    field_order: Mapped[str] = mapped_column(String(3), default="", server_default="")
    has_audio: Mapped[bool] = mapped_column(Boolean)
    audio_codec: Mapped[str] = mapped_column(String(50), default="")
    audio_rate: Mapped[int | None] = mapped_column(Integer)
    audio_channels: Mapped[int | None] = mapped_column(Integer)
    # Film time where the sound really stops when its last packets do not decode (a damaged
    # recording, found at import); None: the sound lasts as long as its packets.
    sound_end_us: Mapped[int | None] = mapped_column(BigInteger)
    missing: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC
    # Minutes east of UTC where it was filmed, when the file says (phones do); None: unknown.
    recorded_offset_min: Mapped[int | None] = mapped_column(Integer)
    recorded_source: Mapped[str | None] = mapped_column(String(20))  # media.reading.recorded_time sources
    # Not None while a registered film is still being hashed, copied and analysed: "copy" or
    # "link", how it will be kept (app/films/importing.py).
    import_state: Mapped[str | None] = mapped_column(String(10))

    event: Mapped[Event | None] = relationship(back_populates="films")
    clips: Mapped[list[Clip]] = relationship(back_populates="film", cascade="all, delete-orphan")
    appearances: Mapped[list[Appearance]] = relationship(back_populates="film", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("duration_us >= 0", name="duration"),
        Index("ix_films_title", "title", "id"),  # the clip list's order (migration 0014)
    )

    @property
    def fps(self) -> Fraction | None:
        return Fraction(self.fps_num, self.fps_den) if self.fps_num and self.fps_den else None


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    consent: Mapped[str] = mapped_column(String(20), default="none")
    consent_withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    # What exports call them instead of their name (their role when empty): names stay here.
    pseudonym: Mapped[str] = mapped_column(String(200), default="")

    appearances: Mapped[list[Appearance]] = relationship(back_populates="person", cascade="all, delete-orphan")
    consent_records: Mapped[list[ConsentRecord]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="ConsentRecord.id")
    faces: Mapped[list[PersonFace]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="PersonFace.id")

    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        CheckConstraint(f"consent IN {CONSENT_SCOPES}", name="consent"),
    )


class Appearance(Base):
    __tablename__ = "appearances"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id", ondelete="CASCADE"), index=True)

    person: Mapped[Person] = relationship(back_populates="appearances")
    film: Mapped[Film] = relationship(back_populates="appearances")
    # None: the whole film; else only these half-open ranges of it.
    ranges: Mapped[list[AppearanceRange]] = relationship(
        back_populates="appearance", cascade="all, delete-orphan", order_by="AppearanceRange.start_us")
    __table_args__ = (UniqueConstraint("person_id", "film_id", name="uq_appearances_person_film"),)


class AppearanceRange(Base):
    """A stretch of film time in which a person is on screen (or heard)."""

    __tablename__ = "appearance_ranges"
    id: Mapped[int] = mapped_column(primary_key=True)
    appearance_id: Mapped[int] = mapped_column(ForeignKey("appearances.id", ondelete="CASCADE"), index=True)
    start_us: Mapped[int] = mapped_column(BigInteger)
    end_us: Mapped[int] = mapped_column(BigInteger)

    appearance: Mapped[Appearance] = relationship(back_populates="ranges")
    __table_args__ = (CheckConstraint("start_us >= 0 AND end_us > start_us", name="range"),)


class PersonFace(Base):
    """A face a facilitator said is this person's (a frame of a film, one click): its reading
    (128 numbers from the face recogniser) lets exports tell this person's face from others'.
    A small picture of the face shows the facilitator which face it was. Deleted with the person."""

    __tablename__ = "person_faces"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    film_id: Mapped[int | None] = mapped_column(ForeignKey("films.id", ondelete="SET NULL"))
    time_us: Mapped[int] = mapped_column(BigInteger)
    x: Mapped[int] = mapped_column(Integer)  # the face's box in the film's upright picture
    y: Mapped[int] = mapped_column(Integer)
    w: Mapped[int] = mapped_column(Integer)
    h: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(40))  # which recogniser read it (readings of two never mix)
    reading: Mapped[bytes] = mapped_column(LargeBinary)
    picture: Mapped[bytes] = mapped_column(LargeBinary)  # JPEG of the face, about 96 px
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="faces")


CONSENT_HOW = ("written form", "verbal, recorded", "verbal, witnessed", "online form", "by a carer or guardian", "other")


class ConsentRecord(Base):
    """One dated statement of consent (or its withdrawal): the history is never rewritten."""

    __tablename__ = "consent_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[dt.date | None] = mapped_column(Date)
    how: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    withdrawal: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="consent_records")
    __table_args__ = (CheckConstraint(f"scope IN {CONSENT_SCOPES}", name="scope"),)


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    color: Mapped[str] = mapped_column(String(9), default="#888888")
    description: Mapped[str] = mapped_column(Text, default="")
    shortcut: Mapped[str | None] = mapped_column(String(1))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    clip_links: Mapped[list[ClipTag]] = relationship(back_populates="tag", cascade="all, delete-orphan")
    __table_args__ = (
        UniqueConstraint("kind", "name", name="uq_tags_kind_name"),
        CheckConstraint(f"kind IN {TAG_KINDS}", name="kind"),
    )


class Clip(Base):
    __tablename__ = "clips"
    id: Mapped[int] = mapped_column(primary_key=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    start_us: Mapped[int] = mapped_column(BigInteger)
    end_us: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Distressing content: reels and reviews show a content-warning card before it.
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False)
    safeguarding_note: Mapped[str] = mapped_column(Text, default="")
    # Raised by every change of the clip's own row: an edit made from an older reading of it
    # (another facilitator changed it meanwhile) is refused, never written over theirs.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    film: Mapped[Film] = relationship(back_populates="clips")
    tag_links: Mapped[list[ClipTag]] = relationship(back_populates="clip", cascade="all, delete-orphan")
    prototype_links: Mapped[list[ClipPrototype]] = relationship(
        back_populates="clip", cascade="all, delete-orphan"
    )
    reel_items: Mapped[list[ReelItem]] = relationship(back_populates="clip", cascade="all, delete-orphan")
    review_notes: Mapped[list[ReviewNote]] = relationship(back_populates="clip", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("start_us >= 0 AND end_us > start_us", name="range"),
        Index("ix_clips_film_start", "film_id", "start_us"),
    )
    __mapper_args__ = {"version_id_col": version}


class ClipTag(Base):
    __tablename__ = "clip_tags"
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)

    clip: Mapped[Clip] = relationship(back_populates="tag_links")
    tag: Mapped[Tag] = relationship(back_populates="clip_links")

    __table_args__ = (Index("ix_clip_tags_tag_clip", "tag_id", "clip_id"),)  # a tag's clips (migration 0014)


class Prototype(Base):
    __tablename__ = "prototypes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(20), default="idea")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    clip_links: Mapped[list[ClipPrototype]] = relationship(
        back_populates="prototype", cascade="all, delete-orphan"
    )
    __table_args__ = (CheckConstraint(f"stage IN {PROTOTYPE_STAGES}", name="stage"),)


class ClipPrototype(Base):
    __tablename__ = "clip_prototypes"
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), primary_key=True)
    prototype_id: Mapped[int] = mapped_column(
        ForeignKey("prototypes.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    clip: Mapped[Clip] = relationship(back_populates="prototype_links")
    prototype: Mapped[Prototype] = relationship(back_populates="clip_links")


class Reel(Base):
    __tablename__ = "reels"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    audience: Mapped[str] = mapped_column(String(20), default="team")
    height: Mapped[int] = mapped_column(Integer, default=720)
    # Render settings (cards, captions, encoder) as JSON text: they grow without migrations.
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    items: Mapped[list[ReelItem]] = relationship(
        back_populates="reel", cascade="all, delete-orphan", order_by="ReelItem.position"
    )
    __table_args__ = (CheckConstraint(f"audience IN {AUDIENCES}", name="audience"),)


# A reel is named by its title (``reel export TITLE``): unique whatever the case, in the database
# itself, so two processes creating the same title at once cannot both succeed.
Index("uq_reels_title_lower", func.lower(Reel.title), unique=True)


class ReelItem(Base):
    __tablename__ = "reel_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    reel_id: Mapped[int] = mapped_column(ForeignKey("reels.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    card_text: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str | None] = mapped_column(Text)
    fade: Mapped[bool] = mapped_column(Boolean, default=False)
    # The question put to the room after the clip at a review ("What would have helped here?").
    discuss: Mapped[str] = mapped_column(Text, default="", server_default="")

    reel: Mapped[Reel] = relationship(back_populates="items")
    clip: Mapped[Clip] = relationship(back_populates="reel_items")


class Review(Base):
    """A breakfast meeting: what was presented to whom, and what the room said and decided."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    reel_id: Mapped[int | None] = mapped_column(ForeignKey("reels.id", ondelete="SET NULL"))
    prototype_id: Mapped[int | None] = mapped_column(ForeignKey("prototypes.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), default="clips", server_default="clips")
    audience: Mapped[str] = mapped_column(String(20), default="team", server_default="team")
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Where the meeting was (item position), so that it can be continued after a crash.
    last_position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A reel's opening title card, as its MP4 has it (None: no opening card).
    opening_title: Mapped[str | None] = mapped_column(Text)
    opening_subtitle: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Its closing card's credits, as its MP4 has them (None: no closing card).
    closing_credits: Mapped[str | None] = mapped_column(Text)

    notes: Mapped[list[ReviewNote]] = relationship(back_populates="review", cascade="all, delete-orphan")
    items: Mapped[list[ReviewItem]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewItem.position"
    )
    marks: Mapped[list[ReviewMark]] = relationship(back_populates="review", cascade="all, delete-orphan")
    actions: Mapped[list[ReviewAction]] = relationship(back_populates="review", cascade="all, delete-orphan")
    __table_args__ = (
        CheckConstraint(f"audience IN {AUDIENCES}", name="audience"),
        CheckConstraint(f"source IN {REVIEW_SOURCES}", name="source"),
    )


class ReviewItem(Base):
    """One clip in a review's running order, kept as it was shown (title, question, consent)."""

    __tablename__ = "review_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("clips.id", ondelete="SET NULL"), index=True)
    # A film with no clips is presented whole (clip_id None); the range shown is kept either way.
    film_id: Mapped[int | None] = mapped_column(ForeignKey("films.id", ondelete="SET NULL"), index=True)
    start_us: Mapped[int] = mapped_column(BigInteger, default=0)
    end_us: Mapped[int] = mapped_column(BigInteger, default=0)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    discuss: Mapped[str] = mapped_column(Text, default="")
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    withheld_reason: Mapped[str] = mapped_column(Text, default="")
    shown_us: Mapped[int] = mapped_column(BigInteger, default=0)  # time on the audience screen
    # The card before the clip: None, the meeting's own clip card (title, tags, prototype); else
    # a reel item's own card text as its MP4 shows it ("": the reel has no card there).
    card: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="items")


class ReviewNote(Base):
    __tablename__ = "review_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="notes")
    clip: Mapped[Clip | None] = relationship(back_populates="review_notes")


class ReviewMark(Base):
    """A quick mark the facilitator pressed during a clip ("this matters", "surprising"...)."""

    __tablename__ = "review_marks"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("clips.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="marks")
    __table_args__ = (CheckConstraint(f"kind IN {MARK_KINDS}", name="kind"),)


class ReviewAction(Base):
    """Something the room decided to do: who, by when, for which prototype."""

    __tablename__ = "review_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("clips.id", ondelete="SET NULL"), index=True)
    prototype_id: Mapped[int | None] = mapped_column(ForeignKey("prototypes.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="actions")


class ExportRecord(Base):
    """Every file that left the library: what, where, when, for whom."""

    __tablename__ = "exports"
    id: Mapped[int] = mapped_column(primary_key=True)
    reel_id: Mapped[int | None] = mapped_column(ForeignKey("reels.id", ondelete="SET NULL"), index=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str] = mapped_column(String(20))
    items_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # reel, evidence (CSV/HTML report with stills), review (shown at a meeting)...
    kind: Mapped[str] = mapped_column(String(30), default="reel")
    subject: Mapped[str] = mapped_column(String(300), default="")  # the reel or prototype, by title
    exported_by: Mapped[str] = mapped_column(String(200), default="")  # the computer account
    anonymisation: Mapped[str] = mapped_column(Text, default="")  # what was covered, "" for nothing
    # A clip shown at a review (kind "showing"): which review. The log outlives a deleted review.
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"), index=True)

    people: Mapped[list[ExportPerson]] = relationship(cascade="all, delete-orphan")


class ExportPerson(Base):
    """Who was in an export: what a withdrawal looks up."""

    __tablename__ = "export_people"
    export_id: Mapped[int] = mapped_column(ForeignKey("exports.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)


# The full-text index of what was said, made by migrations, not from a model (schema comparisons
# skip every name it starts): on SQLite an FTS5 table (and the shadow tables it makes), kept in
# step by triggers (0009); on PostgreSQL generated columns of transcript_segments with their
# indexes (0012): the words as a tsvector, and how many words the line has.
SEARCH_INDEX = "transcript_search"
SEARCH_WORDS = "transcript_search_words"


def is_search_index(name: str) -> bool:
    """A table, column or index of the full-text index."""
    return name == SEARCH_INDEX or name.startswith(SEARCH_INDEX + "_")


class Transcript(Base):
    """What was said in a film, heard on this computer (app/transcripts): which model heard it,
    when, and how much sound it heard. Its words are in ``TranscriptSegment`` rows."""

    __tablename__ = "transcripts"
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(60))  # the recogniser's identity ("base/beam5/en")
    sound_us: Mapped[int] = mapped_column(BigInteger, default=0)  # how much sound was heard (0: none)
    made_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class TranscriptSegment(Base):
    """A stretch of speech (a sentence or so) of a film: its words, each timed in film time.

    ``text`` is the words joined, kept with them (the search index reads it); ``words_json`` holds
    ``[[text, start_us, end_us, probability], ...]``. A corrected word changes both in one step
    (undoable); ``speaker`` is what a facilitator named whoever says it ("Actor 1", "GP")."""

    __tablename__ = "transcript_segments"
    id: Mapped[int] = mapped_column(primary_key=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("transcripts.film_id", ondelete="CASCADE"))
    start_us: Mapped[int] = mapped_column(BigInteger)
    end_us: Mapped[int] = mapped_column(BigInteger)
    speaker: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    words_json: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("start_us >= 0 AND end_us >= start_us", name="range"),
        Index("ix_transcript_segments_film_start", "film_id", "start_us"),
    )


class LibraryMeta(Base):
    """Facts about the library itself (e.g. that the default codebook was loaded once)."""

    __tablename__ = "library_meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
