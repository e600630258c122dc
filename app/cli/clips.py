"""Clips: mark, change, delete and find them; flag them as distressing (safeguarding)."""

from __future__ import annotations

from app import lookup, queries
from app.cli.grammar import TAG_KINDS, Commands
from app.cli.output import EXIT_OK, clip_line
from app.wording import numbered, plural
from media import timecode
from media.errors import BadInput

TC_HELP = "SS.sss, MM:SS.sss, HH:MM:SS.sss or HH:MM:SS:FF"
# The one meaning of an out point, the window's and the command line's: the O key on a frame
# sets Out to where that frame ends, so Out (and --end) is the time just after the clip's last
# frame, and the clip list's Out column shows that time.
END_HELP = ("the time just after the clip's last frame, as the clip list's Out column shows it: the frame "
            "on screen at this time is not in the clip (the O key on a frame sets Out to where that frame "
            "ends; to end with the frame shown at 1:05.20 at 25 fps, give --end 1:05.24)")
TAG_HELP = ("a tag of the codebook: NAME or KIND:NAME (protoreel tags lists them); a name the codebook lacks "
            "is refused, naming the closest tags it has, unless it is KIND:NAME and like none of them: then it "
            "is a new tag, and a note says so")
NEW_TAG_HELP = ("tag with a tag new to the codebook (KIND is challenge, opportunity or theme): it is added to the "
                "codebook (or used, if it is there already)")


def register(commands: Commands) -> None:
    commands.group("clip", "clips")
    add = commands.action("clip", "add", cmd_clip_add, help="mark a clip of a film")
    add.add_argument("film", help="film id or exact title")
    add.add_argument("--start", required=True, help=TC_HELP)
    add.add_argument("--end", required=True, help=END_HELP)
    add.add_argument("--title", default="")
    add.add_argument("--tag", action="append", default=[], help=TAG_HELP)
    add.add_argument("--new-tag", action="append", default=[], metavar="KIND:NAME", help=NEW_TAG_HELP)
    add.add_argument("--note", default="")
    add.add_argument("--quote", default="")

    edit = commands.action("clip", "edit", cmd_clip_edit, help="change a clip's range, words or tags")
    edit.add_argument("clip", help="clip id or exact title")
    edit.add_argument("--start", help=f"new start: {TC_HELP}")
    edit.add_argument("--end", help=f"new end: {END_HELP}")
    edit.add_argument("--title")
    edit.add_argument("--note")
    edit.add_argument("--quote")
    edit.add_argument("--tag", action="append", default=[], help=f"add this tag: {TAG_HELP}")
    edit.add_argument("--new-tag", action="append", default=[], metavar="KIND:NAME", help=NEW_TAG_HELP)
    edit.add_argument("--untag", action="append", default=[], help="remove this tag")

    delete = commands.action("clip", "delete", cmd_clip_delete, help="remove clips (the film is kept)")
    delete.add_argument("clips", nargs="+", help="clip ids or exact titles")
    delete.add_argument("--from-reels", action="store_true", help="a clip in a reel: take it out of the reel too")

    found = commands.command("clips", cmd_clips, help="list and filter clips")
    found.add_argument("--tag", action="append", default=[], help="has this tag (repeat: all of them)")
    found.add_argument("--any-tag", action="append", default=[], help="has at least one of these tags")
    found.add_argument("--kind", action="append", default=[], choices=TAG_KINDS)
    found.add_argument("--prototype", action="append", default=[])
    found.add_argument("--event", action="append", default=[])
    found.add_argument("--person", action="append", default=[])
    found.add_argument("--text", default="", help="words in the title, note or quote")
    found.add_argument("--at", default=None, metavar="HH:MM",
                       help="filmed around this time of day (within half an hour), nearest first")

    safeguard = commands.command("safeguard", cmd_safeguard, help="flag clips as distressing (content warning)")
    safeguard.add_argument("clips", nargs="+")
    safeguard.add_argument("--note", default="", help="the warning's text (not with --off)")
    safeguard.add_argument("--off", action="store_true", help="remove the flag")


def _tags_new_to_the_codebook(lib, refs: list[str]) -> list[str]:
    """The ``KIND:NAME`` refs the codebook lacks before the change (made by it, if it goes through)."""
    with lib.read() as s:
        return [ref for ref in refs if (split := lookup.split_tag_ref(ref))[0]
                and lookup.tag_or_none(s, split[1], split[0]) is None]


def _say_new_tags(out, refs: list[str]) -> None:
    for ref in refs:
        kind, name = lookup.split_tag_ref(ref)
        out.note(f"new tag {kind}:{name!r} added to the codebook (protoreel tags lists them all)")


def _print_clip(lib, out, clip_id: int) -> None:
    with lib.read() as s:
        (record,) = queries.clip_records(s, [clip_id])
    out.record(record.to_json(), clip_line(record))


def cmd_clip_add(lib, args, out) -> int:
    from app.clips import clips

    with lib.read() as s:
        film = lookup.film(s, args.film)
        film_id, fps = film.id, film.fps
    start = timecode.parse(args.start, fps)
    end = timecode.parse(args.end, fps)
    new = _tags_new_to_the_codebook(lib, args.tag + args.new_tag)
    clip_id = clips.add(lib, film_id, start, end, title=args.title, tags=args.tag, note=args.note,
                        quote=args.quote, new_tags=args.new_tag, create_tags=False)
    _say_new_tags(out, new)
    _print_clip(lib, out, clip_id)
    return EXIT_OK


def cmd_clip_edit(lib, args, out) -> int:
    """One step in the core (``clips.edit``): all of it is written or, refused, none of it."""
    from app.clips import clips

    fields = {k: getattr(args, k) for k in ("title", "note", "quote") if getattr(args, k) is not None}
    with lib.read() as s:
        clip = lookup.clip(s, args.clip)
        clip_id, fps = clip.id, clip.film.fps
    start = None if args.start is None else timecode.parse(args.start, fps)
    end = None if args.end is None else timecode.parse(args.end, fps)
    if start is None and end is None and not fields and not args.tag and not args.new_tag and not args.untag:
        raise BadInput(f"clip {args.clip!r}: nothing to change (give --start, --end, --title, --note, "
                       "--quote, --tag, --new-tag or --untag)")
    new = _tags_new_to_the_codebook(lib, args.tag + args.new_tag)
    clips.edit(lib, clip_id, start, end, add_tags=args.tag, remove_tags=args.untag, new_tags=args.new_tag,
               create_tags=False, **fields)
    _say_new_tags(out, new)
    _print_clip(lib, out, clip_id)
    return EXIT_OK


def cmd_clip_delete(lib, args, out) -> int:
    from app.clips import clips

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
    return EXIT_OK


def cmd_clips(lib, args, out) -> int:
    with lib.read() as s:
        filt = queries.resolve_filter(s, tags=args.tag, any_tags=args.any_tag, prototypes=args.prototype,
                                      events=args.event, people=args.person, text=args.text, kinds=args.kind)
        if args.at is not None:
            from app.clips.time_of_day import parse_clock

            filt.at_minute = parse_clock(args.at)
        ids = queries.clip_ids(s, filt)
        for record in queries.clip_records(s, ids):
            out.record(record.to_json(), clip_line(record))
    if not ids and not out.as_json:
        out.note("no clips match")
    return EXIT_OK


def cmd_safeguard(lib, args, out) -> int:
    from app.clips import safeguarding

    if args.off and args.note:
        raise BadInput(f"--note {args.note[:40]!r}: not used with --off (a clip without the flag shows no warning); "
                       "leave out --note (or leave out --off to flag the clip with this warning)")
    with lib.read() as s:
        ids = [lookup.clip(s, ref).id for ref in args.clips]
    safeguarding.flag(lib, ids, on=not args.off, note=args.note)
    state = "no content warning" if args.off else "content warning before each"
    out.record({"clips": ids, "safeguarding": not args.off, "note": args.note}, f"{numbered('clip', ids)}: {state}")
    return EXIT_OK
