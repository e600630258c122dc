"""A bundle's library.json read into plain records, every field checked: its hash only says
the file is the one its maker wrote, not that its maker was ProtoReel. Anything out of shape
is refused (one line naming the bundle) before the library is touched."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app import texts
from app.models import CONSENT_SCOPES, PROTOTYPE_STAGES, ROLES, TAG_KINDS
from media.errors import BadInput

MAX_REF = 200
TIME_SOURCES = ("phone", "container", "file", "corrected")  # media.reading.recorded_time's: how a film's time was known


@dataclass
class PersonIn:
    ref: str
    label: str
    role: str
    consent: str
    consent_given_on: dt.date | None


@dataclass
class OnClipIn:
    ref: str
    ranges: list[tuple[int, int]]
    anonymised: bool


@dataclass
class ClipIn:
    member: str
    title: str
    start_us: int
    end_us: int
    note: str
    quote: str
    safeguarding: bool
    safeguarding_note: str
    tags: list[tuple[str, str]]
    prototypes: list[str]
    event: dict | None
    filmed_at: dt.datetime | None
    filmed_offset_min: int | None = None
    filmed_from: str | None = None
    people: list[OnClipIn] = field(default_factory=list)


@dataclass
class BundleData:
    clips: list[ClipIn]
    tags: dict[tuple[str, str], dict]
    prototypes: dict[str, dict]
    people: dict[str, PersonIn]


class _Checker:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, what: str):
        raise BadInput(f"{self.name}: {what} in its library.json is not valid (the bundle is damaged or not "
                       "from ProtoReel); nothing was imported")

    def text(self, d: dict, key: str, where: str, required: bool = False, rule=texts.note) -> str:
        """A text field under the one rule for text (``app.texts``): a name or title on one line,
        notes on several; a control character, a direction override, an invisible-only or an
        absurdly long text refuses the bundle."""
        value = d.get(key, "")
        if value is None and not required:
            value = ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where} {key}")
        try:
            return rule(value, f"{where} {key}")
        except BadInput as exc:
            raise BadInput(f"{self.name}: in its library.json, {exc}; nothing was imported") from None

    def ref(self, value, among, where: str) -> str:
        """A reference to another entry (a member, a person): a short string that is there."""
        if not isinstance(value, str) or len(value) > MAX_REF or value not in among:
            self.fail(where)
        return value

    def us(self, d: dict, key: str, where: str) -> int:
        value = d.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**13:
            self.fail(f"{where} {key}")
        return value

    def date(self, value, where: str):
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(where)

    def moment(self, value, where: str):
        if value is None:
            return None
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        except (TypeError, ValueError):
            self.fail(where)

    def listed(self, d: dict, key: str, where: str) -> list:
        value = d.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{where} {key}")
        return value


def parse(data, members: set[str], name: str) -> BundleData:
    c = _Checker(name)
    if not isinstance(data, dict):
        c.fail("the top level")
    tags = {}
    for n, t in enumerate(c.listed(data, "tags", "the list of tags")):
        if not isinstance(t, dict) or not isinstance(t.get("kind"), str) or t.get("kind") not in TAG_KINDS:
            c.fail(f"tag {n + 1}")
        tags[(t["kind"], c.text(t, "name", f"tag {n + 1}", True, texts.name))] = {
            "color": c.text(t, "color", f"tag {n + 1}", rule=texts.title),
            "description": c.text(t, "description", f"tag {n + 1}")}
    prototypes = {}
    for n, p in enumerate(c.listed(data, "prototypes", "the list of prototypes")):
        if not isinstance(p, dict) or not isinstance(p.get("stage", "idea"), str) \
                or p.get("stage", "idea") not in PROTOTYPE_STAGES:
            c.fail(f"prototype {n + 1}")
        prototypes[c.text(p, "name", f"prototype {n + 1}", True, texts.name)] = {
            "summary": c.text(p, "summary", f"prototype {n + 1}"), "stage": p.get("stage", "idea")}
    people = {}
    for n, p in enumerate(c.listed(data, "people", "the list of people")):
        where = f"person {n + 1}"
        if not isinstance(p, dict) or not isinstance(p.get("role"), str) or p.get("role") not in ROLES \
                or not isinstance(p.get("consent"), str) or p.get("consent") not in CONSENT_SCOPES:
            c.fail(where)
        ref = c.text(p, "ref", where, True, texts.name)
        people[ref] = PersonIn(ref, c.text(p, "label", where, True, texts.name), p["role"], p["consent"],
                               c.date(p.get("consent_given_on"), f"{where} consent date"))
    clips = [_clip(c, n, raw, members, tags, prototypes, people)
             for n, raw in enumerate(c.listed(data, "clips", "the list of clips"))]
    if not clips:
        c.fail("the list of clips (empty)")
    return BundleData(clips, tags, prototypes, people)


def _clip(c: _Checker, n: int, raw, members, tags, prototypes, people) -> ClipIn:
    where = f"clip {n + 1}"
    if not isinstance(raw, dict):
        c.fail(where)
    c.ref(raw.get("member"), members, f"{where} (its media)")
    start, end = c.us(raw, "start_us", where), c.us(raw, "end_us", where)
    if end <= start:
        c.fail(f"{where} range")
    clip_tags = []
    for t in c.listed(raw, "tags", where):
        key = (t.get("kind"), t.get("name").strip()) \
            if isinstance(t, dict) and isinstance(t.get("kind"), str) and isinstance(t.get("name"), str) else None
        if key not in tags:
            c.fail(f"{where} tag")
        clip_tags.append(key)
    protos = c.listed(raw, "prototypes", where)
    if any(not isinstance(p, str) or p.strip() not in prototypes for p in protos):  # a str before the lookup
        c.fail(f"{where} prototype")
    event = raw.get("event")
    if event is not None:
        if not isinstance(event, dict):
            c.fail(f"{where} event")
        event = {"name": c.text(event, "name", f"{where} event", True, texts.name),
                 "date": c.date(event.get("date"), f"{where} event date"),
                 "place": c.text(event, "place", f"{where} event", rule=texts.title)}
    clip = ClipIn(raw["member"], c.text(raw, "title", where, rule=texts.title), start, end, c.text(raw, "note", where),
                  c.text(raw, "quote", where), bool(raw.get("safeguarding")), c.text(raw, "safeguarding_note", where),
                  clip_tags, [p.strip() for p in protos], event, c.moment(raw.get("filmed_at"), f"{where} time"))
    if clip.filmed_at is not None:
        offset = raw.get("filmed_offset_min")
        if offset is not None and (not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > 1440):
            c.fail(f"{where} time zone")
        clip.filmed_offset_min = offset
        source = raw.get("filmed_from")
        clip.filmed_from = source if isinstance(source, str) and source in TIME_SOURCES else "file"
    for p in c.listed(raw, "people", where):
        if not isinstance(p, dict):
            c.fail(f"{where} person")
        c.ref(p.get("person"), people, f"{where} person")
        ranges = []
        for r in c.listed(p, "ranges", where):
            if (not isinstance(r, list) or len(r) != 2 or not all(isinstance(v, int) and not isinstance(v, bool)
                                                                  for v in r) or not 0 <= r[0] < r[1]):
                c.fail(f"{where} person's range")
            ranges.append((r[0], r[1]))
        clip.people.append(OnClipIn(p["person"], ranges, bool(p.get("anonymised"))))
    return clip
