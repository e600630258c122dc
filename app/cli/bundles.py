"""Bundles: the clips of a reel, an event or a prototype handed to a partner organisation's
ProtoReel, and taken in from one (consent travels with them)."""

from __future__ import annotations

from app.cli.grammar import AUDIENCES, Commands, add_replace, path
from app.cli.output import EXIT_OK, cancel_on_interrupt, progress_on_terminal, written


def register(commands: Commands) -> None:
    commands.group("bundle", "a bundle of clips for another ProtoReel library (consent travels with them)")
    export = commands.action("bundle", "export", cmd_bundle_export,
                             help="write the clips of a reel, an event or a prototype to OUT.protoreel")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--reel", help="reel id or exact title")
    which.add_argument("--event", help="event id or exact name")
    which.add_argument("--prototype", help="prototype id or exact name")
    export.add_argument("out", type=path, help="OUT.protoreel")
    export.add_argument("--audience", choices=AUDIENCES, default=None,
                        help="who will see it (default: the reel's audience; collaborative for an event or prototype)")
    export.add_argument("--anonymise", action="store_true",
                        help="cover the faces of people whose consent does not reach the audience")
    export.add_argument("--style", default="blur", choices=["blur", "pixelate"])
    export.add_argument("--mask-voice", action="store_true", help="with --anonymise: pitch-shift their clips' sound")
    export.add_argument("--leave-out", action="store_true",
                        help="leave out the clips that cannot go to the audience (said by title) instead of refusing")
    add_replace(export)
    imp = commands.action("bundle", "import", cmd_bundle_import,
                          help="add a bundle's clips, tags, prototypes and people")
    imp.add_argument("file", type=path)


def cmd_bundle_export(lib, args, out) -> int:
    from app.bundles import bundle_export

    if args.leave_out:
        said = bundle_export.bundle_consent(lib, reel=args.reel, event=args.event, prototype=args.prototype,
                                            audience=args.audience, anonymise=args.anonymise)
        for c in said.cannot_go:
            out.note(f"left out: clip {c.position} of {said.count} {c.title!r} ({', '.join(c.who)})")
    path = bundle_export.export_bundle(lib, args.out, reel=args.reel, event=args.event, prototype=args.prototype,
                                       audience=args.audience, anonymise=args.anonymise, style=args.style,
                                       mask_voice=args.mask_voice, replace=args.replace, leave_out=args.leave_out,
                                       progress=progress_on_terminal(), cancel=cancel_on_interrupt(), note=out.note)
    path = written(path)
    out.record({"path": str(path), "reel": args.reel, "event": args.event, "prototype": args.prototype},
               f"exported {path}")
    return EXIT_OK


def cmd_bundle_import(lib, args, out) -> int:
    from app.bundles import bundle_import

    report = bundle_import.import_bundle(lib, args.file, progress=progress_on_terminal(),
                                         cancel=cancel_on_interrupt())
    out.record({"bundle": str(args.file), "clips": report.clips, "already_in_library": report.already,
                "new_clips": report.new_clips, "new_films": report.new_films, "new_tags": report.new_tags,
                "new_prototypes": report.new_prototypes, "new_people": report.new_people}, report.summary())
    return EXIT_OK
