"""Every way out is checked twice and logged once.

``Gate`` holds what an export was allowed to show when it started. Exporters write to a hidden
file; just before it is renamed into place the gate, in one database transaction that holds
the write lock (and the people's rows on PostgreSQL), checks consent again, renames, and
records the export with the people in it. A withdrawal committed before that transaction wins
(nothing is published); one that comes after it waits, then finds the export in the log.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, field
from pathlib import Path

from app.ways_out import consent_policy
from app.library import Library
from app.models import ExportPerson, ExportRecord
from media.errors import ConsentRefused
from media.export.atomic import publishing_through
from media.oslayer import stored_path


def who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system: the log says so
        return "unknown"


@dataclass
class Gate:
    lib: Library
    kind: str  # reel, evidence, review
    subject: str  # the reel or prototype, by title
    audience: str
    clip_ids: list[int]
    anonymise: bool = False
    can_anonymise: bool = False
    reel_id: int | None = None
    anonymisation: str = ""  # what was covered, for the log
    items: list[dict] = field(default_factory=list)  # what the log keeps of each item (no names)
    first: consent_policy.PolicyResult | None = None
    record_id: int | None = None

    def check(self, what: str) -> consent_policy.PolicyResult:
        """The check when the export starts: raises ConsentRefused naming people and clips."""
        with self.lib.read() as s:
            result = consent_policy.evaluate(s, self.audience, self.clip_ids, anonymise=self.anonymise,
                                             can_anonymise=self.can_anonymise)
        if not result.ok:
            raise ConsentRefused(result.message(what))
        self.first = result
        return result

    def publishing(self, out: Path):
        """Context in which the exporter's rename into place goes through ``publish``."""
        return publishing_through(lambda rename: self.publish(out, rename))

    def publish(self, out: Path, rename) -> None:
        with self.lib.op(f"Export {out.name}", undoable=False) as s:
            where = stored_path(Path(out).resolve())  # the file where it is, however the path was typed
            record = ExportRecord(reel_id=self.reel_id, path=where, format=out.suffix.lower().lstrip("."),
                                  audience=self.audience, items_json=json.dumps(self.items, ensure_ascii=False),
                                  kind=self.kind, subject=self.subject, exported_by=who(),
                                  anonymisation=self.anonymisation)
            s.add(record)
            s.flush()  # the first statement writes: SQLite's write lock is ours from here to commit
            now = consent_policy.evaluate(s, self.audience, self.clip_ids, anonymise=self.anonymise,
                                          can_anonymise=self.can_anonymise, lock=True)
            covered = {p.person_id for d in (self.first.decisions if self.first else []) for p in d.anonymise}
            newly_restricted = [p.name for d in now.decisions for p in d.anonymise if p.person_id not in covered]
            if not now.ok or newly_restricted:
                reasons = now.message(f"{out.name}") if not now.ok else (
                    f"{out.name}: consent changed during the export ({', '.join(newly_restricted)}). Nothing was written.")
                raise ConsentRefused(reasons.replace("Nothing was written.",
                                                     "Consent changed while it was being written; nothing was written."))
            anonymised = {p.person_id for d in now.decisions for p in d.anonymise}
            for person_id in now.people():
                s.add(ExportPerson(export_id=record.id, person_id=person_id, anonymised=person_id in anonymised))
            s.flush()
            rename()
            try:
                s.commit()
            except BaseException:
                out.unlink(missing_ok=True)  # never a file out that the log does not know
                raise
            self.record_id = record.id


def record_showing(lib: Library, subject: str, audience: str, clip_ids: list[int], kind: str = "review",
                   reel_id: int | None = None) -> consent_policy.PolicyResult:
    """Review mode (showing clips on a screen at a meeting) is a way out too: decide which of
    ``clip_ids`` may be shown to ``audience`` and log the showing of those, with their people,
    in one transaction. Returns the decision: play ``allowed_ids`` only (withheld clips carry
    their reasons, which name people: for the facilitator's eyes, not the projector)."""
    with lib.op(f"Show {subject}", undoable=False) as s:
        record = ExportRecord(reel_id=reel_id, path="", format="screen", audience=audience, kind=kind,
                              subject=subject, exported_by=who())
        s.add(record)
        s.flush()
        result = consent_policy.evaluate(s, audience, clip_ids, lock=True)
        allowed = set(result.allowed_ids)
        record.items_json = json.dumps([{"clip_id": d.clip_id, "clip": d.title,
                                         "people": [{"label": p.label, "role": p.role} for p in d.people]}
                                        for d in result.decisions if d.clip_id in allowed], ensure_ascii=False)
        for person_id in result.people(allowed):
            s.add(ExportPerson(export_id=record.id, person_id=person_id))
    return result
