"""People on film: add them, say where they appear, their consent (given, narrowed, withdrawn),
and their faces (picked once from a frame, so exports can tell them apart)."""

from __future__ import annotations

from app import lookup
from app.wording import plural
from app.cli.grammar import SCOPES, Commands, whole_number
from app.cli.output import EXIT_OK
from media import timecode
from media.errors import BadInput


def register(commands: Commands) -> None:
    commands.group("person", "people on film and their consent")
    add = commands.action("person", "add", cmd_person_add, help="someone who appears on film, with their consent")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="actor, lived_experience, carer, staff or facilitator")
    add.add_argument("--consent", required=True, choices=SCOPES)
    _consent_details(add)
    add.add_argument("--pseudonym", default="", help="what exports call them (default: their role)")

    appears = commands.action("person", "appears", cmd_person_appears,
                              help="films (or stretches of them) a person is in")
    appears.add_argument("name")
    appears.add_argument("films", nargs="+")
    appears.add_argument("--from", dest="start", help="only from this timecode of the films given")
    appears.add_argument("--to", dest="end", help="... up to this timecode")

    consent = commands.action("person", "consent", cmd_person_consent,
                              help="a new consent record: wider, narrower, or the person's new consent after a "
                                   "withdrawal (then --how is needed and --date must be on or after the withdrawal; "
                                   "the withdrawal stays in the consent history, the new record after it)")
    consent.add_argument("name")
    consent.add_argument("scope", choices=SCOPES)
    _consent_details(consent)

    withdraw = commands.action("person", "withdraw", cmd_person_withdraw,
                               help="consent withdrawn: lists every reel, review and export with them; nothing undoes "
                                    "it: only the person's new consent, recorded with `person consent NAME SCOPE --how "
                                    "HOW`, brings it back (both stay in the consent history)")
    withdraw.add_argument("name")
    _consent_details(withdraw)

    commands.action("person", "show", cmd_person_show,
                    help="a person's consent history and appearances").add_argument("name")

    face = commands.action("person", "face", cmd_person_face,
                           help="say which face in a frame is this person's (exports then tell it from others)")
    face.add_argument("name")
    face.add_argument("film")
    face.add_argument("time", metavar="TC", help="a frame of the film where the person faces the camera")
    face.add_argument("--pick", type=whole_number, default=None, metavar="N",
                      help="which face, numbered from the left (needed when the frame shows more than one)")
    commands.action("person", "faces", cmd_person_faces, help="the faces known for a person").add_argument("name")

    commands.command("people", cmd_people, help="list people and their consent")


def _consent_details(parser) -> None:
    parser.add_argument("--date", help="when it was given or withdrawn (YYYY-MM-DD; default: today)")
    parser.add_argument("--how", default="", help="written form, verbal (recorded), ...")
    parser.add_argument("--note", default="")


def _history_line(h, after_withdrawal: bool = False) -> str:
    what = "WITHDRAWN" if h.withdrawal else f"consent: {h.scope}" + (" (given again)" if after_withdrawal else "")
    return f"    {h.given_on or 'undated'}  {what}" + (f"  ({h.how})" if h.how else "") + (f"  {h.notes}" if h.notes else "")


def _person_text(p) -> str:
    state = f"WITHDRAWN {p.withdrawn_at}" if p.withdrawn else f"consent: {p.consent}"
    lines = [f"{p.id:>4}  {p.name}  ({p.role.replace('_', ' ')}, {state}; exports call them {p.label!r})"]
    lines += [_history_line(h, i > 0 and p.history[i - 1].withdrawal and not h.withdrawal)
              for i, h in enumerate(p.history)]
    for a in p.appearances:
        where = ", ".join(f"{timecode.format_clock(s)}–{timecode.format_clock(e)}" for s, e in a.ranges) or "whole film"
        lines.append(f"    appears in {a.film}: {where}")
    return "\n".join(lines)


def _print_person(lib, out, person_ref) -> None:
    from app.people.people_records import person_records

    with lib.read() as s:
        (record,) = person_records(s, [lookup.person(s, person_ref).id])
    out.record(record.to_json(), _person_text(record))


def cmd_person_add(lib, args, out) -> int:
    from app.people import people

    person_id = people.add(lib, args.name, args.role, args.consent, given_on=args.date, how=args.how,
                           notes=args.note, pseudonym=args.pseudonym)
    _print_person(lib, out, person_id)
    return EXIT_OK


def cmd_person_appears(lib, args, out) -> int:
    from app.people import people

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
    return EXIT_OK


def cmd_person_consent(lib, args, out) -> int:
    from app.people import people

    with lib.read() as s:
        person = lookup.person(s, args.name)
        withdrawn = people.withdrawn_on(s, person)
    people.give_consent(lib, args.name, args.scope, given_on=args.date, how=args.how, notes=args.note)
    _print_person(lib, out, args.name)
    if withdrawn is not None:
        out.note(f"consent given again after the withdrawal of {withdrawn:%Y-%m-%d}: both are in the consent history")
    return EXIT_OK


def cmd_person_withdraw(lib, args, out) -> int:
    from app.people import people

    report = people.withdraw(lib, args.name, on=args.date, how=args.how, notes=args.note)
    lines = [f"{report['person']}: consent withdrawn ({report['withdrawn_at']}); further export is blocked."]
    lines.append("Reels with them: " + (", ".join(f"{r['title']!r} (#{r['id']})" for r in report["reels"]) or "none"))
    lines.append("Reviews with them: " + ("; ".join(people.reviews_said(report["reviews"], ids=True)) or "none"))
    lines += people.exported_said(report)
    out.record(report, "\n".join(lines))
    return EXIT_OK


def cmd_person_show(lib, args, out) -> int:
    _print_person(lib, out, args.name)
    return EXIT_OK


def cmd_people(lib, args, out) -> int:
    from app.people.people_records import person_records

    with lib.read() as s:
        for record in person_records(s):
            out.record(record.to_json(), _person_text(record))
    return EXIT_OK


def _face_json(face, name: str) -> dict:
    return {"id": face.id, "person": name, "film_id": face.film_id, "film": face.film_title,
            "time_us": face.time_us, "added_at": face.added_at.isoformat(timespec="seconds")}


def _face_text(face, name: str) -> str:
    where = f"film {face.film_title!r}" if face.film_title else "a film since removed"
    return f"{face.id:>4}  {name}: face from {where} at {timecode.format_clock(face.time_us)}"


def cmd_person_face(lib, args, out) -> int:
    from app.people import faces

    with lib.read() as s:
        person = lookup.person(s, args.name)
        film = lookup.film(s, args.film)
        name, fps = person.name, film.fps
    face = faces.add_face(lib, person.id, film.id, timecode.parse(args.time, fps), pick=args.pick)
    more = f"; {plural(face.suggested, 'more view')} of it from the same shot kept beside it" if face.suggested else ""
    out.record({**_face_json(face, name), "suggested": face.suggested},
               _face_text(face, name) + f"  (added: exports now tell this face apart{more})")
    for sentence in faces.look_alikes(lib):
        out.note(sentence)
    return EXIT_OK


def cmd_person_faces(lib, args, out) -> int:
    from app.people import faces

    with lib.read() as s:
        name = lookup.person(s, args.name).name
    known = faces.faces_of(lib, args.name)
    for face in known:
        out.record(_face_json(face, name), _face_text(face, name))
    if not known and not out.as_json:
        out.note(f"{name}'s face is not known yet: exports cover every face in their clips; add one with: "
                 f"protoreel person face {name!r} FILM TC")
    return EXIT_OK
