"""Anonymised exports, checked by decoding them: a person whose consent does not reach the
audience is never shown plain; faces are hidden where the truth boxes (tests/data/faces, made
with a different detector) say they are; voices are pitch-shifted; stills are covered."""

import json
from fractions import Fraction

import av
import cv2
import numpy as np
import pytest

from app.prototypes import evidence
from app.models import ExportRecord
from app.clips import clips
from app.reels import export, reels
from app.films import importing
from app.people import people
from app.prototypes import prototypes
from media.anonymise import stream
from media.anonymise.faces import cover_faces_in_still
from media.errors import ConsentRefused
from tests.conftest import sample
from tests.face_truth import hidden_share, letterbox, letterboxed, load
from tests.media_factory import make_counting_film

MAN = "face-man-office-1080x720p29.97-h264-aac-1s.mp4"


def frames_of(path):
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def detail(rgb, box) -> float:
    """How much fine detail (eyes, mouth, edges) a region of a picture holds."""
    x, y, w, h = (int(v) for v in box)
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y:y + h, x:x + w]), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


@pytest.fixture
def man_reel(lib):
    film = importing.import_file(lib, sample(MAN)).film_id
    clip = clips.add(lib, film, 0, 1_000_000, title="Office")
    people.add(lib, "Jane Realname", "lived_experience", "team")
    people.appears(lib, "Jane Realname", [film])
    reel = reels.create(lib, "For everyone", [clip], audience="public")
    return lib, reel


def test_an_mp4_shows_a_restricted_person_only_anonymised(man_reel, tmp_path):
    lib, reel = man_reel
    with pytest.raises(ConsentRefused):  # plain: refused
        export.export_reel(lib, reel, tmp_path / "plain.mp4", cards=False, captions=False)
    assert not (tmp_path / "plain.mp4").exists()
    out = export.export_reel(lib, reel, tmp_path / "anon.mp4", cards=False, captions=False, anonymise=True)
    covered = frames_of(out)
    truth, unknown = load(MAN)
    original = frames_of(sample(MAN))
    assert len(original) == 30 and abs(len(covered) - 30) <= 1  # the reel's rate rounds a 1 s clip
    for n, frame in enumerate(covered):
        if n in unknown:
            continue
        plain = letterboxed(original[n], frame.shape[1], frame.shape[0])
        for face in truth[n]:  # the face's box, where the export letterboxed it
            box = letterbox(face, (1080, 720), (frame.shape[1], frame.shape[0]))
            assert detail(frame, box) < 0.1 * detail(plain, box), n
    # The log says what was covered; the manifest marks the person as anonymised, by role.
    with lib.read() as s:
        (record,) = s.query(ExportRecord).all()
        assert record.anonymisation == "faces blurred in item 1" and [p.anonymised for p in record.people] == [True]
    manifest = json.loads(export.manifest_path(out).read_text())
    assert manifest["items"][0]["people"] == [{"label": "lived experience", "role": "lived_experience",
                                               "consent": "team", "anonymised": True}]


def test_the_face_filter_covers_every_truth_face_in_the_stream(tmp_path):
    """The filter process on its own: raw frames in, the same number of frames out, faces covered."""
    import imageio_ffmpeg

    w, h = 1280, 720
    decoder = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(sample(MAN)), "-vf",
               f"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2",
               "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]
    import subprocess

    raw = subprocess.run(stream.command(decoder, w, h, Fraction(30000, 1001), "pixelate"), capture_output=True,
                         check=True, timeout=300).stdout
    size = w * h * 3 // 2
    assert len(raw) == 30 * size
    truth, _unknown = load(MAN)
    for n in range(30):
        luma = np.frombuffer(raw, np.uint8, w * h, n * size).reshape(h, w)
        for face in truth[n]:
            x, y, bw, bh = (int(v) for v in letterbox(face, (1080, 720), (w, h)))
            block = luma[y + bh // 4:y + 3 * bh // 4, x + bw // 4:x + 3 * bw // 4]
            # Pixelated: the middle of the face is a few flat blocks, not a face.
            assert len(np.unique(block)) <= 40, (n, len(np.unique(block)))


def test_voice_masking_shifts_the_pitch_and_keeps_the_length(lib, tmp_path):
    src = make_counting_film(tmp_path / "tone.mp4", seconds=2, fps=Fraction(25), gop=25, preset="veryfast")
    film = importing.import_file(lib, src).film_id
    clip = clips.add(lib, film, 0, 2_000_000, title="Voice")
    people.add(lib, "Jane Realname", "carer", "public")
    people.appears(lib, "Jane Realname", [film])
    reel = reels.create(lib, "R", [clip], audience="public")
    plain = export.export_reel(lib, reel, tmp_path / "plain.mp4", cards=False, captions=False)
    masked = export.export_reel(lib, reel, tmp_path / "masked.mp4", cards=False, captions=False,
                                cover_people=["Jane Realname"], mask_voice=True)

    def pitch_and_length(path):
        with av.open(str(path)) as c:
            sound = np.concatenate([f.to_ndarray()[0] for f in c.decode(audio=0)])
        middle = sound[24_000:72_000]
        spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
        return np.argmax(spectrum) * 48_000 / len(middle), len(sound)

    (f_plain, n_plain), (f_masked, n_masked) = pitch_and_length(plain), pitch_and_length(masked)
    assert abs(f_plain - 440) < 3 and abs(f_masked / f_plain - 1.35) < 0.03
    assert abs(n_masked - n_plain) <= 1024  # same length: picture and sound stay together


def test_report_stills_of_a_restricted_person_are_covered(lib, tmp_path):
    import base64
    import re

    film = importing.import_file(lib, sample(MAN)).film_id
    clip = clips.add(lib, film, 0, 1_000_000, title="Office")
    proto = prototypes.add(lib, "Desk")
    prototypes.link(lib, proto, [clip])
    people.add(lib, "Jane Realname", "lived_experience", "team")
    people.appears(lib, "Jane Realname", [film])
    page = evidence.write_html(lib, evidence.board(lib, proto), tmp_path / "e.html", audience="public",
                               anonymise=True).read_text()
    (src,) = re.findall(r"src='data:image/jpeg;base64,([^']+)'", page)
    still = cv2.imdecode(np.frombuffer(base64.b64decode(src), np.uint8), cv2.IMREAD_COLOR)[:, :, ::-1]
    face = tuple(v * still.shape[1] / 1080 for v in load(MAN)[0][15][0])
    plain = frames_of(sample(MAN))[15]
    assert detail(still, face) < 0.1 * detail(cv2.resize(plain, (still.shape[1], still.shape[0])), face)
    assert hidden_share(face, [(0, 0, 0, 0)]) == 0  # (the measure itself sees an uncovered face)


def test_a_still_with_no_face_is_left_alone():
    rng = np.random.default_rng(1)
    picture = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    assert np.array_equal(cover_faces_in_still(picture.copy()), picture)


def test_a_caption_over_a_covered_face_stays_sharp_and_the_face_under_it_stays_covered(lib, tmp_path):
    """The caption band is laid after the faces are covered: its words read as in the plain
    export (pixels of the caption band compared), and the face above and beneath it is covered.
    On the old order (caption laid, then the face filter) the words over the face were blurred."""
    film = importing.import_file(lib, sample(MAN)).film_id
    clip = clips.add(lib, film, 0, 1_000_000, title="Office")
    people.add(lib, "Sam Realname", "actor", "public")
    people.appears(lib, "Sam Realname", [film])
    reel = reels.create(lib, "Captioned", [clip], audience="public")
    (item_id,) = reels_item_ids(lib, reel)
    # Five lines or so: the band (its foot H/18 up) reaches well into the face's lower half.
    words = ("The receptionist asks again for the letter while the queue behind grows longer and nobody "
             "explains how long the wait will be; the visitor looks down, gives up and turns away from the "
             "desk, and the room is quiet for a long while before anyone moves to help or says a word")
    reels.update_item(lib, item_id, caption=words)
    plain = frames_of(export.export_reel(lib, reel, tmp_path / "plain.mp4", cards=False, captions=True))
    anon = frames_of(export.export_reel(lib, reel, tmp_path / "anon.mp4", cards=False, captions=True,
                                        anonymise=True, cover_all=True))
    truth, unknown = load(MAN)
    original = frames_of(sample(MAN))
    checked = 0
    for n in (5, 15, 25):
        if n in unknown or n >= min(len(plain), len(anon)):
            continue
        a, p = anon[n], plain[n]
        x, y, w, h = (int(v) for v in letterbox(truth[n][0], (1080, 720), (a.shape[1], a.shape[0])))
        film = cv2.cvtColor(letterboxed(original[n], a.shape[1], a.shape[0]), cv2.COLOR_RGB2GRAY).astype(int)
        grey_p = cv2.cvtColor(p, cv2.COLOR_RGB2GRAY).astype(int)
        grey_a = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(int)
        # The band: the rows of the face's box that the plain export shows darker than the film
        # (the band is dark and two-thirds opaque), its words the bright pixels there.
        darker = np.median(film[:, x:x + w] - grey_p[:, x:x + w], axis=1) > 25
        band_rows = np.flatnonzero(darker[: a.shape[0]])
        band_rows = band_rows[band_rows > a.shape[0] // 2]
        assert len(band_rows) > 40, "the caption band does not reach the face's box"
        top = band_rows.min()
        assert top < y + h - 40  # the band overlaps the face by 40 rows or more
        words_mask = np.zeros(grey_p.shape, bool)
        words_mask[top:y + h, x:x + w] = grey_p[top:y + h, x:x + w] > 200
        assert words_mask.sum() > 300
        # The words as sharp and bright as in the plain export (a blurred word loses its white).
        assert np.abs(grey_a[words_mask] - grey_p[words_mask]).mean() < 12, n
        assert detail(a, (x, top, w, y + h - top)) > 0.6 * detail(p, (x, top, w, y + h - top)), n
        # The face above the band is covered.
        assert detail(a, (x, y, w, top - y)) < 0.1 * detail(p, (x, y, w, top - y)), n
        checked += 1
    assert checked >= 2


def reels_item_ids(lib, reel_id):
    from app.models import Reel

    with lib.read() as s:
        return [i.id for i in s.get(Reel, reel_id).items]
