"""Command-line commands for people, consent, safeguarding and the export log.

Kept apart from ``app.cli`` (which only adds these parsers and commands) so that consent
work and the rest of the command line change independently.
"""

from __future__ import annotations

from pathlib import Path

from media import timecode
from media.errors import BadInput

SCOPES = ["none", "team", "collaborative", "public"]
AUDIENCES = ["team", "collaborative", "public"]


def add_parsers(sub, common, group, path_type=Path) -> None:
    """Add the commands to ``sub`` (``group(name, help)`` makes a command with actions)."""
    person = group("person", "people on film and their consent")
    add = person.add_parser("add", parents=[common], help="someone who appears on film, with their consent")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="actor, lived_experience, carer, staff or facilitator")
    add.add_argument("--consent", required=True, choices=SCOPES)
    _consent_details(add)
    add.add_argument("--pseudonym", default="", help="what exports call them (default: their role)")

    appears = person.add_parser("appears", parents=[common], help="films (or stretches of them) a person is in")
    appears.add_argument("name")
    appears.add_argument("films", nargs="+")
    appears.add_argument("--from", dest="start", help="only from this timecode of the film(s)")
    appears.add_argument("--to", dest="end", help="... up to this timecode")

    consent = person.add_parser("consent", parents=[common],
                                help="a new consent record (wider, narrower, or reinstated after a withdrawal)")
    consent.add_argument("name")
    consent.add_argument("scope", choices=SCOPES)
    _consent_details(consent)

    withdraw = person.add_parser("withdraw", parents=[common],
                                 help="consent withdrawn (final): lists every reel, review and export with them")
    withdraw.add_argument("name")
    _consent_details(withdraw)

    show = person.add_parser("show", parents=[common], help="a person's consent history and appearances")
    show.add_argument("name")
    from app import cli_faces

    cli_faces.add_parsers(person, common)
    sub.add_parser("people", parents=[common], help="list people and their consent")

    evidence = group("evidence", "a prototype's evidence")
    ev_export = evidence.add_parser("export", parents=[common], help="CSV, or HTML report with stills")
    ev_export.add_argument("prototype")
    ev_export.add_argument("out", type=path_type)
    ev_export.add_argument("--audience", default="team", choices=AUDIENCES)
    ev_export.add_argument("--anonymise", action="store_true", help="report: blur faces where consent is short")
    from app.cli_parser import add_replace

    add_replace(ev_export)

    safeguard = sub.add_parser("safeguard", parents=[common], help="flag clips as distressing (content warning)")
    safeguard.add_argument("clips", nargs="+")
    safeguard.add_argument("--note", default="", help="the warning's text")
    safeguard.add_argument("--off", action="store_true", help="remove the flag")

    sub.add_parser("exports", parents=[common], help="the log of everything that left the library")


def add_reel_export_options(reel_export) -> None:
    reel_export.add_argument("--anonymise", action="store_true",
                             help="blur the faces of people whose consent does not cover the audience")
    reel_export.add_argument("--style", default="blur", choices=["blur", "pixelate"])
    reel_export.add_argument("--cover-all", action="store_true", help="cover every face in the reel")
    reel_export.add_argument("--cover", action="append", default=[], metavar="PERSON",
                             help="cover the faces in the clips where this person appears")
    reel_export.add_argument("--mask-voice", action="store_true", help="pitch-shift the sound of covered clips")


def _consent_details(parser) -> None:
    parser.add_argument("--date", help="when it was given or withdrawn (YYYY-MM-DD; default: today)")
    parser.add_argument("--how", default="", help="written form, verbal (recorded), ...")
    parser.add_argument("--note", default="")


def _history_line(h) -> str:
    what = "WITHDRAWN" if h.withdrawal else f"consent: {h.scope}"
    return f"    {h.given_on or 'undated'}  {what}" + (f"  ({h.how})" if h.how else "") + (f"  {h.notes}" if h.notes else "")


def _person_text(p) -> str:
    state = f"WITHDRAWN {p.withdrawn_at}" if p.withdrawn else f"consent: {p.consent}"
    lines = [f"{p.id:>4}  {p.name}  ({p.role.replace('_', ' ')}, {state}; exports call them {p.label!r})"]
    lines += [_history_line(h) for h in p.history]
    for a in p.appearances:
        where = ", ".join(f"{timecode.format_clock(s)}–{timecode.format_clock(e)}" for s, e in a.ranges) or "whole film"
        lines.append(f"    appears in {a.film}: {where}")
    return "\n".join(lines)


def _print_person(lib, out, person_ref) -> None:
    from app.ops import lookup
    from app.people_records import person_records

    with lib.read() as s:
        (record,) = person_records(s, [lookup.person(s, person_ref).id])
    out.record(record.to_json(), _person_text(record))


def cmd_person_add(lib, args, out) -> int:
    from app.ops import people

    person_id = people.add(lib, args.name, args.role, args.consent, given_on=args.date, how=args.how,
                           notes=args.note, pseudonym=args.pseudonym)
    _print_person(lib, out, person_id)
    return 0


def cmd_person_appears(lib, args, out) -> int:
    from app.ops import lookup, people

    ranges = None
    if args.start is not None or args.end is not None:
        if args.start is None or args.end is None:
            raise BadInput("--from and --to go together")
        ranges = []
        with lib.read() as s:
            for ref in args.films:
                film = lookup.film(s, ref)
                ranges.append((timecode.parse(args.start, film.fps), timecode.parse(args.end, film.fps)))
        if len(set(ranges)) != 1:
            raise BadInput(f"--from {args.start} --to {args.end}: give films of one frame rate, or one film at a time")
        ranges = ranges[:1]
    people.appears(lib, args.name, args.films, ranges=ranges)
    _print_person(lib, out, args.name)
    return 0


def cmd_person_consent(lib, args, out) -> int:
    from app.ops import people

    people.give_consent(lib, args.name, args.scope, given_on=args.date, how=args.how, notes=args.note)
    _print_person(lib, out, args.name)
    return 0


def cmd_person_withdraw(lib, args, out) -> int:
    from app.ops import people

    report = people.withdraw(lib, args.name, on=args.date, how=args.how, notes=args.note)
    lines = [f"{report['person']}: consent withdrawn ({report['withdrawn_at']}); further export is blocked."]
    lines.append("Reels with them: " + (", ".join(f"{r['title']!r} (#{r['id']})" for r in report["reels"]) or "none"))
    lines.append("Reviews with them: " + (", ".join(f"{r['title']!r} (#{r['id']})" for r in report["reviews"]) or "none"))
    if report["exports"]:
        lines.append("Already exported (follow up with whoever received these):")
        lines += [f"  {e['at']}  {e['kind']} {e['subject']!r} for {e['audience']}: {e['path']}" for e in report["exports"]]
    else:
        lines.append("Already exported: nothing")
    out.record(report, "\n".join(lines))
    return 0


def cmd_person_show(lib, args, out) -> int:
    _print_person(lib, out, args.name)
    return 0


def cmd_people(lib, args, out) -> int:
    from app.people_records import person_records

    with lib.read() as s:
        for record in person_records(s):
            out.record(record.to_json(), _person_text(record))
    return 0


def cmd_evidence_export(lib, args, out) -> int:
    from app import evidence
    from app.ops import lookup

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
    out.record({"prototype": board.name, "path": str(path), "audience": args.audience}, f"exported {path}")
    return 0


def cmd_safeguard(lib, args, out) -> int:
    from app.ops import lookup, safeguarding

    with lib.read() as s:
        ids = [lookup.clip(s, ref).id for ref in args.clips]
    safeguarding.flag(lib, ids, on=not args.off, note=args.note)
    state = "no content warning" if args.off else "content warning before each"
    out.record({"clips": ids, "safeguarding": not args.off, "note": args.note}, f"clip(s) {ids}: {state}")
    return 0


def cmd_exports(lib, args, out) -> int:
    from sqlalchemy import select

    from app.models import ExportRecord

    with lib.read() as s:
        for e in s.scalars(select(ExportRecord).order_by(ExportRecord.id)):
            people = len(e.people)
            data = {"id": e.id, "kind": e.kind, "subject": e.subject, "path": e.path, "format": e.format,
                    "audience": e.audience, "at": e.created_at.isoformat(timespec="seconds"), "by": e.exported_by,
                    "people": people, "anonymisation": e.anonymisation}
            out.record(data, f"{e.id:>4}  {data['at']}  {e.exported_by}  {e.kind} {e.subject!r} for {e.audience}: "
                             f"{e.path}  ({people} people{'; ' + e.anonymisation if e.anonymisation else ''})")
    return 0


from app.cli_faces import COMMANDS as FACE_COMMANDS  # noqa: E402 - the face commands sit apart

COMMANDS = {
    **FACE_COMMANDS,
    ("person", "add"): cmd_person_add,
    ("person", "appears"): cmd_person_appears,
    ("person", "consent"): cmd_person_consent,
    ("person", "withdraw"): cmd_person_withdraw,
    ("person", "show"): cmd_person_show,
    ("people", None): cmd_people,
    ("evidence", "export"): cmd_evidence_export,
    ("safeguard", None): cmd_safeguard,
    ("exports", None): cmd_exports,
}
