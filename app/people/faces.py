"""Faces a facilitator says are a person's: picked once from a frame of a film, then
recognised wherever exports cover faces (media/anonymise/recognise.py).

A face is added from a frame: the faces found in it are numbered from left to right and the
facilitator picks one (the People panel's "Add face…", or ``person face PERSON FILM TC
--pick N``). Its reading (128 numbers) and a small picture of it are kept in the library, with
the film and time it came from; they go when the person is deleted, and adding one is undoable.
The picked face is followed through the stretch of film after it (to a cut, or until it is
lost, at most ``STRETCH_SECONDS``) and up to ``MORE_READINGS`` more readings of its frontal views,
the most unlike each other, are kept beside it: one person seen several ways is told apart
better than from one frame. ``look_alikes`` says which known people the recogniser finds too
alike to tell apart well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app.library import Library
from app.models import Film, Person, PersonFace
from app import lookup
from app.wording import plural
from media.errors import BadInput
from media.reading.orientation import Orientation
from media.timecode import format_clock

PICTURE_SIZE = 96  # the face's picture kept for the facilitator's eyes (JPEG, this many pixels tall)
MORE_READINGS = 2  # readings suggested beside the picked one, from the stretch where the face stays in view
STRETCH_SECONDS = 8.0  # how far the picked face is followed for them (it stops earlier at a cut or when lost)


@dataclass(frozen=True)
class FoundFace:
    number: int  # 1-based, left to right: what --pick and the picker show
    box: tuple[int, int, int, int]  # x, y, w, h in the frame's upright pixels
    readable: bool  # big and frontal enough to be recognised


@dataclass
class FramePick:
    film_id: int
    film_title: str
    time_us: int  # the start of the frame shown
    rgb: object  # the frame, upright (numpy H x W x 3)
    faces: list[FoundFace]
    points: list = field(default_factory=list)  # each face's key points, for reading the chosen one


@dataclass
class FaceRecord:
    id: int
    person_id: int
    film_id: int | None
    film_title: str  # "" when the film has been removed
    time_us: int
    picture: bytes  # JPEG
    added_at: dt.datetime
    suggested: int = 0  # (add_face) readings added beside this one from the stretch that followed


def film_length(lib: Library, film_ref) -> tuple[int, object]:
    """(duration in µs, frame rate) of a film, for choosing a moment in it."""
    with lib.read() as s:
        film = lookup.film(s, film_ref)
        return film.duration_us, film.fps


def faces_at(lib: Library, film_ref, time_us: int) -> FramePick:
    """The frame of the film showing at ``time_us`` and the faces found in it (left to right)."""
    from media.anonymise.blazeface import BlazeFace
    from media.anonymise.recognise import readable

    with lib.read() as s:
        film = lookup.film(s, film_ref)
        if lib.missing(film) or not lib.film_path(film).exists():
            raise BadInput(f"film {film.title!r}: its file is missing; relink it first")
        if not film.width:
            raise BadInput(f"film {film.title!r}: has no picture to find faces in")
        if not 0 <= time_us < film.duration_us:
            raise BadInput(f"time {format_clock(time_us)}: film {film.title!r} is only "
                           f"{format_clock(film.duration_us)} long")
        path, start, orientation = lib.film_path(film), film.start_us, Orientation(film.rotation, bool(film.mirror))
        fields = film.field_order or ""
        film_id, title = film.id, film.title
    from media.reading.frames import FrameReader  # here: PyAV and numpy stay out of every export's process

    reader = FrameReader(path, start, orientation, fields)  # interlaced: faces found in whole pictures
    try:
        still = reader.frame_at(time_us)
    finally:
        reader.close()
    if still is None:
        raise BadInput(f"film {title!r}: no frame can be decoded at {format_clock(time_us)}")
    import numpy as np

    rgb = np.ascontiguousarray(still.rgb)
    found = sorted(BlazeFace().detect_faces(rgb, tiles=True), key=lambda f: f[0][0])
    faces = [FoundFace(n, tuple(int(round(v)) for v in box[:4]), bool(readable(points)))
             for n, (box, points) in enumerate(found, 1)]
    return FramePick(film_id, title, still.time_us, rgb, faces, [points for _box, points in found])


def add_face(lib: Library, person_ref, film_ref, time_us: int, pick: int | None = None,
             more: int = MORE_READINGS) -> FaceRecord:
    """Say that face number ``pick`` (1-based, left to right; may be left out when the frame
    shows one face) at ``time_us`` of the film is this person's; up to ``more`` readings of the
    same face further on in its stretch of film are kept beside it (``record.suggested`` of them)."""
    from media.anonymise.recognise import MODEL_NAME, SAME, FaceReader, from_bytes, readable, to_bytes

    with lib.read() as s:
        name = lookup.person(s, person_ref).name
    frame = faces_at(lib, film_ref, time_us)
    at = f"{format_clock(time_us)} of film {frame.film_title!r}"
    if not frame.faces:
        raise BadInput(f"{at}: no face found; choose a frame where the person faces the camera")
    if pick is None:
        if len(frame.faces) > 1:
            raise BadInput(f"{at}: {len(frame.faces)} faces found; choose one with --pick 1-{len(frame.faces)} "
                           "(numbered from the left)")
        pick = 1
    if not 1 <= pick <= len(frame.faces):
        raise BadInput(f"--pick {pick}: {at} shows {plural(len(frame.faces), 'face')}, numbered 1-{len(frame.faces)} "
                       "from the left")
    face, points = frame.faces[pick - 1], frame.points[pick - 1]
    if not readable(points):
        raise BadInput(f"face {pick} at {at}: too small or turned too far away to be recognised; choose a frame "
                       "where it faces the camera")
    import numpy as np

    reader = FaceReader()
    reading = reader.read(frame.rgb, points)
    x, y, w, h = face.box
    # (film time, box, reading, picture) of the picked face, then of the views suggested beside it
    taken = [(frame.time_us, face.box, reading, frame.rgb[max(y, 0):y + h, max(x, 0):x + w])]
    if more > 0:
        for s in _suggested(lib, film_ref, frame, face.box, reader, more):
            # Followed onto another face (two people crossing) reads far from the picked one: not kept.
            if float(np.linalg.norm(s[2] - reading)) < SAME:
                taken.append(s)

    with lib.op(f"Add a face of {name}") as s:
        person = lookup.person(s, person_ref)
        others = [(other.person.name, from_bytes(other.reading)) for other in s.scalars(
            select(PersonFace).where(PersonFace.person_id != person.id, PersonFace.model == MODEL_NAME))]
        # A face that reads as someone else already known is refused: one click on the wrong
        # face must not let a person who may not be shown pass as one who may.
        for other_name, other in others:
            if float(np.linalg.norm(other - reading)) < SAME:
                raise BadInput(f"face {pick} at {at}: looks like {other_name}, whose face is already known; "
                               f"pick {name}'s own face")
        rows = []
        for n, (time_at, (bx, by, bw, bh), read, crop) in enumerate(taken):
            if n and any(float(np.linalg.norm(other - read)) < SAME for _name, other in others):
                continue  # a suggested view that reads as someone else known is left out
            row = PersonFace(person_id=person.id, film_id=frame.film_id, time_us=time_at, x=bx, y=by, w=bw, h=bh,
                             model=MODEL_NAME, reading=to_bytes(read), picture=_picture(crop))
            s.add(row)
            rows.append(row)
        s.flush()
        first = _record(rows[0], frame.film_title)
        first.suggested = len(rows) - 1
        return first


def _picture(crop) -> bytes:
    import cv2

    scale = PICTURE_SIZE / max(crop.shape[0], 1)
    small = cv2.resize(crop, (max(1, round(crop.shape[1] * scale)), PICTURE_SIZE), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", small[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 85])
    return jpeg.tobytes() if ok else b""


def _suggested(lib: Library, film_ref, frame: FramePick, box, reader, more: int) -> list[tuple]:
    """Readings of the picked face from the stretch of film after it (``faces.suggest_readings``):
    (film time, box, reading, picture) each, at most ``more``, never of the picked frame."""
    import numpy as np

    from media.anonymise.faces import suggest_readings
    from media.reading.frames import FrameReader

    with lib.read() as s:
        film = lookup.film(s, film_ref)
        path, start, orientation = lib.film_path(film), film.start_us, Orientation(film.rotation, bool(film.mirror))
        fps, duration = float(film.fps or 25), film.duration_us
    step = 1_000_000 / fps
    frames_read = FrameReader(path, start, orientation)
    times: list[int] = []

    def frames():
        for k in range(int(STRETCH_SECONDS * fps)):
            at = frame.time_us + round(k * step)
            if at >= duration:
                return
            still = frames_read.frame_at(at)
            if still is None or (times and still.time_us <= times[-1]):
                return
            times.append(still.time_us)
            yield np.ascontiguousarray(still.rgb)

    try:
        found = suggest_readings(frames(), box, fps=fps, count=more + 1, reader=reader)
    finally:
        frames_read.close()
    return [(times[f.frame], f.box, f.reading, f.picture) for f in found if f.frame > 0][:more]


def look_alikes(lib: Library, person_ref=None) -> list[str]:
    """Sentences for the facilitator: the known people the recogniser finds too alike to tell
    apart well (closest first; only the pairs with ``person_ref`` in them when given). The one
    of a pair who may be shown will often stay covered."""
    from media.anonymise.recognise import too_alike

    with lib.read() as s:
        name = lookup.person(s, person_ref).name if person_ref is not None else None
        known = known_people(s)
        every = readings(s, known)
    pairs = too_alike({known[pid]: rs for pid, rs in every.items()})
    return [pair.sentence() for pair in pairs if name is None or name in (pair.first, pair.second)]


def remove_face(lib: Library, face_id: int) -> None:
    with lib.op("Remove a face") as s:
        row = s.get(PersonFace, face_id)
        if row is None:
            raise BadInput(f"face {face_id}: no such face (it may have been removed)")
        s.delete(row)


def faces_of(lib: Library, person_ref) -> list[FaceRecord]:
    with lib.read() as s:
        person = lookup.person(s, person_ref)
        rows = s.execute(select(PersonFace, Film.title).outerjoin(Film, Film.id == PersonFace.film_id)
                         .where(PersonFace.person_id == person.id).order_by(PersonFace.id)).all()
        return [_record(row, title or "") for row, title in rows]


def readings(session, person_ids) -> dict[int, list]:
    """Each person's face readings (of the recogniser in use), by person id."""
    from media.anonymise.recognise import MODEL_NAME, from_bytes

    out: dict[int, list] = {}
    rows = session.execute(select(PersonFace.person_id, PersonFace.reading)
                           .where(PersonFace.person_id.in_(list(person_ids)), PersonFace.model == MODEL_NAME))
    for person_id, data in rows:
        out.setdefault(person_id, []).append(from_bytes(data))
    return out


def known_people(session) -> dict[int, str]:
    """Everyone whose face is known: id -> name."""
    return dict(session.execute(select(Person.id, Person.name).where(
        Person.id.in_(select(PersonFace.person_id)))).all())


def _record(row: PersonFace, film_title: str) -> FaceRecord:
    return FaceRecord(row.id, row.person_id, row.film_id, film_title, row.time_us, row.picture,
                      row.added_at or dt.datetime.now())
