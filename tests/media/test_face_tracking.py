"""Finding and following faces: turned and tilted faces, a cut to a new shot, small faces in a
wide shot, and boxes that do not linger on the background. Truth boxes come from
tests/data/faces (a different detector, checked by eye)."""

import av
import cv2
import numpy as np
import pytest

from media.anonymise.blazeface import BlazeFace
from media.anonymise.faces import ONCE_SECONDS, FaceTracker
from tests.conftest import sample
from tests.face_truth import COVERED_ENOUGH, hidden_share, letterbox, letterboxed, load

TOS = "faces-tos-actors-640x360p24-h264-noaudio.mp4"
MAN = "face-man-office-1080x720p29.97-h264-aac-1s.mp4"


def frames_of(name):
    with av.open(str(sample(name))) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def reel_frame(rgb, w=1280, h=720):
    """Letterboxed into a reel frame, as the export does."""
    return letterboxed(rgb, w, h)


def track(frames, fps):
    tracker = FaceTracker(fps)
    out = []
    for rgb in frames:
        out.append(tracker.update(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), lambda rgb=rgb: rgb))
    return out


def test_a_face_in_profile_a_tilted_face_and_the_first_frame_after_a_cut_are_covered():
    """Tears of Steel: a man in profile (frames 21-64), a cut (65), a large tilted face (84-89);
    the old cascades and tracker left 6 frames in a row uncovered here."""
    truth, unknown = load(TOS)
    frames = [reel_frame(f) for f in frames_of(TOS)[:100]]
    covers = track(frames, 24)
    for n in [*range(21, 70), *range(80, 95)]:
        assert n not in unknown
        for face in truth[n]:
            assert hidden_share(letterbox(face, (640, 360), (1280, 720)), covers[n]) >= COVERED_ENOUGH, n


def test_a_cut_drops_the_old_shots_boxes():
    """After a cut, nothing stays covered where the previous shot's face was."""
    truth, _ = load(TOS)
    frames = [reel_frame(f) for f in frames_of(TOS)[40:75]]  # the cut is at film frame 65
    covers = track(frames, 24)
    old_face = letterbox(truth[64][0], (640, 360), (1280, 720))
    assert hidden_share(old_face, covers[64 - 40]) >= COVERED_ENOUGH
    for boxes in covers[65 - 40:]:
        assert hidden_share(old_face, boxes) == 0


def test_a_small_face_in_a_wide_shot_is_found_by_the_closer_look():
    head = frames_of(MAN)[10][200:620, 340:760]
    canvas = np.full((720, 1280, 3), 90, np.uint8)
    canvas[300:350, 900:950] = cv2.resize(head, (50, 50), interpolation=cv2.INTER_AREA)
    detector = BlazeFace()
    assert detector.detect(canvas) == []  # too small for the whole view
    (found,) = detector.detect(canvas, tiles=True)
    assert hidden_share((905, 305, 40, 40), [found[:4]]) > 0.6


class OneFalseFind:
    """A detector that mistakes one patch of the background for a face, once."""

    def __init__(self):
        self.calls = 0

    def detect(self, rgb, tiles=False):
        self.calls += 1
        return [(600.0, 300.0, 80.0, 80.0, 0.6)] if self.calls == 1 else []

    def detect_faces(self, rgb, tiles=False):
        return [(box, np.zeros((6, 2))) for box in self.detect(rgb, tiles)]


def test_a_patch_of_background_found_once_is_not_covered_for_long():
    """A still background matches its own template for ever; a box the detector does not find
    again must still go (the old tracker kept it while it matched)."""
    rng = np.random.default_rng(3)
    still = cv2.GaussianBlur(rng.integers(0, 255, (720, 1280), dtype=np.uint8), (0, 0), 3)
    tracker = FaceTracker(25, detector=OneFalseFind())
    shown = [tracker.update(still, lambda: np.dstack([still] * 3)) for _ in range(50)]
    assert shown[0] and len([b for b in shown if b]) <= round(ONCE_SECONDS * 25) + 1
    assert shown[-1] == []


@pytest.mark.parametrize("angle", [0, 30, 45])
def test_a_tilted_face_is_found(angle):
    rgb = frames_of(MAN)[10]
    turned = cv2.warpAffine(rgb, cv2.getRotationMatrix2D((540, 360), angle, 1), (1080, 720))
    (face,) = load(MAN)[0][10]
    centre = np.array([face[0] + face[2] / 2, face[1] + face[3] / 2, 1])
    cx, cy = cv2.getRotationMatrix2D((540, 360), angle, 1) @ centre
    found = BlazeFace().detect(turned)
    assert any(x <= cx <= x + w and y <= cy <= y + h for x, y, w, h, _s in found)


# -- recall first: the filter as the export runs it (both detectors, look-ahead) -------------------

class Scripted:
    """A detector that finds one face at a fixed place in the frames listed, nowhere else."""

    def __init__(self, frames, box=(600.0, 300.0, 80.0, 80.0)):
        self.frames, self.box, self.calls = set(frames), box, 0

    def detect_faces(self, rgb, tiles=False):
        n = int(rgb[0, 0, 0])  # the frame number is written into the picture's corner
        self.calls += 1
        if n not in self.frames:
            return []
        x, y, w, h = self.box
        points = np.array([[x + 20, y + 30], [x + 60, y + 30], [x + 40, y + 45], [x + 40, y + 62]], float)
        return [((x, y, w, h, 0.9), points)]


def noise_frames(count, seed=5, still=False):
    """Frames of noise, each numbered in its corner: new noise every frame (nothing for template
    matching to follow), or ``still``: the same picture every frame (a face that stays as it is)."""
    rng = np.random.default_rng(seed)
    picture = rng.integers(0, 255, (720, 1280, 3), dtype=np.uint8)
    frames = []
    for n in range(count):
        rgb = picture.copy() if still else rng.integers(0, 255, (720, 1280, 3), dtype=np.uint8)
        rgb[0, 0] = n
        frames.append(rgb)
    return frames


def filtered(frames, detector, fps=25, known=None, reader=None):
    from media.anonymise.stream import Covering

    covering = Covering(fps, tracker=FaceTracker(fps, detector=detector, known=known, reader=reader),
                        rgb_of=lambda rgb: rgb)
    out = []
    for rgb in frames:
        out += [boxes for _rgb, boxes in covering.push(rgb, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))]
    return out + [boxes for _rgb, boxes in covering.flush()]


def test_a_face_found_before_and_after_a_frame_is_covered_in_it():
    """Found in frames 0-5 and 7-12, missed in 6 (and nothing to follow it by): covered in 6 too."""
    frames = noise_frames(13)
    covers = filtered(frames, Scripted([*range(0, 6), *range(7, 13)]))
    assert len(covers) == 13
    face = (610, 310, 60, 60)
    assert all(hidden_share(face, boxes) >= COVERED_ENOUGH for boxes in covers), \
        [round(hidden_share(face, b), 2) for b in covers]


def test_a_face_is_covered_from_the_frame_it_appears_in_not_when_it_is_first_found():
    """The face comes in at frame 10; the detectors only find it from frame 12: frames 10-11 are
    covered as well (the filter looks ahead), frames before 10 are not."""
    frames = noise_frames(20)
    covers = filtered(frames, Scripted(range(12, 20)))
    face = (610, 310, 60, 60)
    from media.anonymise.stream import AHEAD

    first = next(n for n, boxes in enumerate(covers) if hidden_share(face, boxes) >= COVERED_ENOUGH)
    assert 12 - AHEAD <= first <= 10
    assert all(hidden_share(face, boxes) >= COVERED_ENOUGH for boxes in covers[10:])


def test_centerface_reads_every_picture_size_the_same():
    """OpenCV's DNN module reads the model wrongly once it is given a second picture size (it found
    340 faces in a frame with one): each size gets its own network."""
    from media.anonymise.centerface import CenterFace

    rgb = reel_frame(frames_of(MAN)[12])
    detector = CenterFace()
    counts = [len(detector.detect_faces(rgb, width)) for width in (480, 960, 480, 1280)]
    assert counts == [1, 1, 1, 1]


def test_centerface_on_onnxruntime_finds_what_opencv_finds():
    """CenterFace runs on onnxruntime (its sizes freed in memory, ``onnx_sizes``), a third of the
    CPU of OpenCV's DNN module: the same faces, boxes and key points, in a classroom's wide shot
    (small faces) and a close face, at each size the tracker looks at."""
    from media.anonymise.centerface import CenterFace

    on_ort = CenterFace(score=0.3)
    on_opencv = CenterFace(score=0.3)
    assert on_ort.session is not None
    on_opencv.session = None
    for rgb in (reel_frame(frames_of(MAN)[12]),
                reel_frame(frames_of("faces-classroom-seated-group-wide-from-gif-480x270p17.mp4")[5])):
        for width in (480, 960):
            a, b = on_ort.detect_faces(rgb, width), on_opencv.detect_faces(rgb, width)
            assert len(a) == len(b) >= 1
            for (box_a, points_a), (box_b, points_b) in zip(sorted(a, key=str), sorted(b, key=str)):
                assert np.allclose(box_a, box_b, atol=0.05) and np.allclose(points_a, points_b, atol=0.05)


def test_the_model_is_given_any_size_without_changing_the_file():
    """The shipped file stays as shipped (its SHA-256 is checked); only the bytes handed to
    onnxruntime name the picture's sizes, and list no weights as inputs."""
    from media.anonymise.centerface import MODEL
    from media.anonymise.onnx_sizes import any_size, fields

    shipped = MODEL.read_bytes()
    freed = any_size(shipped, {0: "n", 2: "h", 3: "w"})
    assert MODEL.read_bytes() == shipped

    def graph_inputs(model):
        (graph,) = [v for n, w, v in fields(model) if n == 7]
        return [v for n, w, v in fields(graph) if n == 11]

    assert len(graph_inputs(shipped)) > 100 and len(graph_inputs(freed)) == 1
    (picture,) = graph_inputs(freed)
    assert b"\x12\x01n" in picture and b"\x12\x01h" in picture and b"\x12\x01w" in picture


@pytest.mark.parametrize("name", ["faces-classroom-seated-group-wide-from-gif-480x270p17.mp4",
                                  "faces-classroom-seated-group-wide-from-gif-480x270p17.mp4#lowlight",
                                  "faces-hands-over-face-asl-signers-480p30.mp4"])
def test_small_backlit_dark_half_hidden_and_edge_faces_are_covered(name):
    """Four men 15-25 px tall by a bright window (66% covered by BlazeFace alone), the same made dark,
    and signers with hands over their faces and half a face at the frame's edge (85%): every face in
    at least 99% of its frames, no face uncovered more than 2 frames in a row. Truth: another
    detector, checked and corrected by eye (tests/data/faces)."""
    from media.anonymise.stream import Covering
    from tests.face_truth import base
    from bench.face_set import reel_film

    sample(base(name))
    frames, fps, truth, unknown = reel_film(name)
    covering = Covering(fps, rgb_of=lambda rgb: rgb)
    covers = []
    for rgb in frames:
        covers += [boxes for _rgb, boxes in covering.push(rgb, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))]
    covers += [boxes for _rgb, boxes in covering.flush()]
    done = total = 0
    runs: dict = {}
    for n, faces in truth.items():
        if n in unknown:
            continue
        for box, track in faces:
            ok = hidden_share(box, covers[n]) >= COVERED_ENOUGH
            done += ok
            total += 1
            runs[track] = 0 if ok else runs.get(track, 0) + 1
            assert runs[track] <= 2, (name, track, n)
    assert done / total >= 0.99, (name, done, total)


def test_a_cover_reaches_the_chin_and_a_beard():
    """The detectors' boxes end near the mouth: the truth's chin sat up to 0.24 of the box's height
    below on the tuning set, and a turbaned man's beard showed under the cover (covered 69-71%, the
    held-out set). A cover now reaches 0.35 of the box's height below it (the old one 0.2), and a
    face whose chin is 0.3 below the detector's box is covered."""
    from media.anonymise.faces import PAD, pad

    x, y, w, h = pad((500.0, 300.0, 100.0, 100.0), PAD, 1280, 720)
    assert y + h >= 300 + 100 + 35
    beard = (500, 290, 100, 140)  # brow to the foot of a beard, 0.3 of the box below it
    assert hidden_share(beard, [(x, y, w, h)]) >= COVERED_ENOUGH


class AlwaysThem:
    """Every reading is someone who may be shown, surely (the recogniser taken out of the test)."""

    def judge(self, reading, turned=False):
        from media.anonymise.recognise import SHOW

        return SHOW

    def sure(self, reading):
        return True

    def distances(self, reading):
        return 0.0, 1.0


class NoRead:
    def read(self, rgb, points):
        return np.zeros(128)


@pytest.mark.parametrize("enlarged, shown", [(1.0, True), (2.0, False)])
def test_a_face_is_judged_big_enough_to_show_by_its_size_in_the_film(enlarged, shown):
    """A face 40 px between the eyes in the export's frame is big enough to be shown when the
    film was that size, not when the export enlarged it from 20 px (an outside tester's find: a
    480x270 film's consenting woman shown in the 720p reel, covered in the bundle's own-size cut)."""
    from media.anonymise.faces import FaceTracker
    from media.anonymise.recognise import MIN_EYES_TO_SHOW
    from media.anonymise.stream import Covering

    assert 40 / 2.0 < MIN_EYES_TO_SHOW <= 40
    covering = Covering(25, tracker=FaceTracker(25, detector=Scripted(range(40)), known=AlwaysThem(),
                                                reader=NoRead(), enlarged=enlarged), rgb_of=lambda rgb: rgb)
    covers = []
    for rgb in noise_frames(40, still=True):
        covers += [boxes for _rgb, boxes in covering.push(rgb, cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))]
    covers += [boxes for _rgb, boxes in covering.flush()]
    face = (610, 310, 60, 60)
    hidden = [hidden_share(face, boxes) >= COVERED_ENOUGH for boxes in covers]
    assert len(hidden) == 40
    if shown:
        assert not any(hidden[-20:])  # decided: shown
    else:
        assert all(hidden)  # never shown, in any frame


def test_the_export_tells_the_face_filter_how_much_it_enlarges_the_film():
    from fractions import Fraction
    from types import SimpleNamespace

    from media.export.segments import enlargement
    from media.reading.orientation import Orientation

    def item(width, height, rotation=0, sar=Fraction(1)):
        return SimpleNamespace(width=width, height=height, sar=sar, orientation=Orientation(rotation))

    plan = SimpleNamespace(width=1280, settings=SimpleNamespace(height=720))
    assert enlargement(plan, item(480, 270)) == pytest.approx(1280 / 480)
    assert enlargement(plan, item(1920, 1080)) == 1.0  # shrunk: judged as the frame shows it
    assert enlargement(plan, item(1080, 1920)) == 1.0
    assert enlargement(plan, item(640, 360, rotation=90)) == pytest.approx(720 / 640)  # upright: 640 rows into 720
    assert enlargement(plan, item(360, 288, sar=Fraction(16, 15))) == pytest.approx(2.5)
    assert enlargement(plan, item(None, None)) == 1.0
