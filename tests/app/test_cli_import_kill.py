"""`protoreel import` killed (SIGKILL) mid-way: the next command finds the library whole, with
each film either all in or not at all (nothing of the cut-short one left in cache/, media/ or
.tmp/), says which import was cut short, and running the import again finishes the batch,
skipping at once the films already in."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from media.analysis.thumbnails import load_strip
from tests.media_factory import make_long_film
from tests.postgres import work_folder

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("phones")
    for n in range(5):
        make_long_film(root / f"VID_{n}.mp4", 600 + 60 * n, size=(160, 90), fps=5,
                       creation_time=f"2026-11-28T{9 + n:02d}:00:00Z")
    return root


def cli(*args, check=True):
    done = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def assert_whole(library: Path) -> list[dict]:
    """Every film listed is complete; no file in the library belongs to no film."""
    done = cli("films", "--json", "--library", str(library))
    films = [json.loads(line) for line in done.stdout.splitlines()]
    for film in films:
        assert not film["importing"] and Path(film["path"]).is_file()
        assert load_strip(library / "cache" / film["sha256"]).complete
    assert sorted(p.name for p in (library / "cache").iterdir()) == sorted(f["sha256"] for f in films)
    assert sorted(str(p) for p in (library / "media").iterdir()) == sorted(f["path"] for f in films)
    assert not any(work_folder(library).iterdir())
    return films


def test_an_import_killed_mid_way_leaves_whole_films_and_running_it_again_finishes(tmp_path, folder):
    library = tmp_path / "lib"
    command = [sys.executable, "-m", "app.cli", "import", str(folder), "--event", "Day", "--library", str(library)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Killed once it is working on a film: its work folder exists.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith("import-") for p in work_folder(library).glob("*")):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    films = assert_whole(library)
    assert len(films) < 5
    note = cli("films", "--library", str(library)).stderr  # said once, by the command that cleared it
    assert "an import was stopped" not in note
    again = cli("import", str(folder), "--event", "Day", "--library", str(library), "--json")
    records = [json.loads(line) for line in again.stdout.splitlines()]
    assert [r["already_in_library"] for r in records].count(True) == len(films)
    assert len(assert_whole(library)) == 5


def test_a_kill_between_placing_the_files_and_recording_the_film_leaves_nothing(tmp_path, folder):
    """The worst moment: the film's thumbnails and copy are renamed into cache/ and media/, the
    database change is about to be made. A real SIGKILL there, in a real process."""
    library = tmp_path / "lib"
    script = textwrap.dedent(f"""
        import os, signal
        from app.library import Library
        from app.films import importing
        lib = Library.open({str(library)!r})
        real = lib.op
        def op(title, *a, **k):
            if title.startswith("Import "):
                os.kill(os.getpid(), signal.SIGKILL)
            return real(title, *a, **k)
        lib.op = op
        importing.import_file(lib, {str(folder / "VID_0.mp4")!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert any((library / "media").iterdir()) and any((library / "cache").iterdir())  # placed, not recorded
    first = cli("films", "--library", str(library))
    assert "VID_0.mp4" in first.stderr and "import it again" in first.stderr
    assert assert_whole(library) == []
    cli("import", str(folder / "VID_0.mp4"), "--library", str(library))
    assert len(assert_whole(library)) == 1


def test_films_already_in_are_skipped_before_any_decoding(lib, folder, monkeypatch):
    """Running a cut-short batch again: the films already in are recognised from their size
    and samples, not by hashing and decoding them all again."""
    from app.films import content, importing

    first = importing.import_files(lib, [folder / "VID_0.mp4", folder / "VID_1.mp4"], event="Day")
    assert all(r.error is None and not r.existed for r in first)

    def decoded(*_args, **_kwargs):
        raise AssertionError("a film already in the library was decoded again")

    monkeypatch.setattr(content, "analyse", decoded)
    again = importing.import_files(lib, [folder / "VID_1.mp4", folder / "VID_0.mp4"], event="Day")
    assert [(r.film_id, r.existed) for r in again] == [(first[1].film_id, True), (first[0].film_id, True)]


def test_only_a_cut_short_cli_import_is_reported_not_the_apps_own_work(tmp_path):
    """A film registered in the app resumes there (its work folder names no source): nothing to
    report; a cut-short `import` names its film."""
    from app.library import Library

    Library.open(tmp_path / "lib").close()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (work_folder(tmp_path / "lib") / f"import-{dead.pid}-app").mkdir()
    cli_work = work_folder(tmp_path / "lib") / f"import-{dead.pid}-cli"
    cli_work.mkdir()
    (cli_work / "source.txt").write_text("VID_3.mp4")
    lib = Library.open(tmp_path / "lib")
    assert lib.interrupted_imports == ["VID_3.mp4"]
    assert not any(work_folder(tmp_path / "lib").iterdir())
    lib.close()
