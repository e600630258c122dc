"""Issue 28: a team library on PostgreSQL, several facilitators on one event at once.

Each test here opens a team library as people do (``--library postgresql+psycopg://…`` with a
media root), on a real PostgreSQL server (PROTOREEL_TEST_POSTGRES; scripts/run-tests.sh starts
one). A second computer is a second process with its own user config folder and its own path to
the shared media folder.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.clips import clips
from app.codebook import codebook
from app.films import films, importing
from app.library import Library
from app.models import Film, LibraryMeta, Tag
from app.team import machine
from app.team.opening import resolve

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def computer(config: Path, library: str, media_root: Path | None, *args: str, timeout: float = 180):
    """``protoreel ARGS`` on another computer: its own config folder, its own media root."""
    env = {k: v for k, v in os.environ.items() if k != "PROTOREEL_DATABASE_URL"}
    env["PROTOREEL_CONFIG_DIR"] = str(config)
    command = [sys.executable, "-m", "app.cli", "--library", library, *args]
    if media_root is not None:
        command += ["--media-root", str(media_root)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)


def films_seen(config: Path, url: str) -> list[dict]:
    done = computer(config, url, None, "films", "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_two_fresh_clients_starting_at_once_on_an_empty_database_both_start(postgres_databases, tmp_path):
    if postgres_databases is None:
        pytest.skip("needs a PostgreSQL server (PROTOREEL_TEST_POSTGRES)")
    url = postgres_databases.empty()  # not even the schema: the first clients make it
    share = tmp_path / "share"
    share.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PROTOREEL_DATABASE_URL"}
    env["PROTOREEL_CONFIG_DIR"] = str(tmp_path / "config")
    procs = [subprocess.Popen([sys.executable, "-m", "app.cli", "--library", url, "--media-root", str(share),
                               "tag", "add", f"Lost letters {n}", "--kind", "challenge"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
             for n in range(3)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0 and "Traceback" not in err, err
    with Library.open(share, url) as lib, lib.read() as s:
        assert s.scalar(select(func.count()).select_from(LibraryMeta).where(LibraryMeta.key == "codebook_loaded")) == 1
        names = list(s.scalars(select(Tag.name)))
        assert len(names) == len(set(names))  # the default codebook loaded once, not once per client
        assert {f"Lost letters {n}" for n in range(3)} <= set(names)
        assert s.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_the_media_root_is_given_once_and_remembered_in_a_private_file(team_database, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOREEL_CONFIG_DIR", str(tmp_path / "config"))
    share = tmp_path / "share"
    share.mkdir()
    with pytest.raises(Exception, match="--media-root DIR"):
        resolve(team_database)
    assert resolve(team_database, media_root=share) == (share, team_database)
    assert resolve(team_database) == (share, team_database)  # remembered
    settings = machine.settings_file()
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert "password" not in settings.read_text() and str(share) in settings.read_text()
    # postgresql:// means the driver ProtoReel ships
    assert resolve(team_database.replace("postgresql+psycopg://", "postgresql://"))[1] == team_database


def test_a_password_is_never_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOREEL_CONFIG_DIR", str(tmp_path / "config"))
    url = "postgresql+psycopg://ann:s3cret@db.example/protoreel"
    machine.MachineSettings(url).remember_media_root(tmp_path)
    assert "s3cret" not in machine.settings_file().read_text()
    assert machine.MachineSettings(url).media_root == tmp_path  # the same library, with or without it
    assert machine.MachineSettings("postgresql+psycopg://ann@db.example/protoreel").media_root == tmp_path


def test_a_command_without_a_media_root_says_so_in_one_line(team_database, tmp_path):
    done = computer(tmp_path / "config", team_database, None, "films")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "--media-root DIR" in done.stderr
    done = computer(tmp_path / "config", team_database, tmp_path / "nowhere", "films")
    assert done.returncode == 2 and "no such folder" in done.stderr and done.stderr.count("\n") == 1


def test_a_second_computer_plays_the_films_and_nothing_flips_to_missing(team_database, tmp_path, counting_film):
    """Computer A reaches the shared folder at share/; computer B has it at another path (here a
    copy of it, as a synced folder would be)."""
    share = tmp_path / "share"
    share.mkdir()
    elsewhere = tmp_path / "b-mounts"
    elsewhere.mkdir()
    a, b = tmp_path / "config-a", tmp_path / "config-b"
    done = computer(a, team_database, share, "import", str(counting_film))
    assert done.returncode == 0, done.stderr
    shutil.copytree(share / "media", elsewhere / "team" / "media")
    (seen_a,) = films_seen(a, team_database)
    done = computer(b, team_database, elsewhere / "team", "films")  # B gives its media root once
    assert done.returncode == 0, done.stderr
    (seen_b,) = films_seen(b, team_database)
    assert not seen_a["missing"] and not seen_b["missing"]
    assert Path(seen_b["path"]).is_relative_to(elsewhere / "team") and Path(seen_b["path"]).is_file()
    with Library.open(share, team_database) as lib, lib.read() as s:
        (film,) = s.scalars(select(Film))
        assert film.path.startswith("media/") and "\\" not in film.path and not film.missing
    from media.reading.probe import probe

    assert probe(Path(seen_b["path"])).duration_us == probe(counting_film).duration_us  # it plays there

    # B's share is disconnected: missing on B, not on A, and no shared flag was written.
    shutil.rmtree(elsewhere / "team" / "media")
    for _ in range(2):  # each looks twice, in turn: nothing flips back and forth
        assert films_seen(b, team_database)[0]["missing"]
        assert not films_seen(a, team_database)[0]["missing"]
    with Library.open(share, team_database) as lib, lib.read() as s:
        assert not s.scalars(select(Film.missing)).one()

    # B re-imports its own copy of the film: found, and B plays it from that file from now on.
    own = tmp_path / "b-laptop" / "take-1.mp4"
    own.parent.mkdir()
    shutil.copy(counting_film, own)
    done = computer(b, team_database, None, "import", str(own), "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["already_in_library"] and not answer["missing"] and answer["path"] == str(own)
    assert films_seen(b, team_database)[0]["path"] == str(own)
    assert films_seen(a, team_database)[0]["path"] == seen_a["path"]
    with Library.open(share, team_database) as lib, lib.read() as s:
        assert s.scalars(select(Film.path)).one().startswith("media/")  # B's path is B's alone
        assert str(own) not in json.dumps([list(r) for r in s.execute(text("SELECT * FROM films"))], default=str)


def test_relinking_never_writes_one_computers_path_into_the_shared_database(team_database, tmp_path, counting_film):
    share = tmp_path / "share"
    share.mkdir()
    a, b = tmp_path / "config-a", tmp_path / "config-b"
    assert computer(a, team_database, share, "import", str(counting_film)).returncode == 0
    (seen,) = films_seen(a, team_database)
    # B's own copy outside the share: B plays it from there; the database keeps the shared path.
    own = tmp_path / "b-disk" / "copy.mp4"
    own.parent.mkdir()
    shutil.copy(counting_film, own)
    done = computer(b, team_database, share, "relink", "1", str(own))
    assert done.returncode == 0, done.stderr
    assert films_seen(b, team_database)[0]["path"] == str(own)
    assert films_seen(a, team_database)[0]["path"] == seen["path"]
    # Moved within the share: everyone's path changes, stored relative with '/'.
    moved = share / "sorted" / "day one" / "film.mp4"
    moved.parent.mkdir(parents=True)
    Path(seen["path"]).rename(moved)
    assert films_seen(a, team_database)[0]["missing"]
    done = computer(a, team_database, None, "relink", "1", str(moved))
    assert done.returncode == 0, done.stderr
    with Library.open(share, team_database) as lib, lib.read() as s:
        assert s.scalars(select(Film.path)).one() == "sorted/day one/film.mp4"
    assert films_seen(a, team_database)[0]["path"] == str(moved)


def test_a_linked_import_from_outside_the_share_plays_on_that_computer_only(team_database, tmp_path):
    from fractions import Fraction

    from tests.media_factory import make_counting_film

    share = tmp_path / "share"
    share.mkdir()
    a, b = tmp_path / "config-a", tmp_path / "config-b"
    own = tmp_path / "a-disk" / "own.mp4"
    own.parent.mkdir()
    make_counting_film(own, seconds=2, fps=Fraction(25), gop=25)
    done = computer(a, team_database, share, "import", "--link", str(own))
    assert done.returncode == 0, done.stderr
    (on_a,) = films_seen(a, team_database)
    assert on_a["path"] == str(own) and not on_a["missing"]  # A plays it from its own file
    assert computer(b, team_database, share, "films").returncode == 0  # B's way to the share, once
    (on_b,) = films_seen(b, team_database)
    assert on_b["missing"]  # B cannot reach A's disk: missing on B, and only there
    assert not films_seen(a, team_database)[0]["missing"]
    with Library.open(share, team_database) as lib, lib.read() as s:
        assert s.scalars(select(Film.path)).one() == ""  # A's own path never in the shared database
        assert str(own) not in json.dumps([list(r) for r in s.execute(text("SELECT * FROM films"))], default=str)


def test_two_clients_adding_the_same_new_tag_at_once_both_get_the_one_tag(team_database, tmp_path, counting_film):
    share = tmp_path / "share"
    with Library.open(share, team_database) as lib:
        (film,) = importing.import_files(lib, [counting_film])
        clip = clips.add(lib, film.film_id, 0, 1_000_000)
    libs = [Library.open(share, team_database) for _ in range(4)]
    start = threading.Barrier(len(libs))
    errors, ids = [], []

    def tag(lib):
        start.wait()
        try:
            ids.append(clips.tag_with(lib, [clip], "challenge:Nobody at the front desk"))
        except Exception as exc:  # noqa: BLE001 - what the test is about
            errors.append(exc)

    threads = [threading.Thread(target=tag, args=(lib,)) for lib in libs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for lib in libs:
        lib.close()
    assert errors == [] and len(set(ids)) == 1


def test_get_or_create_meets_a_tag_made_a_moment_before_it_and_takes_it(team_database, tmp_path):
    """Without the write lock (a transaction of its own, the insert racing another client's),
    a get-or-create whose insert meets the unique constraint takes the other's row."""
    with Library.open(tmp_path / "share", team_database) as lib:
        first = lib._sessions()
        first.connection()
        made = codebook.get_or_create(first, "Waiting alone", "challenge")  # not yet committed
        result = {}

        def second():
            with lib._sessions() as s:
                result["tag"] = codebook.get_or_create(s, "Waiting alone", "challenge").id  # waits on the index
                s.commit()

        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.5)
        first.commit()
        t.join(30)
        assert result["tag"] == made.id
        first.close()


def test_a_withdrawal_on_another_computer_during_an_export_wins(team_database, tmp_path, counting_film, monkeypatch):
    from app.people import people
    from app.reels import export, reels
    from app.ways_out import gate
    from media.errors import ConsentRefused

    share = tmp_path / "share"
    with Library.open(share, team_database) as lib:
        (film,) = importing.import_files(lib, [counting_film])
        clip = clips.add(lib, film.film_id, 0, 1_000_000, title="At the desk")
        people.add(lib, "Ali Other", "carer", "team")
        people.appears(lib, "Ali Other", [film.film_id])
        reel = reels.create(lib, "Desk", [clip], audience="team")
        first_look = gate.first_look

        def check_then_withdraw_elsewhere(lib_, exit_):
            result = first_look(lib_, exit_)  # passes: Ali consented to the team
            done = computer(tmp_path / "config-b", team_database, tmp_path / "b-share", "person", "withdraw", "Ali Other")
            assert done.returncode == 0, done.stderr  # ... and withdraws on another computer meanwhile
            return result

        (tmp_path / "b-share").mkdir()
        monkeypatch.setattr(gate, "first_look", check_then_withdraw_elsewhere)
        with pytest.raises(ConsentRefused, match="withdrew consent"):
            export.export_reel(lib, reel, tmp_path / "desk.srt")
        assert not (tmp_path / "desk.srt").exists()
