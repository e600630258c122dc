"""The codebook: add a tag, list the tags, and the whole codebook to and from CSV or JSON."""

from __future__ import annotations

from app import queries
from app.cli.grammar import TAG_KINDS, Commands, add_replace, nonempty, path
from app.cli.output import EXIT_OK, written
from app.wording import plural


def register(commands: Commands) -> None:
    commands.group("tag", "the codebook")
    add = commands.action("tag", "add", cmd_tag_add)
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=TAG_KINDS)
    add.add_argument("--color", type=nonempty, default=None, help="#RRGGBB")
    commands.command("tags", cmd_tags, help="list the codebook")

    commands.group("codebook", "import or export the whole codebook (CSV or JSON)")
    commands.action("codebook", "import", cmd_codebook_import, help="add and update tags from FILE").add_argument(
        "file", type=path)
    export = commands.action("codebook", "export", cmd_codebook_export, help="write the codebook to FILE")
    export.add_argument("file", type=path)
    add_replace(export)


def cmd_tag_add(lib, args, out) -> int:
    from app.codebook import codebook

    return _print_tags(lib, out, [codebook.add(lib, args.name, args.kind, args.color)])


def cmd_tags(lib, args, out) -> int:
    return _print_tags(lib, out, None)


def _print_tags(lib, out, ids) -> int:
    with lib.read() as s:
        counts = queries.tag_counts(s)
        for t in queries.tags(s, include_archived=ids is not None):
            if ids is None or t.id in ids:
                data = {"id": t.id, "name": t.name, "kind": t.kind, "color": t.color, "shortcut": t.shortcut,
                        "clips": counts.get(t.id, 0), "archived": t.archived}
                key = f" [{t.shortcut}]" if t.shortcut else ""
                out.record(data, f"{t.id:>4}  {t.kind:<11} {t.name}{key}  {t.color}  {plural(counts.get(t.id, 0), 'clip')}")
    return EXIT_OK


def cmd_codebook_import(lib, args, out) -> int:
    from app.codebook import codebook_files

    count = codebook_files.read_file(lib, args.file)
    out.record({"file": str(args.file), "tags": count}, f"{args.file}: {plural(count, 'tag')} imported")
    return EXIT_OK


def cmd_codebook_export(lib, args, out) -> int:
    from app.codebook import codebook_files

    path = codebook_files.write_file(lib, args.file, replace=args.replace, note=out.note)
    path = written(path)
    out.record({"file": str(path), "tags": len(codebook_files.export_rows(lib))}, f"codebook written to {path}")
    return EXIT_OK
