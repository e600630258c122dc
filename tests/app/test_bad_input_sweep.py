"""Issue 11, item 7 and its bad-input sweep: every command given malformed values (timecodes,
ids, paths, huge, empty, control characters, Unicode digits, NaN, bad database URLs) exits 2
with one line on stderr, no traceback, and leaves the library byte for byte as it was."""

import shutil

import pytest

from app.cli.main import main
from app.library import Library
from app.clips import clips
from app.films import importing
from app.people import people
from app.prototypes import prototypes
from app.reels import reels
from tests.snapshot import folder_bytes, library_state

HUGE = "x" * 100_000


@pytest.fixture(scope="module")
def stocked(tmp_path_factory, counting_film):
    root = tmp_path_factory.mktemp("sweep") / "lib"
    with Library.open(root) as lib:
        (film,) = importing.import_files(lib, [counting_film])
        clip = clips.add(lib, film.film_id, 0, 1_000_000, title="C1")
        reels.create(lib, "R", [clip], audience="public")
        people.add(lib, "Sam", "actor", "public")
        prototypes.add(lib, "P")
    return root, counting_film


def prepare(tmp):
    """The files some cases name: a garbage file and a folder where a file should be."""
    (tmp / "garbage.csv").write_bytes(bytes(range(256)) * 40)
    (tmp / "a-folder.srt").mkdir()


def cases(tmp, film):
    nowhere = str(tmp / "no" / "such")
    garbage = tmp / "garbage.csv"
    return {
        # timecodes
        "tc-arabic-digits": ["clip", "add", "1", "--start", "١٢", "--end", "2"],
        "tc-arabic-end": ["clip", "add", "1", "--start", "1", "--end", "٢"],
        "tc-empty": ["clip", "add", "1", "--start", "", "--end", "2"],
        "tc-nan": ["clip", "add", "1", "--start", "NaN", "--end", "2"],
        "tc-1e309": ["clip", "add", "1", "--start", "1e309", "--end", "2"],
        "tc-huge": ["clip", "add", "1", "--start", "9" * 40, "--end", "9" * 41],
        "tc-negative": ["clip", "add", "1", "--start", "-1", "--end", "2"],
        "tc-control": ["clip", "add", "1", "--start", "1\x07", "--end", "2"],
        "tc-bad-frame": ["clip", "add", "1", "--start", "00:00:01:99", "--end", "2"],
        # ids and names
        "id-arabic": ["clip", "add", "١", "--start", "0", "--end", "1"],
        "id-superscript": ["reel", "export", "²", str(tmp / "x.srt")],
        "id-empty": ["clip", "add", "", "--start", "0", "--end", "1"],
        "id-huge": ["clip", "add", HUGE, "--start", "0", "--end", "1"],
        "id-too-big-for-int": ["prototype", "link", "P", "9" * 30],
        "id-control": ["person", "appears", "Sam", "1\n2"],
        "id-relink-arabic": ["relink", "١", str(film)],
        "id-withdraw-empty": ["person", "withdraw", ""],
        "id-clips-tag-empty": ["clips", "--tag", ""],
        "id-clips-event-empty": ["clips", "--event", ""],
        # paths
        "path-import-empty": ["import", ""],
        "path-import-missing": ["import", nowhere + ".mp4"],
        "path-import-not-media": ["import", str(garbage)],
        "path-import-nul": ["import", "a\x00b.mp4"],
        "path-export-missing-folder": ["reel", "export", "R", nowhere + "/x.srt"],
        "path-export-name-246": ["reel", "export", "R", str(tmp / ("n" * 246 + ".vtt"))],
        "path-export-suffix": ["reel", "export", "R", str(tmp / "x.mov")],
        "path-export-empty": ["reel", "export", "R", ""],
        "path-export-onto-folder": ["reel", "export", "R", str(tmp / "a-folder.srt")],
        "path-export-control": ["reel", "export", "R", str(tmp / "a\rb.srt")],
        "path-relink-missing": ["relink", "1", nowhere + ".mp4"],
        "path-codebook-missing": ["codebook", "import", nowhere + ".csv"],
        "path-codebook-garbage": ["codebook", "import", str(garbage)],
        "path-codebook-export-folder": ["codebook", "export", nowhere + "/b.csv"],
        "path-codebook-export-suffix": ["codebook", "export", str(tmp / "b.txt")],
        # huge
        "huge-height": ["reel", "export", "R", str(tmp / "x.mp4"), "--height", "9" * 30],
        "huge-text": ["clips", "--text", HUGE],
        "huge-tag": ["tag", "add", HUGE, "--kind", "theme"],
        "huge-person": ["person", "add", HUGE, "--role", "actor", "--consent", "team"],
        "huge-seconds": ["record", "--source", "test", "--seconds", "100000"],
        # empty
        "empty-color": ["tag", "add", "x", "--kind", "theme", "--color", ""],
        "empty-event-import": ["import", str(film), "--event", ""],
        "empty-event-record": ["record", "--source", "test", "--seconds", "1", "--event", ""],
        "empty-tag": ["tag", "add", "", "--kind", "theme"],
        "empty-prototype": ["prototype", "add", "  "],
        "empty-reel": ["reel", "create", "", "--clip", "C1"],
        "empty-person": ["person", "add", "", "--role", "actor", "--consent", "team"],
        "empty-role": ["person", "add", "Kim", "--role", "", "--consent", "team"],
        "empty-stage": ["prototype", "add", "Q", "--stage", ""],
        "empty-library": ["films", "--library", ""],
        # control characters
        "ctl-tag": ["tag", "add", "a\nb", "--kind", "theme"],
        "ctl-prototype": ["prototype", "add", "P\x1b[31m"],
        "ctl-reel": ["reel", "create", "R\x00", "--clip", "C1"],
        "ctl-person": ["person", "add", "Kim\tLee", "--role", "actor", "--consent", "team"],
        # unicode digits, NaN and friends
        "num-height-arabic": ["reel", "export", "R", str(tmp / "x.mp4"), "--height", "١٠٨٠"],
        "num-seconds-arabic": ["record", "--source", "test", "--seconds", "١"],
        "num-seconds-nan": ["record", "--source", "test", "--seconds", "nan"],
        "num-seconds-inf": ["record", "--source", "test", "--seconds", "inf"],
        "num-seconds-1e309": ["record", "--source", "test", "--seconds", "1e309"],
        "num-seconds-zero": ["record", "--source", "test", "--seconds", "0"],
        "num-seconds-negative": ["record", "--source", "test", "--seconds", "-1"],
        # database URLs
        "url-not-a-url": ["films", "--database-url", "notaurl"],
        "url-empty": ["films", "--database-url", ""],
        "url-missing-folder": ["films", "--database-url", "sqlite:////nope/x.db"],
        "url-unknown-database": ["films", "--database-url", "nosuchdb://u@h/d"],
        "url-driver-not-installed": ["films", "--database-url", "postgresql+psycopg2://u@h/d"],
        "url-mysql-driver": ["tags", "--database-url", "mysql://u@h/d"],
        # usage
        "usage-unknown-command": ["frobnicate"],
        "usage-unknown-option": ["films", "--frobnicate"],
        "usage-missing-argument": ["clip", "add", "1"],
    }


CASE_NAMES = list(cases(__import__("pathlib").Path("/tmp"), "film.mp4"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_malformed_values_exit_2_in_one_line_and_change_nothing(name, stocked, tmp_path, capsys):
    root, film = stocked
    prepare(tmp_path)
    argv = cases(tmp_path, film)[name]
    with Library.open(root) as lib:
        state = library_state(lib)
    files = folder_bytes(root)
    library = [] if "--library" in argv else ["--library", str(root)]
    code = main([*argv, *library])
    out, err = capsys.readouterr()
    assert code == 2, (code, err)
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, err
    assert len(err) < 1000, "a message quotes a value, never pages of it"
    assert out == ""
    assert folder_bytes(root) == files
    with Library.open(root) as lib:
        assert library_state(lib) == state
    assert [p.name for p in tmp_path.glob("*.srt")] == ["a-folder.srt"] and not list(tmp_path.glob("*.vtt"))


def _run(root, *argv):
    return main([*argv, "--library", str(root)])


@pytest.mark.sqlite_only('a damaged library.db file')
def test_a_garbage_library_db_is_refused_and_left_as_it_is(tmp_path, capsys):
    root = tmp_path / "lib"
    root.mkdir()
    (root / "library.db").write_bytes(b"this is not a database\n" * 100)
    before = folder_bytes(root)
    for argv in (["films"], ["tags", "--json"], ["tag", "add", "x", "--kind", "theme"]):
        assert _run(root, *argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "not a ProtoReel library" in err
    assert folder_bytes(root) == before


@pytest.mark.sqlite_only('a damaged library.db file')
def test_a_truncated_library_db_is_refused_and_left_as_it_is(stocked, tmp_path, capsys):
    root = tmp_path / "lib"
    shutil.copytree(stocked[0], root)
    data = (root / "library.db").read_bytes()
    (root / "library.db").write_bytes(data[: len(data) // 3])
    before = folder_bytes(root)
    for argv in (["films"], ["clips"], ["reels"], ["prototype", "add", "Z"]):
        code = _run(root, *argv)
        err = capsys.readouterr().err
        assert code in (1, 2) and err.count("\n") == 1 and "Traceback" not in err, err
    assert folder_bytes(root) == before


@pytest.mark.parametrize("what", ["a file", "a folder that cannot be made"])
def test_a_library_folder_that_cannot_be_one_exits_2(what, tmp_path, capsys):
    if what == "a file":
        target = tmp_path / "plain.txt"
        target.write_text("hello")
    else:
        target = tmp_path / "plain.txt" / "lib"
        (tmp_path / "plain.txt").write_text("hello")
    assert _run(target, "films") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "library folder" in err
    assert (tmp_path / "plain.txt").read_text() == "hello"


def test_a_vtt_of_titles_with_arrows_and_blank_lines_is_well_formed(stocked, tmp_path, capsys, copy_library):
    import webvtt

    root = tmp_path / "lib"
    copy_library(stocked[0], root)
    with Library.open(root) as lib:
        clips.update(lib, 1, title="Before --> after\n\nWEBVTT\n\n00:00.000 --> 00:09.000\nsmuggled")
    assert _run(root, "reel", "export", "R", str(tmp_path / "r.vtt")) == 0, capsys.readouterr().err
    assert _run(root, "reel", "export", "R", str(tmp_path / "r.srt")) == 0, capsys.readouterr().err
    captions = webvtt.read(str(tmp_path / "r.vtt")).captions
    assert len(captions) == 1 and "smuggled" in captions[0].text and "-->" not in captions[0].text
    import srt

    subs = list(srt.parse((tmp_path / "r.srt").read_text(encoding="utf-8")))
    assert len(subs) == 1 and "-->" not in subs[0].content
