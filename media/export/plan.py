"""What an export needs to know, as plain data: media/ never reads the database.

Built by ``app.reels.reel_plan`` from a reel; every exporter (MP4 and each interchange format)
takes one of these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from media.reading.orientation import Orientation
from media.timecode import FrameRange


@dataclass
class Person:
    """Someone on a clip as an export may show them: never by name (the library keeps names)."""

    label: str  # a pseudonym, else the role
    role: str
    consent: str  # none, team, collaborative, public
    anonymised: bool = False  # their consent does not reach the audience: faces covered
    name: str = ""  # for the facilitator's eyes only (review mode's presenter): no exporter writes it
    withdrawn: bool = False  # consent withdrawn: final, whatever ``consent`` says


@dataclass
class PlanItem:
    position: int
    clip_id: int
    clip_title: str
    film_id: int
    film_title: str
    source: Path
    start_us: int  # film time, half-open [start_us, end_us)
    end_us: int
    fps: Fraction | None
    has_video: bool
    has_audio: bool
    width: int | None
    height: int | None
    rotation: int
    sar: Fraction = Fraction(1)
    mirror: bool = False
    film_start_us: int = 0  # the stream time of the film's time zero
    film_duration_us: int = 0
    tags: list[tuple[str, str]] = field(default_factory=list)  # (kind, name)
    prototypes: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    note: str = ""
    quote: str = ""
    card_text: str = ""  # a title card shown before the clip ("" for none)
    caption: str = ""  # lower third over the clip ("" for none)
    fade: bool = False
    cover_faces: str = ""  # "blur" or "pixelate": every face in the clip covered; "" for none
    # With ``cover_faces``: a file of face readings (media.anonymise.recognise.Known) telling who may
    # be shown, so only the other faces are covered; None: every face in the clip is covered.
    known_faces: Path | None = None
    mask_voice: bool = False  # pitch-shift the clip's sound so voices are not recognisable
    warning: str = ""  # a content-warning card shown before the clip ("" for none)
    source_name: str = ""  # the film's file as interchange files name it ("" for its own name)
    # What was said in the clip as caption cues (start_us, end_us, text), timed from the clip's start
    # (``app.transcripts.captions``); empty when its film has no transcript or nothing is said in it.
    speech: list[tuple[int, int, str]] = field(default_factory=list)
    # The clip's own frames in its film's frame index (start_us/end_us are their span): what
    # OTIO and EDL say the clip is. None for sound only, or a film whose frames cannot be read.
    frames: FrameRange | None = None
    film_frames: int | None = None  # every frame the film has (its available range)
    field_order: str = ""  # "tff" or "bff": interlaced, deinterlaced wherever it is read
    vfr: bool = False  # the film's frames come at a variable rate
    sound_end_us: int | None = None  # film time where a damaged film's sound stops (import found it)

    @property
    def source_ref(self) -> Path:
        """The film's file as interchange files point at it: its own name would carry a
        person's name when ``source_name`` is set (a neutral one the app chose)."""
        return self.source.with_name(self.source_name) if self.source_name else self.source

    @property
    def duration_us(self) -> int:
        return self.end_us - self.start_us

    def frame_for_frame(self, reel_fps: Fraction) -> bool:
        """Whether the reel shows this clip's own frames one for one: a film at the reel's
        rate, constant, whose clip is all picture. Then the reel gives it exactly its frames
        (``segments.Layout``) and the EDL names exactly those frames."""
        if not (self.has_video and self.frames and self.fps == reel_fps and not self.vfr):
            return False
        return abs(Fraction(self.duration_us, 1_000_000) * reel_fps - self.frames.count) < Fraction(1, 2)

    @property
    def orientation(self) -> Orientation:
        return Orientation(self.rotation, self.mirror)


@dataclass
class ExportSettings:
    height: int = 720
    width: int | None = None  # None: 16:9 at ``height``; a bundle's cut keeps its film's own shape
    fps: Fraction = Fraction(30)
    cards: bool = True
    captions: bool = True
    card_seconds: Fraction = Fraction(3)
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "160k"
    fade_seconds: Fraction = Fraction(1, 2)


@dataclass
class ReelPlan:
    reel_id: int
    title: str
    subtitle: str
    audience: str
    items: list[PlanItem]
    settings: ExportSettings = field(default_factory=ExportSettings)
    opening_card: bool = True
    credits: str = ""  # closing card text ("" for none)

    @property
    def width(self) -> int:
        if self.settings.width:
            return self.settings.width
        return round(self.settings.height * 16 / 9 / 2) * 2

    def card_text(self, item: PlanItem) -> str:
        """The title card before ``item``: its own card text; else, where captions carry what was
        said in it, its caption (the clip's title and tags): a clip's title stays on a card."""
        return item.card_text or (item.caption if self.speech_captioned(item) else "")

    def speech_captioned(self, item: PlanItem) -> bool:
        """Whether the captions over ``item`` are what was said (else its caption, all along)."""
        return self.settings.captions and bool(item.speech)

    def segments(self):
        """The reel in order as (kind, item, duration_us): kind is "opening", "warning",
        "card", "clip" or "closing"; what the MP4, EDL and captions all lay out alike."""
        card_us = int(self.settings.card_seconds * 1_000_000)
        if self.settings.cards and self.opening_card:
            yield "opening", None, card_us
        for item in self.items:
            if item.warning:  # safeguarding: shown even when cards are off
                yield "warning", item, card_us
            if self.settings.cards and self.card_text(item):
                yield "card", item, card_us
            yield "clip", item, item.duration_us
        if self.settings.cards and self.credits:
            yield "closing", None, card_us

    @property
    def duration_us(self) -> int:
        return sum(d for _k, _i, d in self.segments())
