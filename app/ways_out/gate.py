"""The one gate every way out passes: a file for the user (a reel in every format and its
manifest, the evidence CSV and report, a review summary, a bundle, a codebook file) or a clip
shown on a meeting's screen.

``way_out`` runs the same steps in the same order for each:

1. the path guard (``export_guard``): never onto footage, never into a library;
2. the name guard (``name_guard``): the words it carries name nobody in the library;
3. consent (``consent_policy``, the one rule) for the way out's audience: refused, or for
   evidence and summaries the clips beyond consent left out;
4. the write, by the caller, to a hidden file (``media.export.atomic``) under the gate's pass;
5. consent checked again, 6. the rename into place, 7. the log entry: 5 to 7 in one database
   transaction that holds the write lock (and the people's rows on PostgreSQL). A withdrawal
   committed before it wins (nothing is published); one after it waits, then finds it in the log.

A showing at a review is the same passage without a file: 2 and 3, then 5 and 7 in one
transaction the moment before the clip is played (``Passage.show``).

The atomic writer puts a user's file in place only under the pass (``Passage``) made here,
for the files named here: a writer that skips the gate writes nothing.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.library import Library
from app.models import Clip, ExportPerson, ExportRecord
from app.ways_out import consent_policy, export_guard
from app.ways_out.consent_policy import OnClip, PolicyResult
from app.ways_out.name_guard import Guard, Note, Text, no_note
from media.errors import ConsentRefused, StorageError
from media.export import atomic
from media import oslayer
from media.oslayer import stored_path

T = TypeVar("T")
CHANGED = "Consent changed while it was being written; nothing was written."
NOTHING = "Nothing was written."


def who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system: the log says so
        return "unknown"


def _no_texts(_session: Session, _result: PolicyResult) -> list[Text]:
    return []


def _by_name(person: OnClip) -> str:
    return person.name


@dataclass
class Exit:
    """One way out, described for the gate."""

    kind: str  # reel, evidence, summary, bundle, codebook, showing
    subject: str  # the reel, prototype, review... by title (the log's words)
    what: str  # how a refusal names it: "reel 'Tuesday'"
    audience: str = ""  # "": no one on film goes out (a codebook file)
    clip_ids: list[int] = field(default_factory=list)
    stretch: tuple[int, int, int, str] | None = None  # (film, start µs, end µs, title): a film shown whole
    out: Path | None = None  # None: a screen at a meeting
    also: list[Path] = field(default_factory=list)  # written beside ``out`` by the same export (a manifest)
    reading: list[Path] = field(default_factory=list)  # files the export reads: never written onto
    replace: bool = False
    anonymise: bool = False  # covering faces is asked for
    can_anonymise: bool = False  # and this way out can cover them
    leave_out: bool = False  # clips beyond consent are left out (evidence, summaries), not refused
    reel_id: int | None = None
    review_id: int | None = None
    # The words it carries, given what consent lets through (texts of clips left out do not go).
    texts: Callable[[Session, PolicyResult], list[Text]] = _no_texts
    note: Note = no_note  # first names: said, not refused
    # How a consent refusal is worded (a bundle says pseudonyms): (result, what, written) -> message.
    refusal: Callable[[PolicyResult, str, str], str] | None = None
    # How a person is named when consent changed during the write (a bundle: their pseudonym).
    person_words: Callable[[OnClip], str] = _by_name

    def refuse(self, result: PolicyResult, written: str = NOTHING) -> ConsentRefused:
        words = self.refusal(result, self.what, written) if self.refusal else result.message(self.what, written)
        return ConsentRefused(words)


class Passage(atomic.Pass):
    """What the gate let through: the clips, what consent decided for each, the files it may
    put in place. The atomic writer asks it to publish each file; a screen calls ``show``."""

    def __init__(self, lib: Library, exit: Exit, first: PolicyResult, targets: list[Path]) -> None:
        self.lib, self.exit, self.first = lib, exit, first
        self.clip_ids = [d.clip_id for d in first.decisions]  # those that go (left-out clips removed)
        self.left_out: list = []  # decisions of the clips left out (set by way_out)
        self._targets = {form for t in targets for form in _forms(t)}
        self.items: list[dict] = default_items(first)  # what the log keeps of each item (no names)
        self.anonymisation = ""  # what was covered, for the log
        self.record_id: int | None = None
        self.published: list[Path] = []

    @property
    def decisions(self):
        return self.first.decisions

    def allows(self, target: Path) -> bool:
        return bool(_forms(target) & self._targets)

    def show(self) -> None:
        """A showing: checked again and logged the moment before the clip is played."""
        self.publish(None, lambda: None)

    def publish(self, target: Path | None, rename: Callable[[], None]) -> None:
        if target is not None and not self.allows(target):
            raise atomic.Unguarded(f"{target}: not let through by the gate; nothing was written")
        verb = "Show" if target is None else "Export"
        with self.lib.op(f"{verb} {target.name if target is not None else self.exit.subject}", undoable=False) as s:
            record = None
            if self.record_id is None:
                record = ExportRecord(reel_id=self.exit.reel_id, review_id=self.exit.review_id,
                                      path=stored_path(Path(target).resolve()) if target is not None else "",
                                      format=target.suffix.lower().lstrip(".") if target is not None else "screen",
                                      audience=self.exit.audience, kind=self.exit.kind, subject=self.exit.subject,
                                      items_json=json.dumps(with_sources(s, self.items, self.exit), ensure_ascii=False),
                                      exported_by=who(),
                                      anonymisation=self.anonymisation)
                s.add(record)
                s.flush()  # the first statement writes: SQLite's write lock is ours from here to commit
            now = _evaluate(s, self.exit, self.clip_ids, lock=True)
            covered = {p.person_id for d in self.first.decisions for p in d.anonymise}
            newly = [self.exit.person_words(p) for d in now.decisions for p in d.anonymise
                     if p.person_id not in covered]
            if not now.ok:
                raise self.exit.refuse(now, CHANGED)
            if newly:
                raise ConsentRefused(f"{self.exit.what}: consent changed during the export "
                                     f"({', '.join(dict.fromkeys(newly))}). {CHANGED}")
            if record is not None:
                anonymised = {p.person_id for d in now.decisions for p in d.anonymise}
                for person_id in now.people():
                    s.add(ExportPerson(export_id=record.id, person_id=person_id, anonymised=person_id in anonymised))
            s.flush()
            rename()
            try:
                s.commit()
            except BaseException:
                if target is not None:
                    Path(target).unlink(missing_ok=True)  # never a file out that the log does not know
                raise
            if record is not None:
                self.record_id = record.id
        if target is not None:
            self.published.append(Path(target))


def _forms(path: Path) -> set[Path]:
    """The ways one file's path is spelled between the gate and the writer (Windows' long paths)."""
    plain = Path(path).absolute()
    return {plain, oslayer.long_path(plain)}


def default_items(result: PolicyResult) -> list[dict]:
    """What the log keeps of each item: the clip, where it was, who was on it (labels, never names)."""
    return [{"clip_id": d.clip_id or None, "clip": d.title, "position": d.position, "anonymised": bool(d.anonymise),
             "people": [{"label": p.label, "role": p.role} for p in d.people]} for d in result.decisions]


def with_sources(session: Session, items: list[dict], exit: Exit) -> list[dict]:
    """The log's items, each with the stretch of film it came from as it was at export time
    (``source``: [film id, start µs, end µs]): a withdrawal recorded later, or an appearance
    recorded after the export, finds the export from this, whoever was known then. The items
    given (a manifest's, say) are not changed."""
    ids = [i.get("clip_id") for i in items if isinstance(i, dict) and i.get("clip_id")]
    where = {c.id: [c.film_id, c.start_us, c.end_us] for c in
             session.scalars(select(Clip).where(Clip.id.in_(ids)))} if ids else {}
    out = []
    for item in items:
        if not isinstance(item, dict):
            out.append(item)
            continue
        source = where.get(item.get("clip_id")) if item.get("clip_id") else (
            list(exit.stretch[:3]) if exit.stretch is not None else None)
        out.append({**item, "source": source} if source is not None else dict(item))
    return out


def _evaluate(session: Session, exit: Exit, clip_ids: list[int], lock: bool = False) -> PolicyResult:
    if exit.stretch is not None:
        film_id, start_us, end_us, title = exit.stretch
        return consent_policy.evaluate_stretch(session, exit.audience, film_id, start_us, end_us, title, lock=lock)
    if not exit.audience:
        return PolicyResult(exit.audience, [])
    return consent_policy.evaluate(session, exit.audience, clip_ids, anonymise=exit.anonymise,
                                   can_anonymise=exit.can_anonymise, lock=lock)


def first_look(lib: Library, exit: Exit) -> tuple[PolicyResult, PolicyResult]:
    """Steps 2 and 3 before anything is written: refuse a text naming someone
    (``NameRefused``); return the consent decision for every clip, and for those that go (all
    of them, unless the way out leaves out what consent does not allow)."""
    with lib.read() as s:
        first = _evaluate(s, exit, list(exit.clip_ids))
        going = first
        if exit.leave_out:
            going = PolicyResult(first.audience, [d for d in first.decisions if d.allowed])
        Guard.of(s).check(exit.texts(s, going), exit.note)
    return first, going


def way_out(lib: Library, exit: Exit, write: Callable[[Passage], T]) -> T:
    """The one way anything leaves the library (see the module's text for the steps).
    ``write(passage)`` writes the files through ``media.export.atomic`` (each put in place by
    the passage: checked again, renamed, logged) or, for a screen, calls ``passage.show()``."""
    targets: list[Path] = []
    if exit.out is not None:  # 1. where it may be written
        exit.out = export_guard.check_output(lib, exit.out, reading=exit.reading, replace=exit.replace)
        exit.also = [export_guard.check_output(lib, p, reading=exit.reading, replace=exit.replace) for p in exit.also]
        targets = [exit.out, *exit.also]
    first, going = first_look(lib, exit)  # 2. no names, 3. consent
    if not going.ok:
        raise exit.refuse(first)
    passage = Passage(lib, exit, going, targets)
    passage.left_out = [d for d in first.decisions if not d.allowed]
    with atomic.passing(passage):  # 4-7
        value = write(passage)
    if exit.out is not None and not any(_forms(exit.out) & _forms(p) for p in passage.published):
        raise StorageError(f"{exit.out}: the export put nothing in place")
    return value
