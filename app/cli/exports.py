"""The export log: everything that left the library (reels, evidence, summaries, bundles), for
whom, and with how many people on it."""

from __future__ import annotations

from app.cli.grammar import Commands
from app.cli.output import EXIT_OK
from app.wording import plural


def register(commands: Commands) -> None:
    commands.command("exports", cmd_exports, help="the log of everything that left the library")


def shown_clips(items_json: str) -> list[str]:
    """A showing's clips by the titles the room saw, from the log (which keeps no names)."""
    import json

    try:
        items = json.loads(items_json or "[]")
    except ValueError:
        return []
    return [f"“{i.get('clip') or 'a film shown whole'}”" for i in items]


def cmd_exports(lib, args, out) -> int:
    from sqlalchemy import select

    from app.models import ExportRecord

    with lib.read() as s:
        for e in s.scalars(select(ExportRecord).order_by(ExportRecord.id)):
            people = len(e.people)
            data = {"id": e.id, "kind": e.kind, "subject": e.subject, "path": e.path, "format": e.format,
                    "audience": e.audience, "at": e.created_at.isoformat(timespec="seconds"), "by": e.exported_by,
                    "people": people, "anonymisation": e.anonymisation, "review_id": e.review_id}
            if e.kind == "showing":  # a showing has no file: which clip the room saw, at which review
                clips = shown_clips(e.items_json)
                data["clips"] = clips
                where = f"{', '.join(clips) or 'a clip'} on the screen at review {e.review_id}"
            else:
                where = e.path
            audience = f" for {e.audience}" if e.audience else ""  # a codebook shows no one
            out.record(data, f"{e.id:>4}  {data['at']}  {e.exported_by}  {e.kind} {e.subject!r}{audience}: "
                             f"{where}  ({plural(people, 'person')}"
                             f"{'; ' + e.anonymisation if e.anonymisation else ''})")
    return EXIT_OK
