"""Prototypes: add one, link clips to it, export its evidence (CSV, or an HTML report with stills)."""

from __future__ import annotations

from app import lookup
from app.cli.grammar import AUDIENCES, Commands, add_replace, path
from app.cli.output import EXIT_OK, written
from app.wording import plural
from media.errors import BadInput


def register(commands: Commands) -> None:
    commands.group("prototype", "service prototypes")
    add = commands.action("prototype", "add", cmd_prototype_add)
    add.add_argument("name")
    add.add_argument("--summary", default="")
    add.add_argument("--stage", default="idea")
    link = commands.action("prototype", "link", cmd_prototype_link)
    link.add_argument("prototype")
    link.add_argument("clips", nargs="+")

    commands.group("evidence", "a prototype's evidence")
    export = commands.action("evidence", "export", cmd_evidence_export, help="CSV, or HTML report with stills")
    export.add_argument("prototype")
    export.add_argument("out", type=path)
    export.add_argument("--audience", default="team", choices=AUDIENCES)
    export.add_argument("--anonymise", action="store_true", help="report: blur faces where consent is short")
    add_replace(export)


def cmd_prototype_add(lib, args, out) -> int:
    from app.prototypes import prototypes

    proto_id = prototypes.add(lib, args.name, args.summary, args.stage)
    out.record({"id": proto_id, "name": args.name.strip(), "summary": args.summary, "stage": args.stage},
               f"{proto_id:>4}  {args.name.strip()}  ({args.stage})")
    return EXIT_OK


def cmd_prototype_link(lib, args, out) -> int:
    from app.prototypes import prototypes

    with lib.read() as s:
        proto = lookup.prototype(s, args.prototype)
        proto_id, name = proto.id, proto.name
        clip_ids = [lookup.clip(s, ref).id for ref in args.clips]
    new = prototypes.link(lib, proto_id, clip_ids)
    out.record({"prototype": name, "clips": clip_ids, "new_links": new},
               f"{name}: {plural(len(clip_ids), 'clip')} linked ({new} new)")
    return EXIT_OK


def cmd_evidence_export(lib, args, out) -> int:
    from app.prototypes import evidence

    with lib.read() as s:
        proto_id = lookup.prototype(s, args.prototype).id
    board = evidence.board(lib, proto_id)
    suffix = args.out.suffix.lower()
    if suffix == ".csv":
        if args.anonymise:
            raise BadInput(f"{args.out.name}: a spreadsheet has no pictures to anonymise; leave out --anonymise")
        path = evidence.write_csv(board, args.out, lib, audience=args.audience, replace=args.replace,
                                  note=out.note)
    elif suffix in (".html", ".htm"):
        path = evidence.write_html(lib, board, args.out, audience=args.audience, anonymise=args.anonymise,
                                   replace=args.replace, note=out.note)
    else:
        raise BadInput(f"{args.out}: evidence exports to .csv or .html")
    path = written(path)
    out.record({"prototype": board.name, "path": str(path), "audience": args.audience}, f"exported {path}")
    return EXIT_OK
