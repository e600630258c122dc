"""The command line. Same core as the GUI; see DESIGN.md for the contract.

Exit status: 0 done, 1 failed, 2 bad input (the message names the file or value and the
reason, and nothing in the library changed for that item).
"""

from __future__ import annotations

import json
import os
import signal
import sys

from media import timecode
from media.errors import ProtoReelError
from media.jobs import Cancelled, CancelToken
from app import cli_bundle, cli_consent, cli_edit, cli_parser
from app.wording import plural
from app.cli_errors import unexpected
from app.library import Library, default_library_dir

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class Out:
    """Prints records as text or one JSON object per line; failures go to stderr."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def record(self, data: dict, text: str) -> None:
        print(json.dumps(data, ensure_ascii=False) if self.as_json else text, flush=True)

    @staticmethod
    def fail(message: str) -> None:
        print(cli_parser.one_line(message), file=sys.stderr, flush=True)

    @staticmethod
    def note(message: str) -> None:
        """Something worth knowing that is not a failure (stderr, so stdout stays records)."""
        print("note: " + cli_parser.one_line(message), file=sys.stderr, flush=True)


def film_line(f) -> str:
    size = f"{f.width}×{f.height}" if f.width else "audio only"
    rot = f" rot {f.rotation}°" if f.rotation else ""
    fps = f" {f.fps} fps{' VFR' if f.vfr else ''}" if f.fps else ""
    state = "  [MISSING]" if f.missing else ""
    return f"{f.id:>5}  {f.title}  {timecode.format_clock(f.duration_us)}  {size}{rot}{fps}{state}"


def clip_line(c) -> str:
    tags = ", ".join(f"{t['kind']}:{t['name']}" for t in c.tags)
    return (f"{c.id:>6}  {c.film}  {timecode.format_clock(c.start_us)}–{timecode.format_clock(c.end_us)}"
            f"  {c.title}" + (f"  [{tags}]" if tags else ""))


def main(argv: list[str] | None = None, open_app=None) -> int:
    """Run one command. With no command, ``open_app(library, database_url)`` opens the GUI
    (``ui.launch`` passes it: the core never imports the GUI)."""
    argv = sys.argv[1:] if argv is None else argv
    args, status = cli_parser.parse(argv)
    if args is None:
        return status
    if args.command is None:
        if open_app is None:
            args.print_usage()
            return EXIT_BAD_INPUT
        return open_app(args.library, args.database_url)
    out = Out(args.json)
    args.open_app = open_app  # `present` ends in the GUI
    try:
        with Library.open(args.library or default_library_dir(), args.database_url) as lib:
            for name in lib.interrupted_imports:
                out.fail(f"note: an import was stopped before {name} was in the library (a crash, or the "
                         "command was killed); nothing of it was kept: import it again to add it")
            return COMMANDS[(args.command, getattr(args, "action", None))](lib, args, out)
    except BrokenPipeError:  # `protoreel films | head -1`: the reader has gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except (Cancelled, KeyboardInterrupt):
        out.fail("cancelled")
        return EXIT_FAILED
    except ProtoReelError as exc:
        out.fail(str(exc))
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - the contract: one line, never a traceback
        error = unexpected(exc)
        out.fail(str(error))
        return error.exit_code


def cmd_import(lib: Library, args, out: Out) -> int:
    from app.ops import films
    from app import queries

    cancel = CancelToken()
    signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    progress = _terminal_progress() if sys.stderr.isatty() else (lambda f, m="": None)
    results = films.import_files(lib, args.files, event=args.event, link=args.link,
                                 progress=progress, cancel=cancel)
    status = EXIT_OK
    with lib.read() as s:
        for result in results:
            if result.error:
                out.fail(result.error)
                status = EXIT_BAD_INPUT
                continue
            (record,) = queries.film_records(s, lib.root, [result.film_id])
            data = record.to_json() | {"already_in_library": result.existed}
            where = f"; {result.note}" if result.note else ""
            out.record(data, film_line(record) + (f"  (already in the library{where})" if result.existed else ""))
    return status


def _terminal_progress():
    def show(fraction: float, message: str = "") -> None:
        print(f"\r{fraction * 100:5.1f}%  {message[:70]:70}", end="", file=sys.stderr, flush=True)
        if fraction >= 1.0:
            print(file=sys.stderr)
    return show


def cmd_films(lib: Library, args, out: Out) -> int:
    from app.ops import films
    from app import queries

    films.check_missing(lib)
    with lib.read() as s:
        records = queries.film_records(s, lib.root)
        for record in records:
            out.record(record.to_json(), film_line(record))
    if not records and not out.as_json:
        out.note("no films in this library yet; add some with: protoreel import FILE|FOLDER [--event NAME]")
    return EXIT_OK


def cmd_clip_add(lib: Library, args, out: Out) -> int:
    from app.ops import clips, lookup
    from app import queries

    with lib.read() as s:
        film = lookup.film(s, args.film)
        film_id, fps = film.id, film.fps
    start = timecode.parse(args.start, fps)
    end = timecode.parse(args.end, fps)
    clip_id = clips.add(lib, film_id, start, end, title=args.title, tags=args.tag, note=args.note, quote=args.quote)
    with lib.read() as s:
        (record,) = queries.clip_records(s, [clip_id])
    out.record(record.to_json(), clip_line(record))
    return EXIT_OK


def cmd_clips(lib: Library, args, out: Out) -> int:
    from app import queries

    with lib.read() as s:
        filt = queries.resolve_filter(s, tags=args.tag, any_tags=args.any_tag, prototypes=args.prototype,
                                      events=args.event, people=args.person, text=args.text, kinds=args.kind)
        if args.at is not None:
            from app.time_of_day import parse_clock

            filt.at_minute = parse_clock(args.at)
        ids = queries.clip_ids(s, filt)
        for record in queries.clip_records(s, ids):
            out.record(record.to_json(), clip_line(record))
    if not ids and not out.as_json:
        out.note("no clips match")
    return EXIT_OK


def cmd_tag_add(lib: Library, args, out: Out) -> int:
    from app.ops import codebook

    tag_id = codebook.add(lib, args.name, args.kind, args.color)
    return _print_tags(lib, out, [tag_id])


def cmd_tags(lib: Library, args, out: Out) -> int:
    return _print_tags(lib, out, None)


def _print_tags(lib: Library, out: Out, ids) -> int:
    from app import queries

    with lib.read() as s:
        counts = queries.tag_counts(s)
        for t in queries.tags(s, include_archived=ids is not None):
            if ids is None or t.id in ids:
                data = {"id": t.id, "name": t.name, "kind": t.kind, "color": t.color, "shortcut": t.shortcut,
                        "clips": counts.get(t.id, 0), "archived": t.archived}
                key = f" [{t.shortcut}]" if t.shortcut else ""
                out.record(data, f"{t.id:>4}  {t.kind:<11} {t.name}{key}  {t.color}  {counts.get(t.id, 0)} clips")
    return EXIT_OK


def cmd_codebook_import(lib: Library, args, out: Out) -> int:
    from app.ops import codebook

    count = codebook.read_file(lib, args.file)
    out.record({"file": str(args.file), "tags": count}, f"{args.file}: {count} tag(s) imported")
    return EXIT_OK


def cmd_codebook_export(lib: Library, args, out: Out) -> int:
    from app.ops import codebook_files

    path = codebook_files.write_file(lib, args.file, replace=args.replace)
    out.record({"file": str(path), "tags": len(codebook_files.export_rows(lib))}, f"codebook written to {path}")
    return EXIT_OK


def cmd_prototype_add(lib: Library, args, out: Out) -> int:
    from app.ops import prototypes

    proto_id = prototypes.add(lib, args.name, args.summary, args.stage)
    out.record({"id": proto_id, "name": args.name.strip(), "summary": args.summary, "stage": args.stage},
               f"{proto_id:>4}  {args.name.strip()}  ({args.stage})")
    return EXIT_OK


def cmd_prototype_link(lib: Library, args, out: Out) -> int:
    from app.ops import lookup, prototypes

    with lib.read() as s:
        proto = lookup.prototype(s, args.prototype)
        proto_id, name = proto.id, proto.name
        clip_ids = [lookup.clip(s, ref).id for ref in args.clips]
    new = prototypes.link(lib, proto_id, clip_ids)
    out.record({"prototype": name, "clips": clip_ids, "new_links": new},
               f"{name}: {len(clip_ids)} clip(s) linked ({new} new)")
    return EXIT_OK


def cmd_reel_create(lib: Library, args, out: Out) -> int:
    from app.ops import reels

    from app.people_records import reel_flags

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


def cmd_reels(lib: Library, args, out: Out) -> int:
    from app import queries

    from app.people_records import reel_flags

    with lib.read() as s:
        flags = reel_flags(s)
        records = queries.reel_records(s)
        for r in records:
            why = flags.get(r["id"])
            out.record(r | {"cannot_go_out": why},
                       f"{r['id']:>4}  {r['title']}  ({plural(r['clips'], 'clip')}, "
                       f"{timecode.format_clock(r['duration_us'])}, for {r['audience']}, {r['height']}p)"
                       + (f"  [cannot go out: {why}]" if why else ""))
    if not records and not out.as_json:
        out.note("no reels yet; make one with: protoreel reel create TITLE --clip ID...")
    return EXIT_OK


def cmd_reel_export(lib: Library, args, out: Out) -> int:
    from app.ops import export

    cancel = CancelToken()
    signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    progress = _terminal_progress() if sys.stderr.isatty() else (lambda f, m="": None)
    notes: list[str] = []
    path = export.export_reel(lib, args.reel, args.out, height=args.height,
                              cards=False if args.no_cards else None, captions=False if args.no_captions else None,
                              anonymise=args.anonymise, fps=args.rate, progress=progress, cancel=cancel,
                              style=args.style, cover_all=args.cover_all, cover_people=args.cover,
                              mask_voice=args.mask_voice, replace=args.replace, notes=notes,
                              note=out.note)
    for note in notes:  # whose faces could be told apart, and whose not yet
        out.note(note)
    data = {"reel": args.reel, "path": str(path), "faces": notes}
    if path.suffix.lower() == ".mp4":
        data["manifest"] = str(export.manifest_path(path))
    out.record(data, f"exported {path}")
    return EXIT_OK


def cmd_relink(lib: Library, args, out: Out) -> int:
    from app.ops import films
    from app import queries

    film_id = films.relink(lib, args.film, args.path)
    with lib.read() as s:
        (record,) = queries.film_records(s, lib.root, [film_id])
    out.record(record.to_json(), film_line(record))
    return EXIT_OK


def cmd_record(lib: Library, args, out: Out) -> int:
    from app.ops import recording
    from app import queries

    source = recording.source_named(args.source)
    cancel = CancelToken()
    signal.signal(signal.SIGINT, lambda *_: cancel.cancel())  # Ctrl+C ends the take and keeps it
    film_id = recording.record_take(lib, source, args.seconds, event=args.event, cancel=cancel)
    with lib.read() as s:
        (record,) = queries.film_records(s, lib.root, [film_id])
    out.record(record.to_json(), film_line(record))
    return EXIT_OK


def cmd_recover(lib: Library, args, out: Out) -> int:
    from app.ops import recording
    from app import queries

    status = EXIT_OK
    results = recording.recover(lib)
    if not results:
        out.fail("no interrupted recordings found")
    with lib.read() as s:
        for take, film_id, reason in results:
            if film_id is None:
                out.fail(f"{take.name}: {reason}")
                status = EXIT_FAILED
                continue
            (record,) = queries.film_records(s, lib.root, [film_id])
            out.record(record.to_json() | {"recovered_from": take.name}, film_line(record) + "  (recovered)")
    return status


def cmd_present(lib: Library, args, out: Out) -> int:
    """Create (or pick up) the review in the core first, so bad names fail here with exit 2
    before any window opens; then open the app on this library, presenting it."""
    from app.ops import reviews

    if args.continue_review:
        review_id = reviews.find(lib, args.continue_review)
    else:
        review_id = reviews.start(lib, reel=args.reel, prototype=args.prototype, event=args.event,
                                  audience=args.audience, discuss=args.discuss)
    if args.open_app is None:
        out.fail(f"review {review_id} is ready; presenting needs the app (run `protoreel present`)")
        return EXIT_FAILED
    return args.open_app(lib.root, args.database_url, present=review_id)


def review_line(r) -> str:
    minutes = r.shown_us // 60_000_000
    return (f"{r.id:>4}  {r.held_on}  {r.title}  ({r.source}, {r.audience})  shown {r.shown_items}/{r.items}"
            f"{f', {r.withheld} withheld' if r.withheld else ''}, {minutes} min · {plural(r.notes, 'note')}, "
            f"{plural(r.marks, 'mark')}, {plural(r.actions, 'action')}{'' if r.ended_at else '  [not ended]'}")


def cmd_reviews(lib: Library, args, out: Out) -> int:
    from app import review_records

    with lib.read() as s:
        for record in review_records.review_records(s):
            out.record(record.to_json(), review_line(record))
    return EXIT_OK


def cmd_review_summary(lib: Library, args, out: Out) -> int:
    from app import review_summary
    from app.ops import reviews

    path = review_summary.write_summary(lib, reviews.find(lib, args.review), args.out, replace=args.replace,
                                          note=out.note)
    out.record({"review": args.review, "path": str(path)}, f"wrote {path}")
    return EXIT_OK


def not_yet(what: str):
    def command(lib: Library, args, out: Out) -> int:
        out.fail(f"{what} is not yet available in this version of ProtoReel")
        return EXIT_FAILED
    return command


COMMANDS = {
    ("import", None): cmd_import,
    ("films", None): cmd_films,
    ("clip", "add"): cmd_clip_add,
    ("clips", None): cmd_clips,
    ("tag", "add"): cmd_tag_add,
    ("tags", None): cmd_tags,
    ("codebook", "import"): cmd_codebook_import,
    ("codebook", "export"): cmd_codebook_export,
    ("prototype", "add"): cmd_prototype_add,
    ("prototype", "link"): cmd_prototype_link,
    ("reels", None): cmd_reels,
    ("reel", "create"): cmd_reel_create,
    ("reel", "export"): cmd_reel_export,
    ("relink", None): cmd_relink,
    **cli_consent.COMMANDS,
    **cli_edit.COMMANDS,
    **cli_bundle.COMMANDS,
    ("record", None): cmd_record,
    ("recover", None): cmd_recover,
    ("present", None): cmd_present,
    ("reviews", None): cmd_reviews,
    ("review", "summary"): cmd_review_summary,
}

if __name__ == "__main__":
    sys.exit(main())
