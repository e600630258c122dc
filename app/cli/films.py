"""Films: import, list, rename, relink; record a take and recover interrupted ones."""

from __future__ import annotations

from app import lookup, queries
from app.cli.grammar import Commands, nonempty, path, seconds
from app.cli.output import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, cancel_on_interrupt, film_line, progress_on_terminal


def register(commands: Commands) -> None:
    imp = commands.command("import", cmd_import, help="import films (copied into the library)")
    imp.add_argument("files", nargs="+", type=path)
    imp.add_argument("--event", type=nonempty, help="the workshop or session these films belong to")
    imp.add_argument("--link", action="store_true", help="leave files where they are instead of copying")

    films = commands.command("films", cmd_films, help="list the library's films")
    films.add_argument("--event", type=nonempty, help="only this event's films (and say which were filmed far "
                                                      "from the event's day: a camera's clock may be wrong)")

    commands.group("film", "rename a film")
    rename = commands.action("film", "rename", cmd_film_rename,
                             help="give a film another title (its file keeps its name)")
    rename.add_argument("film", help="film id or exact title")
    rename.add_argument("title")

    relink = commands.command("relink", cmd_relink, help="point a film at its moved file")
    relink.add_argument("film")
    relink.add_argument("path", type=path)

    record = commands.command("record", cmd_record, help="record a role-play")
    record.add_argument("--source", default="camera")
    record.add_argument("--seconds", type=seconds)
    record.add_argument("--event", type=nonempty)
    commands.command("recover", cmd_recover, help="recover interrupted recordings")


def _print_film(lib, out, film_id: int, text_after: str = "", extra: dict | None = None) -> None:
    with lib.read() as s:
        (record,) = queries.film_records(s, lib, [film_id])
    out.record(record.to_json() | (extra or {}), film_line(record) + text_after)


def cmd_import(lib, args, out) -> int:
    from app.films import importing

    results = importing.import_files(lib, args.files, event=args.event, link=args.link,
                                     progress=progress_on_terminal(), cancel=cancel_on_interrupt())
    status = EXIT_OK
    for result in results:
        if result.error:
            out.fail(result.error)
            status = EXIT_BAD_INPUT
            continue
        where = f"; {result.note}" if result.note else ""
        _print_film(lib, out, result.film_id, f"  (already in the library{where})" if result.existed else "",
                    {"already_in_library": result.existed})
        for warning in result.warnings:  # damage found and how the film is kept
            out.note(f"{result.source.name}: {warning}")
    _odd_clocks(lib, out, [r.film_id for r in results if r.film_id is not None])
    return status


def _odd_clocks(lib, out, film_ids: list[int]) -> None:
    """One line for each event these films are in whose films were recorded years (or more than
    a day) apart: the film far from the others (what the window's Event day shows apart)."""
    from app.films.event_day import odd_clocks_said

    with lib.read() as s:
        events = dict.fromkeys(r.event for r in queries.film_records(s, lib, film_ids) if r.event)
        said = [odd_clocks_said(name, queries.film_records(s, lib, event=name)) for name in events]
    for line in said:
        if line:
            out.note(line)


def cmd_films(lib, args, out) -> int:
    from app.films import films

    films.check_missing(lib)
    with lib.read() as s:
        event = None if args.event is None else lookup.event(s, args.event).name
        records = queries.film_records(s, lib, event=event)
        for record in records:
            out.record(record.to_json(), film_line(record))
    if event is not None:
        from app.films.event_day import odd_clocks_said

        said = odd_clocks_said(event, records)
        if said:
            out.note(said)
        elif not records and not out.as_json:
            out.note(f"event {event!r} has no films yet")
    elif not records and not out.as_json:
        out.note("no films in this library yet; add some with: protoreel import FILE|FOLDER [--event NAME]")
    return EXIT_OK


def cmd_film_rename(lib, args, out) -> int:
    from app.films import films

    with lib.read() as s:
        film_id = lookup.film(s, args.film).id
    films.rename(lib, film_id, args.title)
    title = args.title.strip()
    out.record({"id": film_id, "title": title}, f"film {film_id} is now {title!r}")
    return EXIT_OK


def cmd_relink(lib, args, out) -> int:
    from app.films import films

    _print_film(lib, out, films.relink(lib, args.film, args.path))
    return EXIT_OK


def cmd_record(lib, args, out) -> int:
    from app.films import takes

    source = takes.source_named(args.source)
    # Ctrl+C ends the take and keeps it.
    film_id = takes.record_take(lib, source, args.seconds, event=args.event, cancel=cancel_on_interrupt())
    _print_film(lib, out, film_id)
    return EXIT_OK


def cmd_recover(lib, args, out) -> int:
    from app.films import takes

    status = EXIT_OK
    results = takes.recover(lib)
    if not results:
        out.fail("no interrupted recordings found")
    for take, film_id, reason in results:
        if film_id is None:
            out.fail(f"{take.name}: {reason}")
            status = EXIT_FAILED
            continue
        _print_film(lib, out, film_id, "  (recovered)", {"recovered_from": take.name})
    return status
