"""A film is opened once per export, not once per clip and producer: its clips' packets are
copied into small pieces (timestamps kept exactly) that the decoders read instead. Opening a
long MP4 costs memory in proportion to its length, so this is what keeps export memory flat;
the figures are in bench/long_export_memory.py."""

from fractions import Fraction

import av
import pytest

from app.clips import clips
from app.reels import export, reels
from app.films import importing
from media import timecode
from media.export import feed, pieces
from tests.media.test_export import source_picture
from tests.media_factory import make_counting_film, read_index

FPS = Fraction(25)
# The film's first frames (negative decoding times with B-frames), its middle, its last frames.
RANGES = [(0, 20), (240, 262), (480, 500)]


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    path = tmp_path_factory.mktemp("long") / "session.mp4"
    return make_counting_film(path, seconds=20, fps=FPS, gop=50, preset="veryfast")


def _packets(path, shift=Fraction(0)):
    with av.open(str(path)) as c:
        return {(p.stream.type, p.pts * p.time_base - shift, p.size) for p in c.demux() if p.size and p.pts is not None}


def test_one_open_of_the_film_serves_every_clip_and_keeps_its_timestamps(film, tmp_path, monkeypatch):
    with av.open(str(film)) as c:
        film_start = c.start_time or 0
    real_open, opened = av.open, []
    monkeypatch.setattr(av, "open", lambda file, *a, **k: opened.append(str(file)) or real_open(file, *a, **k))
    f = timecode.frame_start_us
    jobs = [{"n": n, "source": str(film), "film_start_us": film_start, "start_us": f(a, FPS), "end_us": f(b, FPS),
             "fps": str(FPS), "video": True, "audio": True} for n, (a, b) in enumerate(RANGES)]
    found = pieces.measure_and_cut(jobs, tmp_path)
    monkeypatch.setattr(av, "open", real_open)
    assert opened.count(str(film)) == 1
    own = _packets(film)
    for n, (a, b) in enumerate(RANGES):
        assert found[n]["in_us"] == f(a, FPS) and found[n]["piece"]
        moved = _packets(found[n]["piece"], Fraction(pieces.SHIFT_S))
        assert moved <= own  # the film's own packets at their own times, nothing made up
        shown = sorted(t for kind, t, _size in moved if kind == "video")
        assert shown[0] <= Fraction(film_start, 1_000_000) + Fraction(a) / FPS
        assert shown[-1] >= Fraction(film_start, 1_000_000) + Fraction(b - 1) / FPS
        assert any(kind == "audio" for kind, _t, _s in moved)


def test_the_export_reads_pieces_never_the_film_and_stays_frame_exact(lib, film, tmp_path, monkeypatch):
    monkeypatch.setattr(pieces, "PIECES_FROM_US", 10_000_000)  # this 20 s film stands for a long recording
    film_id = importing.import_file(lib, film, link=True).film_id  # linked: the export reads this very file
    f = timecode.frame_start_us
    ids = [clips.add(lib, film_id, f(a, FPS), f(b, FPS), title=f"Part {n}") for n, (a, b) in enumerate(RANGES)]
    reel_id = reels.create(lib, "Long day", ids, audience="team")
    commands = []
    real_start = feed.Run.start
    monkeypatch.setattr(feed.Run, "start", lambda self, command, **k: commands.append(command) or real_start(
        self, command, **k))
    real_open, opened = av.open, []
    monkeypatch.setattr(av, "open", lambda file, *a, **k: opened.append(str(file)) or real_open(file, *a, **k))
    out = export.export_reel(lib, reel_id, tmp_path / "reel.mp4", cards=False, captions=False)
    monkeypatch.setattr(av, "open", real_open)
    decoders = [c for c in commands if "libx264" not in c]
    named = [arg for c in decoders for arg in c]
    assert str(film) not in named
    assert str(film) not in opened  # nor does the exporting process: the film is read in a short-lived child
    assert sum(1 for c in decoders if any(arg.endswith(".nut") for arg in c)) == 2 * len(RANGES)  # picture + sound
    with av.open(str(out)) as c:
        got = [read_index(source_picture(frame.to_ndarray(format="rgb24"), (320, 240))) for frame in c.decode(video=0)]
    assert got == [i for a, b in RANGES for i in range(a, b)]


def test_a_short_film_is_measured_once_but_not_copied(lib, film, tmp_path, monkeypatch):
    """Below PIECES_FROM_US a film's index is small: its decoders open it, no disk is used."""
    film_id = importing.import_file(lib, film, link=True).film_id
    f = timecode.frame_start_us
    ids = [clips.add(lib, film_id, f(a, FPS), f(b, FPS), title=f"Part {n}") for n, (a, b) in enumerate(RANGES)]
    reel_id = reels.create(lib, "Short day", ids, audience="team")
    commands = []
    real_start = feed.Run.start
    monkeypatch.setattr(feed.Run, "start", lambda self, command, **k: commands.append(command) or real_start(
        self, command, **k))
    out = export.export_reel(lib, reel_id, tmp_path / "reel.mp4", cards=False, captions=False)
    assert not any(arg.endswith(".nut") for c in commands for arg in c)
    assert sum(1 for c in commands if str(film) in c) == 2 * len(RANGES)
    with av.open(str(out)) as c:
        got = [read_index(source_picture(frame.to_ndarray(format="rgb24"), (320, 240))) for frame in c.decode(video=0)]
    assert got == [i for a, b in RANGES for i in range(a, b)]
