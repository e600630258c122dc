"""The one consent check for every way out of the library.

Reels (MP4, OTIO, EDL, CSV, SRT/VTT), evidence reports and their stills, and review mode all
ask the same question: may these clips be shown to this audience? ``evaluate`` answers per
clip: allowed as it is, allowed only with the faces (and voices) of some people covered, or
withheld, with reasons that name the people (reasons are for the facilitator; what leaves
the library uses ``Label``s: pseudonyms or roles, never names).

Rules:
- a person appears in a clip when they appear in its film, in the whole film or in a time
  range that overlaps the clip (a clip outside their ranges is unaffected);
- everyone appearing must have consented to at least the audience;
- someone whose consent does not reach the audience may still be shown anonymised (faces
  covered), where the way out can anonymise (a rendered video or still) and it is asked for;
- a withdrawal is final: nobody who withdrew is shown, anonymised or not, until a new consent
  record reinstates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import AUDIENCES, CONSENT_SCOPES, Appearance, Clip, Film, Person
from media.timecode import format_short


@dataclass(frozen=True)
class OnClip:
    """A person on a clip, as the policy sees them."""

    person_id: int
    name: str  # for messages to the facilitator only
    label: str  # what exports may say: a pseudonym, else the role
    role: str
    consent: str
    withdrawn: bool


@dataclass
class Decision:
    clip_id: int
    title: str
    people: list[OnClip]
    allowed: bool
    anonymise: list[OnClip] = field(default_factory=list)  # allowed only with these covered
    reasons: list[str] = field(default_factory=list)  # why withheld or anonymised
    position: int = 0  # 1-based, in the order the way out lists its clips (a reel's own order)
    count: int = 0  # how many clips that way out lists
    film: str = ""  # the clip's film and stretch of it, for the facilitator to find it
    start_us: int | None = None
    end_us: int | None = None

    @property
    def where(self) -> str:
        """The clip as the user sees it: its place in the reel (or list), its title, and where it
        is (its film and times: "clip 2 of 5 'At the desk' (in 'Reception take 2', 1:05.20–1:12.00)")."""
        return clip_label(self.position, self.count, self.title, self.film, self.start_us, self.end_us)

    @property
    def mask_voice(self) -> bool:
        """Someone who gave no consent at all goes out only unrecognisable: voice masked too."""
        return any(p.consent == "none" for p in self.anonymise)


@dataclass
class PolicyResult:
    audience: str
    decisions: list[Decision]

    @property
    def ok(self) -> bool:
        return all(d.allowed for d in self.decisions)

    @property
    def allowed_ids(self) -> list[int]:
        return [d.clip_id for d in self.decisions if d.allowed]

    @property
    def withheld(self) -> dict[int, list[str]]:
        return {d.clip_id: d.reasons for d in self.decisions if not d.allowed}

    @property
    def anonymised_ids(self) -> list[int]:
        return [d.clip_id for d in self.decisions if d.allowed and d.anonymise]

    def people(self, clip_ids=None) -> dict[int, OnClip]:
        wanted = None if clip_ids is None else set(clip_ids)
        return {p.person_id: p for d in self.decisions if wanted is None or d.clip_id in wanted for p in d.people}

    def message(self, what: str, written: str = "Nothing was written.") -> str:
        lines = "; ".join(f"{d.where}: {', '.join(d.reasons)}" for d in self.decisions if not d.allowed)
        return f"{what} cannot be shown to a {self.audience} audience: {lines}. {written}"


def clip_label(position: int, count: int, title: str, film: str = "", start_us: int | None = None,
               end_us: int | None = None) -> str:
    """How every refusal names a clip: where it is in what goes out, its title, and (given
    them) its film and times, to find it by ("clip 2 of 5 'At the desk' (in 'Reception take 2',
    1:05.20–1:12.00)"), never the library's internal id."""
    said = f"clip {position} of {count} {title!r}" if position and count > 1 else f"clip {title!r}"
    if film and start_us is not None and end_us is not None:
        said += f" (in {film!r}, {format_short(start_us)}–{format_short(end_us)})"
    return said


def label(person: Person) -> str:
    return person.pseudonym.strip() or person.role.replace("_", " ")


def _overlaps(appearance: Appearance, start_us: int, end_us: int) -> bool:
    if not appearance.ranges:
        return True
    return any(r.start_us < end_us and start_us < r.end_us for r in appearance.ranges)


def people_on_clips(session: Session, clip_ids, lock: bool = False) -> dict[int, list[OnClip]]:
    """Who appears in each clip (ranges respected). ``lock``: hold the people's rows until
    the transaction ends (PostgreSQL), so a withdrawal waits for an export being published."""
    clips = {c.id: c for c in session.scalars(select(Clip).where(Clip.id.in_(list(clip_ids))))}
    film_ids = {c.film_id for c in clips.values()}
    query = (select(Appearance).where(Appearance.film_id.in_(film_ids))
             .options(selectinload(Appearance.ranges), selectinload(Appearance.person)))
    appearances = list(session.scalars(query))
    if lock and appearances:
        person_ids = sorted({a.person_id for a in appearances})
        list(session.scalars(select(Person).where(Person.id.in_(person_ids)).with_for_update()))
    out: dict[int, list[OnClip]] = {}
    for clip_id, clip in clips.items():
        out[clip_id] = [
            OnClip(a.person.id, a.person.name, label(a.person), a.person.role, a.person.consent,
                   a.person.consent_withdrawn_at is not None)
            for a in sorted(appearances, key=lambda a: a.person.name.lower())
            if a.film_id == clip.film_id and _overlaps(a, clip.start_us, clip.end_us)
        ]
    return out


def people_on_stretch(session: Session, film_id: int, start_us: int, end_us: int, lock: bool = False) -> list[OnClip]:
    """Who is seen in a stretch of a film shown whole (no clip of it: an event's film at a review)."""
    query = (select(Appearance).where(Appearance.film_id == film_id)
             .options(selectinload(Appearance.ranges), selectinload(Appearance.person)))
    rows = [a for a in session.scalars(query) if _overlaps(a, start_us, end_us)]
    if lock and rows:
        list(session.scalars(select(Person).where(Person.id.in_(sorted({a.person_id for a in rows})))
                             .with_for_update()))
    return [OnClip(a.person.id, a.person.name, label(a.person), a.person.role, a.person.consent,
                   a.person.consent_withdrawn_at is not None)
            for a in sorted(rows, key=lambda a: a.person.name.lower())]


def stretch_may_go(session: Session, film_id: int, start_us: int, end_us: int, audience: str) -> bool:
    """A stretch of a film shown whole may go to ``audience``: everyone seen in it consents to
    that audience and none has withdrawn."""
    return evaluate_stretch(session, audience, film_id, start_us, end_us, "").ok


def evaluate_stretch(session: Session, audience: str, film_id: int, start_us: int, end_us: int, title: str,
                     lock: bool = False) -> PolicyResult:
    """The decision for a stretch of a film shown whole, as for a clip (``clip_id`` 0)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience {audience!r}: must be one of {', '.join(AUDIENCES)}")
    decision = _decide(Decision(0, title, people_on_stretch(session, film_id, start_us, end_us, lock), True,
                                position=1, count=1), audience, False, False)
    return PolicyResult(audience, [decision])


def consent_words(consent: str, withdrawn: bool) -> str:
    """How a person's consent is said to the facilitator: a withdrawal is not "none"."""
    return "withdrew consent" if withdrawn else f"consent: {consent}"


def covers(consent: str, audience: str) -> bool:
    return CONSENT_SCOPES.index(consent) >= CONSENT_SCOPES.index(audience)


def evaluate(session: Session, audience: str, clip_ids, anonymise: bool = False,
             can_anonymise: bool = True, lock: bool = False) -> PolicyResult:
    """The decision for each clip of ``clip_ids`` (in that order) shown to ``audience``.
    ``anonymise``: covering faces is asked for; ``can_anonymise``: this way out can do it."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience {audience!r}: must be one of {', '.join(AUDIENCES)}")
    clip_ids = list(clip_ids)
    on = people_on_clips(session, clip_ids, lock=lock)
    rows = session.execute(select(Clip.id, Clip.title, Film.title, Clip.start_us, Clip.end_us)
                           .join(Film, Film.id == Clip.film_id).where(Clip.id.in_(clip_ids))).all()
    titles = {row[0]: row[1] for row in rows}
    places = {row[0]: row[2:] for row in rows}
    decisions = []
    count = len(clip_ids)
    for n, clip_id in enumerate(clip_ids, 1):
        people = on.get(clip_id, [])
        if clip_id not in titles:
            decisions.append(Decision(clip_id, "", [], False, reasons=["the clip no longer exists"], position=n,
                                      count=count))
            continue
        film, start_us, end_us = places[clip_id]
        decisions.append(_decide(Decision(clip_id, titles[clip_id], people, True, position=n, count=count,
                                          film=film, start_us=start_us, end_us=end_us),
                                 audience, anonymise, can_anonymise))
    return PolicyResult(audience, decisions)


def _decide(decision: Decision, audience: str, anonymise: bool, can_anonymise: bool) -> Decision:
    for p in decision.people:
        if p.withdrawn:
            decision.allowed = False
            decision.reasons.append(f"{p.name} withdrew consent")
        elif not covers(p.consent, audience):
            if anonymise and can_anonymise:
                decision.anonymise.append(p)
                decision.reasons.append(f"{p.name} (consent: {p.consent}) is shown anonymised"
                                        + (", voice masked too" if p.consent == "none" else ""))
            else:
                decision.allowed = False
                decision.reasons.append(f"{p.name} (consent: {p.consent}) did not consent to a {audience} audience")
    return decision


def check_clips(lib, audience: str, clip_ids, anonymise: bool = False, can_anonymise: bool = True) -> PolicyResult:
    """For callers outside an export (dialogs that say beforehand what the gate will do): open a
    read and evaluate. A preview of the answer, never the gate."""
    with lib.read() as s:
        return evaluate(s, audience, clip_ids, anonymise=anonymise, can_anonymise=can_anonymise)
