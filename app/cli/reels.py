"""Highlight reels: create, list, change, delete, and export (MP4 or an interchange file)."""

from __future__ import annotations

from app import lookup, queries
from app.cli.grammar import AUDIENCES, Commands, add_replace, path, whole_number
from app.cli.output import EXIT_OK, cancel_on_interrupt, progress_on_terminal, written
from app.wording import plural
from media import timecode
from media.errors import BadInput


def register(commands: Commands) -> None:
    commands.command("reels", cmd_reels, help="list the highlight reels")
    commands.group("reel", "highlight reels")
    create = commands.action("reel", "create", cmd_reel_create)
    create.add_argument("title")
    create.add_argument("--clip", action="append", required=True, help="clip id or exact title")
    create.add_argument("--audience", default="team", choices=AUDIENCES)

    edit = commands.action("reel", "edit", cmd_reel_edit, help="rename a reel, change its audience or clips")
    edit.add_argument("reel", help="reel id or exact title")
    edit.add_argument("--title")
    edit.add_argument("--audience", choices=AUDIENCES)
    edit.add_argument("--add", action="append", default=[], metavar="CLIP", help="add a clip at the end")
    edit.add_argument("--remove", action="append", default=[], metavar="CLIP",
                      help="take every item of this clip out of the reel")
    commands.action("reel", "delete", cmd_reel_delete, help="remove a reel (its clips are kept)").add_argument("reel")

    export = commands.action("reel", "export", cmd_reel_export)
    export.add_argument("reel")
    export.add_argument("out", type=path)
    export.add_argument("--height", type=whole_number, choices=[720, 1080])
    export.add_argument("--no-cards", action="store_true")
    export.add_argument("--no-captions", action="store_true")
    export.add_argument("--anonymise", action="store_true",
                        help="blur the faces of people whose consent does not cover the audience")
    export.add_argument("--style", default="blur", choices=["blur", "pixelate"])
    export.add_argument("--cover-all", action="store_true", help="cover every face in the reel")
    export.add_argument("--cover", action="append", default=[], metavar="PERSON",
                        help="cover the faces in the clips where this person appears")
    export.add_argument("--mask-voice", action="store_true", help="pitch-shift the sound of covered clips")
    add_replace(export)
    export.add_argument("--rate", default=None,
                        help="frame rate: auto (the most common standard rate among the clips) or "
                             "23.976, 24, 25, 29.97, 30, 50, 59.94, 60")


def _reel_line(r: dict, why: str | None = None) -> str:
    return (f"{r['id']:>4}  {r['title']}  ({plural(r['clips'], 'clip')}, "
            f"{timecode.format_clock(r['duration_us'])}, for {r['audience']}, {r['height']}p)"
            + (f"  [cannot go out: {why}]" if why else ""))


def cmd_reels(lib, args, out) -> int:
    from app.people.people_records import reel_flags

    with lib.read() as s:
        flags = reel_flags(s)
        records = queries.reel_records(s)
        for r in records:
            why = flags.get(r["id"])
            out.record(r | {"cannot_go_out": why}, _reel_line(r, why))
    if not records and not out.as_json:
        out.note("no reels yet; make one with: protoreel reel create TITLE --clip ID...")
    return EXIT_OK


def cmd_reel_create(lib, args, out) -> int:
    from app.people.people_records import reel_flags
    from app.reels import reels

    reel_id = reels.create(lib, args.title, args.clip, audience=args.audience)
    with lib.read() as s:
        why = reel_flags(s).get(reel_id)
    out.record({"id": reel_id, "title": args.title.strip(), "audience": args.audience, "clips": args.clip,
                "cannot_go_out": why},
               f"{reel_id:>4}  {args.title.strip()}  ({plural(len(args.clip), 'clip')}, for {args.audience})")
    if why:  # said now, not first at export time
        out.note(f"reel {args.title.strip()!r} cannot go out to a {args.audience} audience as it is: {why}. "
                 "Export it with --anonymise to cover faces, or leave those clips out")
    return EXIT_OK


def cmd_reel_edit(lib, args, out) -> int:
    """One step in the core (``reels.edit``): all of it is written or, refused, none of it."""
    from app.reels import reels

    with lib.read() as s:
        reel_id = lookup.reel(s, args.reel).id
        add = [lookup.clip(s, ref).id for ref in args.add]
        remove = [lookup.clip(s, ref).id for ref in args.remove]
    fields = {k: getattr(args, k) for k in ("title", "audience") if getattr(args, k) is not None}
    if not fields and not add and not remove:
        raise BadInput(f"reel {args.reel!r}: nothing to change (give --title, --audience, --add or --remove)")
    reels.edit(lib, reel_id, add=add, remove=remove, **fields)
    with lib.read() as s:
        (record,) = [r for r in queries.reel_records(s) if r["id"] == reel_id]
    out.record(record, f"{reel_id:>4}  {record['title']}  ({plural(record['clips'], 'clip')}, "
                       f"for {record['audience']})")
    return EXIT_OK


def cmd_reel_delete(lib, args, out) -> int:
    from app.reels import reels

    with lib.read() as s:
        reel = lookup.reel(s, args.reel)
        reel_id, title = reel.id, reel.title
    reels.delete(lib, reel_id)
    out.record({"id": reel_id, "title": title, "deleted": True}, f"deleted reel {reel_id}  {title}")
    return EXIT_OK


def cmd_reel_export(lib, args, out) -> int:
    from app.reels import export

    notes: list[str] = []
    told: list[str] = []
    path = export.export_reel(lib, args.reel, args.out, height=args.height,
                              cards=False if args.no_cards else None, captions=False if args.no_captions else None,
                              anonymise=args.anonymise, fps=args.rate, progress=progress_on_terminal(),
                              cancel=cancel_on_interrupt(), style=args.style, cover_all=args.cover_all,
                              cover_people=args.cover, mask_voice=args.mask_voice, replace=args.replace,
                              notes=notes, note=out.note, told=told)
    for note in notes + told:  # whose faces could be told apart, and whose not yet; interlaced films
        out.note(note)
    path = written(path)
    data = {"reel": args.reel, "path": str(path), "faces": notes, "deinterlaced": told}
    if path.suffix.lower() == ".mp4":
        data["manifest"] = str(export.manifest_path(path))
    out.record(data, f"exported {path}")
    return EXIT_OK
