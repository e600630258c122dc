"""`protoreel bundle export|import`: clips handed to a partner organisation's ProtoReel."""

from __future__ import annotations

import signal
import sys

from media.jobs import CancelToken

AUDIENCES = ["team", "collaborative", "public"]


def add_parsers(group, common, path_type) -> None:
    bundle = group("bundle", "a bundle of clips for another ProtoReel library (consent travels with them)")
    export = bundle.add_parser("export", parents=[common],
                               help="write the clips of a reel, an event or a prototype to OUT.protoreel")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--reel", help="reel id or exact title")
    which.add_argument("--event", help="event id or exact name")
    which.add_argument("--prototype", help="prototype id or exact name")
    export.add_argument("out", type=path_type, help="OUT.protoreel")
    export.add_argument("--audience", choices=AUDIENCES, default=None,
                        help="who will see it (default: the reel's audience; collaborative for an event or prototype)")
    export.add_argument("--anonymise", action="store_true",
                        help="cover the faces of people whose consent does not reach the audience")
    export.add_argument("--style", default="blur", choices=["blur", "pixelate"])
    export.add_argument("--mask-voice", action="store_true", help="with --anonymise: pitch-shift their clips' sound")
    from app.cli_parser import add_replace

    add_replace(export)
    imp = bundle.add_parser("import", parents=[common], help="add a bundle's clips, tags, prototypes and people")
    imp.add_argument("file", type=path_type)


def _progress():
    from app.cli import _terminal_progress

    return _terminal_progress() if sys.stderr.isatty() else (lambda f, m="": None)


def cmd_bundle_export(lib, args, out) -> int:
    from app.ops import bundle_export

    cancel = CancelToken()
    signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    path = bundle_export.export_bundle(lib, args.out, reel=args.reel, event=args.event, prototype=args.prototype,
                                       audience=args.audience, anonymise=args.anonymise, style=args.style,
                                       mask_voice=args.mask_voice, replace=args.replace, progress=_progress(),
                                       cancel=cancel, note=out.note)
    out.record({"path": str(path), "reel": args.reel, "event": args.event, "prototype": args.prototype},
               f"exported {path}")
    return 0


def cmd_bundle_import(lib, args, out) -> int:
    from app.ops import bundle_import

    cancel = CancelToken()
    signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    report = bundle_import.import_bundle(lib, args.file, progress=_progress(), cancel=cancel)
    out.record({"bundle": str(args.file), "clips": report.clips, "already_in_library": report.already,
                "new_clips": report.new_clips, "new_films": report.new_films, "new_tags": report.new_tags,
                "new_prototypes": report.new_prototypes, "new_people": report.new_people}, report.summary())
    return 0


COMMANDS = {
    ("bundle", "export"): cmd_bundle_export,
    ("bundle", "import"): cmd_bundle_import,
}
