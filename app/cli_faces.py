"""Command-line commands for people's faces: say once which face is a person's, so exports
can cover only chosen people's faces (``app.ops.faces``).

    protoreel person face PERSON FILM TC [--pick N]   # face N (from the left) at TC is PERSON's
    protoreel person faces PERSON                     # the faces known for PERSON
"""

from __future__ import annotations

from media import timecode


def add_parsers(person, common) -> None:
    face = person.add_parser("face", parents=[common],
                             help="say which face in a frame is this person's (exports then tell it from others)")
    face.add_argument("name")
    face.add_argument("film")
    face.add_argument("time", metavar="TC", help="a frame of the film where the person faces the camera")
    face.add_argument("--pick", type=int, default=None, metavar="N",
                      help="which face, numbered from the left (needed when the frame shows more than one)")
    faces = person.add_parser("faces", parents=[common], help="the faces known for a person")
    faces.add_argument("name")


def _face_json(face, name: str) -> dict:
    return {"id": face.id, "person": name, "film_id": face.film_id, "film": face.film_title,
            "time_us": face.time_us, "added_at": face.added_at.isoformat(timespec="seconds")}


def _face_text(face, name: str) -> str:
    where = f"film {face.film_title!r}" if face.film_title else "a film since removed"
    return f"{face.id:>4}  {name}: face from {where} at {timecode.format_clock(face.time_us)}"


def cmd_person_face(lib, args, out) -> int:
    from app.ops import faces, lookup

    with lib.read() as s:
        person = lookup.person(s, args.name)
        film = lookup.film(s, args.film)
        name, fps = person.name, film.fps
    face = faces.add_face(lib, person.id, film.id, timecode.parse(args.time, fps), pick=args.pick)
    out.record(_face_json(face, name), _face_text(face, name) + "  (added: exports now tell this face apart)")
    return 0


def cmd_person_faces(lib, args, out) -> int:
    from app.ops import faces, lookup

    with lib.read() as s:
        name = lookup.person(s, args.name).name
    known = faces.faces_of(lib, args.name)
    for face in known:
        out.record(_face_json(face, name), _face_text(face, name))
    if not known and not out.as_json:
        out.note(f"{name}'s face is not known yet: exports cover every face in their clips; add one with: "
                 f"protoreel person face {name!r} FILM TC")
    return 0


COMMANDS = {
    ("person", "face"): cmd_person_face,
    ("person", "faces"): cmd_person_faces,
}
