"""Covering chosen people's faces only: a face the facilitator said is a restricted person's is
covered, a face recognised as someone who may be shown is not, and every face the app cannot
tell (unknown, or a restricted person whose face is not known yet) stays covered.

The film is two real people side by side (the GRID woman and GRID man 1 from the samples,
joined by ffmpeg in the test); the truth boxes come from tests/data/faces (another detector,
checked by eye)."""

import json
import re
import subprocess

import av
import cv2
import numpy as np
import pytest

from app.cli.main import main
from app.models import Person, PersonFace
from app.clips import clips
from app.reels import export, reels
from app.people import faces, people
from app.films import importing
from media.anonymise.faces import FaceTracker
from media.anonymise.recognise import FaceReader, Known
from media.errors import BadInput
from tests.conftest import sample
from tests.face_truth import hidden_share, letterbox, letterboxed, load
from tests.snapshot import library_state

WOMAN = "people-talking-grid-woman-360x288p25-mpeg1-mp2.mpg"
MAN = "people-talking-grid-man1-360x288p25-mpeg1-mp2.mpg"


def two_people(tmp_path, seconds: float = 1.0):
    """The woman (left) and the man (right) talking, side by side: 720x288, 25 fps."""
    import imageio_ffmpeg

    out = tmp_path / "two-people.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(sample(WOMAN)), "-i",
                    str(sample(MAN)), "-t", str(seconds), "-filter_complex", "[0:v][1:v]hstack[v]", "-map", "[v]",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", "25", str(out)],
                   check=True, timeout=120)
    return out


def truth(n: int):
    """(woman's box, man's box) in frame ``n`` of the side-by-side film."""
    (w,), (m,) = load(WOMAN)[0][n], load(MAN)[0][n]
    return w, (m[0] + 360, m[1], m[2], m[3])


def detail(rgb, box) -> float:
    x, y, w, h = (int(v) for v in box)
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y:y + h, x:x + w]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def frames_of(path):
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


@pytest.fixture
def workshop(lib, tmp_path):
    """Jane (consent: team) and Sam (public) in one film; a reel of it for the public."""
    film = importing.import_file(lib, two_people(tmp_path)).film_id
    clip = clips.add(lib, film, 0, 960_000, title="Both")
    people.add(lib, "Jane", "lived_experience", "team")
    people.add(lib, "Sam", "facilitator", "public")
    people.appears(lib, "Jane", [film])
    people.appears(lib, "Sam", [film])
    return lib, film, reels.create(lib, "Breakfast", [clip], audience="public")


def test_a_restricted_persons_face_is_covered_and_a_consenting_persons_is_not(workshop, tmp_path):
    lib, film, reel = workshop
    faces.add_face(lib, "Jane", film, 400_000, pick=1)  # the woman, on the left
    faces.add_face(lib, "Sam", film, 400_000, pick=2)
    notes = []
    out = export.export_reel(lib, reel, tmp_path / "r.mp4", cards=False, captions=False, anonymise=True, notes=notes)
    assert notes == ["Jane's face is known: in their clips their face, and any face that cannot be told apart, "
                     "will be covered; people who may be shown stay visible"]
    plain = frames_of(two_people(tmp_path))
    shown = frames_of(out)
    assert abs(len(shown) - 24) <= 1
    for n, frame in enumerate(shown):
        before = letterboxed(plain[n], frame.shape[1], frame.shape[0])
        woman, man = (letterbox(b, (720, 288), (frame.shape[1], frame.shape[0])) for b in truth(n))
        assert detail(frame, woman) < 0.1 * detail(before, woman), n  # Jane: covered
        assert detail(frame, man) > 0.3 * detail(before, man), n  # Sam: shown (covered is < 0.1; encoding ~0.5)
    manifest = json.loads(export.manifest_path(out).read_text())
    assert manifest["items"][0]["faces_recognised"] is True
    # Jane stays "anonymised" in the log and the manifest; Sam is not.
    assert [p["anonymised"] for p in manifest["items"][0]["people"]] == [True, False]


def test_a_restricted_person_whose_face_is_not_known_covers_every_face_and_says_so(workshop, tmp_path):
    lib, film, reel = workshop
    faces.add_face(lib, "Sam", film, 400_000, pick=2)  # only the consenting man is known
    notes = []
    out = export.export_reel(lib, reel, tmp_path / "r.mp4", cards=False, captions=False, anonymise=True, notes=notes)
    assert notes == ["Jane's face is not known yet: every face in their clips will be covered (add their face in "
                     "the People panel to cover only theirs)"]
    plain = frames_of(two_people(tmp_path))
    for n, frame in enumerate(frames_of(out)[:24:6]):
        before = letterboxed(plain[n * 6], frame.shape[1], frame.shape[0])
        for box in truth(n * 6):
            box = letterbox(box, (720, 288), (frame.shape[1], frame.shape[0]))
            assert detail(frame, box) < 0.1 * detail(before, box), n
    assert json.loads(export.manifest_path(out).read_text())["items"][0]["faces_recognised"] is False


def test_unknown_faces_in_a_restricted_range_stay_covered(tmp_path):
    """The tracker the face filter runs: the man's face is nobody known (only Jane's face is),
    so it stays covered beside hers; once he is known as someone who may be shown, he is not."""
    film = two_people(tmp_path, seconds=0.6)
    pictures = [letterboxed(f, 1280, 720) for f in frames_of(film)]
    reader = FaceReader()
    from media.anonymise.blazeface import BlazeFace

    found = sorted(BlazeFace().detect_faces(pictures[5]), key=lambda f: f[0][0])
    jane, sam = (reader.read(pictures[5], points) for _box, points in found)

    def covered(known):
        from media.anonymise.stream import Covering  # the filter as the export runs it (with its look-ahead)

        covering = Covering(25, tracker=FaceTracker(25, known=known, reader=reader), rgb_of=lambda rgb: rgb)
        covers = []
        for rgb in pictures:
            covers += [boxes for _rgb, boxes in covering.push(rgb, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))]
        covers += [boxes for _rgb, boxes in covering.flush()]
        out = []
        for n, boxes in enumerate(covers):
            woman, man = (letterbox(b, (720, 288), (1280, 720)) for b in truth(n))
            out.append((hidden_share(woman, boxes), hidden_share(man, boxes)))
        return out

    assert all(w >= 0.8 and m >= 0.8 for w, m in covered(Known([], [jane])))  # Sam unknown: covered
    assert all(w >= 0.8 and m < 0.2 for w, m in covered(Known([sam], [jane])))  # Sam known: shown
    # A face that reads as someone who may be shown but also close to a restricted one: covered.
    assert all(w >= 0.8 and m >= 0.8 for w, m in covered(Known([sam], [jane, sam])))


def test_faces_are_undoable_and_go_with_the_person(workshop):
    lib, film, _reel = workshop
    before = library_state(lib)
    record = faces.add_face(lib, "Jane", film, 400_000, pick=1)
    # The picked face, then the views of it suggested from the rest of its stretch (she faces the camera).
    known = faces.faces_of(lib, "Jane")
    assert known[0].id == record.id and record.suggested == faces.MORE_READINGS == len(known) - 1
    assert all(f.picture[:2] == b"\xff\xd8" for f in known)  # JPEGs of her face, for the facilitator's eyes
    lib.undo()  # the picked face and its suggested views go in one step
    assert library_state(lib) == before
    faces.add_face(lib, "Jane", film, 400_000, pick=1)
    with lib.op("Delete Jane") as s:
        s.delete(s.query(Person).filter_by(name="Jane").one())
    with lib.read() as s:
        assert s.query(PersonFace).count() == 0


def test_a_face_that_reads_as_someone_else_is_refused(workshop):
    lib, film, _reel = workshop
    faces.add_face(lib, "Jane", film, 400_000, pick=1)
    before = library_state(lib)
    with pytest.raises(BadInput, match="looks like Jane"):
        faces.add_face(lib, "Sam", film, 800_000, pick=1)  # Jane's face again, clicked by mistake
    assert library_state(lib) == before


def test_cli_person_face_errors_are_one_line_exit_2_and_change_nothing(workshop, capsys, counting_film):
    lib, film, _reel = workshop
    faceless = importing.import_file(lib, counting_film).film_id
    before = library_state(lib)

    def run(*args):
        code = main([*args, "--library", str(lib.root)])
        return code, *capsys.readouterr()

    for args, says in [
        (("person", "face", "Jane", str(film), "0.4"), "2 faces found; choose one with --pick 1-2"),
        (("person", "face", "Jane", str(film), "0.4", "--pick", "3"), "--pick 3:"),
        (("person", "face", "Jane", str(film), "9.0", "--pick", "1"), "time 00:00:09.000"),
        (("person", "face", "Jane", str(film), "soon"), "soon"),
        (("person", "face", "Nobody", str(film), "0.4"), "Nobody"),
        (("person", "face", "Jane", str(faceless), "1.0"), "no face found"),
    ]:
        code, out, err = run(*args)
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and says in err, (args, err)
    assert library_state(lib) == before
    code, out, err = run("person", "face", "Jane", str(film), "0.4", "--pick", "1", "--json")
    assert code == 0 and json.loads(out)["person"] == "Jane"
    code, out, _err = run("person", "faces", "Jane", "--json")
    assert code == 0 and len(out.splitlines()) == 1 + faces.MORE_READINGS


def test_suggested_readings_come_from_the_stretch_after_the_pick_and_read_as_that_person(workshop):
    """Jane picked at 0.4 s of a 0.96 s clip: the views kept beside it come from later frames of
    the same face (her box, not Sam's), and each reads as her, not as Sam."""
    from media.anonymise.recognise import SAME, SHOW, from_bytes

    lib, film, _reel = workshop
    faces.add_face(lib, "Sam", film, 400_000, pick=2)
    record = faces.add_face(lib, "Jane", film, 400_000, pick=1)
    with lib.read() as s:
        rows = s.query(PersonFace).join(Person).filter(Person.name == "Jane").order_by(PersonFace.id).all()
        sam = [from_bytes(r.reading) for r in s.query(PersonFace).join(Person).filter(Person.name == "Sam")]
        picked, *more = [(r.time_us, (r.x, r.y, r.w, r.h), from_bytes(r.reading)) for r in rows]
    assert len(more) == record.suggested == faces.MORE_READINGS
    frame_us = 40_000
    for time_us, box, reading in more:
        n = round(time_us / frame_us)
        assert 400_000 < time_us < 1_000_000 and hidden_share(truth(n)[0], [box]) > 0.6, (time_us, box)
        assert np.linalg.norm(reading - picked[2]) < SAME
        assert Known([picked[2]], sam).judge(reading) == SHOW
    assert len({t for t, _b, _r in more}) == len(more)


def test_people_the_recogniser_finds_too_alike_are_named_when_a_face_is_added(workshop, capsys):
    """Jane and Sam read far apart: nothing said. A third person whose face reads 0.55 from
    Jane's (under 0.6, over the 0.5 at which a face is refused as hers) is named beside her."""
    from media.anonymise.recognise import ALIKE, MODEL_NAME, SAME, from_bytes, to_bytes

    lib, film, _reel = workshop
    faces.add_face(lib, "Sam", film, 400_000, pick=2)
    faces.add_face(lib, "Jane", film, 400_000, pick=1)
    assert faces.look_alikes(lib) == []
    people.add(lib, "Rosa", "lived_experience", "team")
    with lib.op("Rosa's face") as s:
        jane = s.query(PersonFace).join(Person).filter(Person.name == "Jane").order_by(PersonFace.id).first()
        rosa = s.query(Person).filter_by(name="Rosa").one()
        nudge = np.zeros(128, np.float32)
        nudge[0] = 0.55
        s.add(PersonFace(person_id=rosa.id, film_id=film, time_us=0, x=0, y=0, w=1, h=1, model=MODEL_NAME,
                         reading=to_bytes(from_bytes(jane.reading) + nudge), picture=b""))
    said = faces.look_alikes(lib)
    assert len(said) == 1 and said[0].startswith("Jane and Rosa look alike to the recogniser (0.55 apart")
    assert SAME < 0.55 < ALIKE
    code = main(["person", "face", "Sam", str(film), "0.6", "--pick", "2", "--library", str(lib.root)])
    out, err = capsys.readouterr()
    assert code == 0 and re.search(r"\d+ more views? of it", out)
    assert err.strip().splitlines() == ["note: " + said[0]]


def test_an_anonymised_bundle_and_reel_and_the_preview_cover_the_same_faces(workshop, tmp_path):
    """Issue 21: the bundle used to blur everyone. The bundle's cut clip, the reel's MP4 and the
    People panel's preview of the same clip, frame by frame: Jane (team) covered, Sam (public)
    visible in all three; the bundle's data says so truthfully."""
    import zipfile

    from app.bundles import bundle_export
    from app.people import anonymise_preview

    lib, film, reel = workshop
    faces.add_face(lib, "Jane", film, 400_000, pick=1)
    faces.add_face(lib, "Sam", film, 400_000, pick=2)
    reel_mp4 = export.export_reel(lib, reel, tmp_path / "r.mp4", cards=False, captions=False, anonymise=True)
    bundle = bundle_export.export_bundle(lib, tmp_path / "b.protoreel", reel=reel, anonymise=True)
    with zipfile.ZipFile(bundle) as zf:
        (tmp_path / "cut.mp4").write_bytes(zf.read("media/1.mp4"))
        data = json.loads(zf.read("library.json"))
    with lib.read() as s:
        from app.models import Reel

        clip_id = s.get(Reel, reel).items[0].clip_id
    preview = anonymise_preview.preview(lib, clip_id, audience="public", cover_all=False)
    assert preview.covered and preview.notes == [
        "Jane's face is known: in their clips their face, and any face that cannot be told apart, will be covered; "
        "people who may be shown stay visible"]
    plain = frames_of(two_people(tmp_path))
    shown = {"reel": frames_of(reel_mp4), "bundle": frames_of(tmp_path / "cut.mp4"),
             "preview": frames_of(preview.path)}
    assert all(abs(len(frames) - 24) <= 1 for frames in shown.values())
    assert shown["bundle"][0].shape[:2] == (288, 720)  # the film's own shape: the truth boxes as they are
    checked = 0
    for n in range(0, 23, 2):
        covered = {}
        for way, frames in shown.items():
            frame = frames[n]
            before = letterboxed(plain[n], frame.shape[1], frame.shape[0])
            boxes = [letterbox(b, (720, 288), (frame.shape[1], frame.shape[0])) for b in truth(n)]
            covered[way] = [detail(frame, box) < 0.1 * detail(before, box) for box in boxes]
            shown_well = detail(frame, boxes[1]) > 0.3 * detail(before, boxes[1])
            assert shown_well, (way, n)  # Sam's face: visible
        assert covered["reel"] == covered["bundle"] == covered["preview"] == [True, False], n
        checked += 1
    assert checked == 12
    (clip,) = data["clips"]
    people_said = {p["ref"]: p for p in data["people"]}
    assert sorted((people_said[p["person"]]["label"], p["anonymised"]) for p in clip["people"]) == [
        ("facilitator", False), ("lived experience", True)]  # Sam shown, Jane covered: as the frames show
    assert sorted((p["label"], p["anonymised"]) for p in data["people"]) == [("facilitator", False),
                                                                          ("lived experience", True)]
