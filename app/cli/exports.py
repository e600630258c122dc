"""The export log: everything that left the library (reels, evidence, summaries, bundles), for
whom, and with how many people on it."""

from __future__ import annotations

from app.cli.grammar import Commands
from app.cli.output import EXIT_OK


def register(commands: Commands) -> None:
    commands.command("exports", cmd_exports, help="the log of everything that left the library")


def cmd_exports(lib, args, out) -> int:
    from sqlalchemy import select

    from app.models import ExportRecord

    with lib.read() as s:
        for e in s.scalars(select(ExportRecord).order_by(ExportRecord.id)):
            people = len(e.people)
            data = {"id": e.id, "kind": e.kind, "subject": e.subject, "path": e.path, "format": e.format,
                    "audience": e.audience, "at": e.created_at.isoformat(timespec="seconds"), "by": e.exported_by,
                    "people": people, "anonymisation": e.anonymisation}
            where = e.path or "on the screen at the review"  # a showing has no file
            audience = f" for {e.audience}" if e.audience else ""  # a codebook shows no one
            out.record(data, f"{e.id:>4}  {data['at']}  {e.exported_by}  {e.kind} {e.subject!r}{audience}: "
                             f"{where}  ({people} people{'; ' + e.anonymisation if e.anonymisation else ''})")
    return EXIT_OK
