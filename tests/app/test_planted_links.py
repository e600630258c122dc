"""Issue 23, item 2: a link planted where a writer puts its temporary file never gets written
through. ``ln -s LIB/media/FILM.mp4 OUT/.protoreel-partial-$$-q.csv`` used to make the next
codebook export write the CSV into the managed film.

For every writer (a reel in each format and its manifest, evidence as CSV and report, the
review summary as HTML and PDF, the codebook as CSV and JSON, a bundle) links to the library's
own film are planted under the name the old code used AND under the very name the new code
draws first (its random part forced for the test): the export still succeeds, lands as a plain
file, the links are left as they were and the film's SHA-256 is unchanged."""

import hashlib
import os
from pathlib import Path

import pytest

from app.clips import clips
from app.films import importing
from app.library import Library
from app.prototypes import prototypes
from app.reels import reels
from app.reviews import reviews
from media import oslayer, safe_io
from media.export.atomic import PARTIAL_PREFIX

FORCED = "0123456789abcdef"

WRITERS = {
    "reel-mp4": (["reel", "export", "R", "{out}", "--height", "720"], "r.mp4"),
    "reel-otio": (["reel", "export", "R", "{out}"], "r.otio"),
    "reel-edl": (["reel", "export", "R", "{out}"], "r.edl"),
    "reel-srt": (["reel", "export", "R", "{out}"], "r.srt"),
    "reel-vtt": (["reel", "export", "R", "{out}"], "r.vtt"),
    "reel-csv": (["reel", "export", "R", "{out}"], "r.csv"),
    "evidence-csv": (["evidence", "export", "P", "{out}"], "e.csv"),
    "evidence-html": (["evidence", "export", "P", "{out}"], "e.html"),
    "summary-html": (["review", "summary", "1", "{out}"], "s.html"),
    "summary-pdf": (["review", "summary", "1", "{out}"], "s.pdf"),
    "codebook-csv": (["codebook", "export", "{out}"], "q.csv"),
    "codebook-json": (["codebook", "export", "{out}"], "q.json"),
    "bundle": (["bundle", "export", "--reel", "R", "{out}"], "b.protoreel"),
}


@pytest.fixture(scope="module")
def stocked(tmp_path_factory, counting_film):
    root = tmp_path_factory.mktemp("planted") / "lib"
    with Library.open(root) as lib:
        (result,) = importing.import_files(lib, [counting_film])
        clip = clips.add(lib, result.film_id, 0, 1_000_000, title="At the desk")
        reels.create(lib, "R", [clip], audience="team")
        proto = prototypes.add(lib, "P")
        prototypes.link(lib, proto, [clip])
        reviews.start(lib, reel="R", audience="team")
        with lib.read() as s:
            from app.models import Film

            film = lib.film_path(s.get(Film, result.film_id))
    return root, film


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def planted_names(name: str) -> list[str]:
    pid = os.getpid()
    return [f"{PARTIAL_PREFIX}{pid}-{name}",  # the old, predictable name
            f"{PARTIAL_PREFIX}{pid}-{FORCED}-{name}"]  # the name the new code draws first (forced below)


def first_token_forced(monkeypatch) -> None:
    real = safe_io.new_token
    tokens = iter([FORCED])
    monkeypatch.setattr(safe_io, "new_token", lambda: next(tokens, None) or real())


def run(argv) -> tuple[int, str]:
    from ui.shell.launch import main  # registers the PDF writer, as the `protoreel` command does

    return main(argv), ""


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_planted_link_never_gets_written_through(writer, stocked, tmp_path, monkeypatch, capsys, request):
    if writer == "summary-pdf":
        # The PDF writer makes a bare QGuiApplication when none is there, and it lives as long as
        # the process: the widget tests run later in this process need a QApplication instead.
        request.getfixturevalue("qapp")
    root, film = stocked
    argv, name = WRITERS[writer]
    out = tmp_path / "out"
    out.mkdir()
    before = sha(film)
    names = planted_names(name)
    if name.endswith(".mp4"):
        names += planted_names(name.removesuffix(".mp4") + ".manifest.json")
    for planted in names:
        (out / planted).symlink_to(film)
    first_token_forced(monkeypatch)
    code, _ = run([*(a.format(out=out / name) for a in argv), "--library", str(root)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert sha(film) == before, "the film was written through a planted link"
    target = out / name
    assert target.is_file() and not target.is_symlink() and sha(target) != before
    for planted in names:  # left exactly as planted: still a link to the film
        assert (out / planted).is_symlink() and os.readlink(out / planted) == str(film), planted
    leftovers = sorted(p.name for p in out.iterdir() if p.name not in names)
    expected = sorted([name] + ([name.removesuffix(".mp4") + ".manifest.json"] if name.endswith(".mp4") else []))
    assert leftovers == expected, "no temporary file left behind"


def test_the_portable_path_refuses_a_planted_link_too(stocked, tmp_path, monkeypatch, capsys):
    """Without O_NOFOLLOW (Windows has none; taken away here as it is there), O_CREAT|O_EXCL
    alone never opens a planted link."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    monkeypatch.setenv(oslayer.FORCE_PORTABLE_ENV, "1")
    monkeypatch.delattr(os, "O_NOFOLLOW", raising=False)
    assert not oslayer.exclusive_create_flags() & nofollow
    test_a_planted_link_never_gets_written_through("codebook-csv", stocked, tmp_path, monkeypatch, capsys, None)


def test_a_dangling_planted_link_is_not_followed_either(tmp_path, monkeypatch):
    """A link to a file that does not exist yet would be created by O_CREAT alone."""
    from media.export.atomic import atomic_output, scratch

    victim = tmp_path / "victim.txt"
    work = tmp_path / ".tmp" / "work"  # a library's private working folder: written without the gate's pass
    work.mkdir(parents=True)
    (work / f"{PARTIAL_PREFIX}{os.getpid()}-{FORCED}-x.csv").symlink_to(victim)
    first_token_forced(monkeypatch)
    with scratch(work), atomic_output(work / "x.csv") as partial:
        partial.write_text("data")
    assert not victim.exists() and (work / "x.csv").read_text() == "data"


def test_the_known_libraries_list_is_not_written_through_a_planted_link(tmp_path, monkeypatch):
    from app.ways_out import known_libraries

    monkeypatch.setenv("PROTOREEL_CONFIG_DIR", str(tmp_path))
    victim = tmp_path / "victim.txt"
    victim.write_text("theirs")
    (tmp_path / f".libraries.txt.{os.getpid()}").symlink_to(victim)  # the old name
    (tmp_path / f".libraries.txt.{FORCED}").symlink_to(victim)
    first_token_forced(monkeypatch)
    known_libraries.remember(tmp_path / "some-library")
    assert victim.read_text() == "theirs"
    assert known_libraries.registry().read_text() == f"{tmp_path / 'some-library'}\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to make another user's folder")
def test_a_dead_exports_folder_someone_else_planted_in_the_shared_temp_is_left_alone(tmp_path, monkeypatch):
    """``/tmp`` is everyone's: a folder named like a dead export's but another user's (or a link)
    names a file to delete; it is not ours to clear."""
    import tempfile

    from media.export import leftovers

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    victim = tmp_path / "home" / f"{PARTIAL_PREFIX}theirs.mp4"
    victim.parent.mkdir()
    victim.write_text("someone's film, half exported")
    planted = tmp_path / f"{leftovers.SYSTEM_PREFIX}999999999-x"
    planted.mkdir()
    (planted / leftovers.NOTE).write_text(str(victim))
    os.chown(planted, 65534, 65534)
    (tmp_path / f"{leftovers.SYSTEM_PREFIX}999999998-y").symlink_to(planted)
    assert leftovers.clear_dead_system_exports() == 0
    assert victim.exists() and planted.is_dir()


def test_the_team_settings_file_is_never_written_through_a_planted_link(tmp_path, monkeypatch):
    """This computer's team-library settings (media root, its own copies of films) were written
    through ``.team-libraries.json.<pid>`` opened with O_TRUNC: a link planted there made a film
    hold the JSON, and the settings file a link to it."""
    from app.team import machine

    config = tmp_path / "config"
    config.mkdir(mode=0o700)
    monkeypatch.setenv("PROTOREEL_CONFIG_DIR", str(config))
    victim = tmp_path / "victim.mp4"
    victim.write_bytes(b"a film's bytes")
    settings = machine.settings_file()
    first_token_forced(monkeypatch)
    for planted in (f".{settings.name}.{os.getpid()}", f".{settings.name}.{FORCED}"):
        (settings.parent / planted).symlink_to(victim)
    machine.MachineSettings("postgresql+psycopg://team@/shared?host=/nowhere").remember_media_root(tmp_path / "media")
    assert victim.read_bytes() == b"a film's bytes"
    assert settings.is_file() and not settings.is_symlink()
    assert str(tmp_path / "media") in settings.read_text()
