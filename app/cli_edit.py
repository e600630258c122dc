"""Command-line commands that change or remove what was made: clip edit/delete, reel edit/delete,
film rename.

Kept apart from ``app.cli`` so that the commands that make things and those that change them
read on their own. Each command is one step in the core (``clips.edit``, ``reels.edit``): all
of it is written or, refused, none of it.
"""

from __future__ import annotations

from media import timecode
from media.errors import BadInput

AUDIENCES = ["team", "collaborative", "public"]


def add_clip_parsers(clip, common) -> None:
    edit = clip.add_parser("edit", parents=[common], help="change a clip's range, words or tags")
    edit.add_argument("clip", help="clip id or exact title")
    edit.add_argument("--start", help="new start: SS.sss, MM:SS.sss, HH:MM:SS.sss or HH:MM:SS:FF")
    edit.add_argument("--end", help="new end")
    edit.add_argument("--title")
    edit.add_argument("--note")
    edit.add_argument("--quote")
    edit.add_argument("--tag", action="append", default=[], help="add KIND:NAME (created if new) or NAME")
    edit.add_argument("--untag", action="append", default=[], help="remove this tag")
    delete = clip.add_parser("delete", parents=[common], help="remove clips (the film is kept)")
    delete.add_argument("clips", nargs="+", help="clip ids or exact titles")
    delete.add_argument("--from-reels", action="store_true", help="a clip in a reel: take it out of the reel too")


def add_film_parsers(film, common) -> None:
    rename = film.add_parser("rename", parents=[common], help="give a film another title (its file keeps its name)")
    rename.add_argument("film", help="film id or exact title")
    rename.add_argument("title")


def cmd_film_rename(lib, args, out) -> int:
    from app.ops import films, lookup

    with lib.read() as s:
        film_id = lookup.film(s, args.film).id
    films.rename(lib, film_id, args.title)
    title = args.title.strip()
    out.record({"id": film_id, "title": title}, f"film {film_id} is now {title!r}")
    return 0


def add_reel_parsers(reel, common) -> None:
    edit = reel.add_parser("edit", parents=[common], help="rename a reel, change its audience or clips")
    edit.add_argument("reel", help="reel id or exact title")
    edit.add_argument("--title")
    edit.add_argument("--audience", choices=AUDIENCES)
    edit.add_argument("--add", action="append", default=[], metavar="CLIP", help="add a clip at the end")
    edit.add_argument("--remove", action="append", default=[], metavar="CLIP",
                      help="take every item of this clip out of the reel")
    delete = reel.add_parser("delete", parents=[common], help="remove a reel (its clips are kept)")
    delete.add_argument("reel")


def cmd_clip_edit(lib, args, out) -> int:
    from app import queries
    from app.cli import clip_line
    from app.ops import clips, lookup

    fields = {k: getattr(args, k) for k in ("title", "note", "quote") if getattr(args, k) is not None}
    with lib.read() as s:
        clip = lookup.clip(s, args.clip)
        clip_id, fps = clip.id, clip.film.fps
    start = None if args.start is None else timecode.parse(args.start, fps)
    end = None if args.end is None else timecode.parse(args.end, fps)
    if start is None and end is None and not fields and not args.tag and not args.untag:
        raise BadInput(f"clip {args.clip!r}: nothing to change (give --start, --end, --title, --note, "
                       "--quote, --tag or --untag)")
    clips.edit(lib, clip_id, start, end, add_tags=args.tag, remove_tags=args.untag, **fields)
    with lib.read() as s:
        (record,) = queries.clip_records(s, [clip_id])
    out.record(record.to_json(), clip_line(record))
    return 0


def cmd_clip_delete(lib, args, out) -> int:
    from app.ops import clips, lookup
    from app.wording import plural

    with lib.read() as s:
        found = {c.id: c for c in (lookup.clip(s, ref) for ref in args.clips)}
        titles = {clip_id: c.title for clip_id, c in found.items()}
        losing = sorted({item.reel.title for c in found.values() for item in c.reel_items})
    named = ", ".join(repr(t) for t in losing)
    if losing and not args.from_reels:  # a command has no Undo: a reel is not emptied by surprise
        raise BadInput(f"clip {args.clips[0]!r}: in {plural(len(losing), 'reel')} ({named}); give --from-reels "
                       "to take it out of them too")
    clips.delete(lib, list(found))
    for clip_id, title in titles.items():
        out.record({"id": clip_id, "title": title, "deleted": True, "reels": losing},
                   f"deleted clip {clip_id}  {title}")
    if losing:
        out.note(f"taken out of {plural(len(losing), 'reel')}: {named}")
    return 0


def cmd_reel_edit(lib, args, out) -> int:
    from app import queries
    from app.ops import lookup, reels
    from app.wording import plural

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
    return 0


def cmd_reel_delete(lib, args, out) -> int:
    from app.ops import lookup, reels

    with lib.read() as s:
        reel = lookup.reel(s, args.reel)
        reel_id, title = reel.id, reel.title
    reels.delete(lib, reel_id)
    out.record({"id": reel_id, "title": title, "deleted": True}, f"deleted reel {reel_id}  {title}")
    return 0


COMMANDS = {
    ("clip", "edit"): cmd_clip_edit,
    ("clip", "delete"): cmd_clip_delete,
    ("reel", "edit"): cmd_reel_edit,
    ("reel", "delete"): cmd_reel_delete,
    ("film", "rename"): cmd_film_rename,
}
