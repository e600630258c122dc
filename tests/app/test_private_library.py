"""Issue 11, item 8: only the library's owner can read it (folders 700, database files 600),
whatever the umask, and an older, world-readable library is tightened when opened. Also item 7:
a library on a read-only disk is refused in one line and left as it was."""

import os
import shutil
import stat
import subprocess
from contextlib import contextmanager

import pytest

from app.cli.main import main
from app.library import Library
from app.codebook import codebook
from tests.snapshot import folder_bytes


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0o022)  # the usual: new files 644, folders 755
    yield
    os.umask(old)


@pytest.mark.sqlite_only('the modes of library.db and its -wal and -shm files')
def test_a_new_library_is_private(tmp_path, open_umask):
    with Library.open(tmp_path / "lib") as lib:
        codebook.add(lib, "Night buses", "challenge")  # a write: the -wal file exists now
        assert (lib.root / "library.db-wal").exists()
        assert mode(lib.root) == 0o700
        for sub in ("media", "cache", "exports", ".tmp"):
            assert mode(lib.root / sub) == 0o700, sub
        for name in ("library.db", "library.db-wal", "library.db-shm"):
            assert mode(lib.root / name) == 0o600, name


@pytest.mark.sqlite_only('the modes of library.db and its -wal and -shm files')
def test_an_older_world_readable_library_is_tightened_on_open(tmp_path, open_umask):
    with Library.open(tmp_path / "lib"):
        pass
    root = tmp_path / "lib"
    for path in [root, *(root / s for s in ("media", "cache", "exports"))]:
        path.chmod(0o755)
    (root / "library.db").chmod(0o644)
    assert main(["films", "--library", str(root)]) == 0
    assert mode(root) == mode(root / "media") == mode(root / "exports") == 0o700
    assert mode(root / "library.db") == 0o600


@contextmanager
def read_only_copy(source, where):
    """``source`` copied onto a read-only file system (a tmpfs remounted read-only when we may
    mount, else the permission bits, which bind everyone but root)."""
    where.mkdir()
    if os.geteuid() != 0:
        target = where / "lib"
        shutil.copytree(source, target)
        for path in [target, *target.rglob("*")]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
        try:
            yield target
        finally:
            for path in [target, *target.rglob("*")]:
                path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(where)],
                      capture_output=True).returncode != 0:
        pytest.skip("running as root without the right to mount a read-only file system")
    try:
        shutil.copytree(source, where / "lib")
        subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True, capture_output=True)
        yield where / "lib"
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


@pytest.mark.sqlite_only('SQLite on a read-only disk')
def test_a_library_on_a_read_only_disk_exits_2_in_one_line(tmp_path, capsys):
    with Library.open(tmp_path / "lib") as lib:
        codebook.add(lib, "Night buses", "challenge")
    with read_only_copy(tmp_path / "lib", tmp_path / "ro") as root:
        before = folder_bytes(root)
        for argv in (["films"], ["tag", "add", "Quiet", "--kind", "theme"],
                     ["reel", "export", "R", str(root / "exports" / "x.srt")]):
            assert main([*argv, "--library", str(root)]) == 2, argv
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "Traceback" not in err and "read-only" in err, err
        assert folder_bytes(root) == before


@contextmanager
def full_disk(where):
    """A tiny file system, filled to the last byte (root only: it is mounted)."""
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)],
                                           capture_output=True).returncode != 0:
        pytest.skip("a full disk needs the right to mount a small file system (root)")
    try:
        with open(where / "filler", "wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


def test_an_export_to_a_full_disk_exits_2_in_one_line(tmp_path, counting_film, capsys):
    from app.clips import clips
    from app.films import importing
    from app.reels import reels

    with Library.open(tmp_path / "lib") as lib:
        (film,) = importing.import_files(lib, [counting_film])
        reels.create(lib, "R", [clips.add(lib, film.film_id, 0, 1_000_000, title="C1")], audience="public")
    with full_disk(tmp_path / "full") as disk:
        for out in ("r.srt", "r.csv", "book.csv"):
            argv = ["codebook", "export", str(disk / out)] if out == "book.csv" else ["reel", "export", "R", str(disk / out)]
            assert main([*argv, "--library", str(tmp_path / "lib")]) == 2, out
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "disk is full" in err, err
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no half-written file left


# -- issue 23, item 1: hands off what is not ours ---------------------------------------------
@pytest.mark.sqlite_only("a library folder on this computer (a team's shared folder keeps the access the team gave it)")
def test_an_empty_folder_of_yours_becomes_the_library(tmp_path, open_umask):
    folder = tmp_path / "made-by-hand"
    folder.mkdir(mode=0o755)
    assert main(["films", "--library", str(folder)]) == 0
    assert mode(folder) == 0o700 and (folder / "library.db").is_file()


@pytest.mark.sqlite_only("a library folder on this computer (a team's shared folder keeps the access the team gave it)")
def test_a_library_cut_short_while_being_made_opens(tmp_path):
    """A folder holding only a library's own names (a crash while it was being made) is one."""
    root = tmp_path / "lib"
    (root / ".tmp").mkdir(parents=True)
    (root / "media").mkdir()
    assert main(["films", "--library", str(root)]) == 0
    assert (root / "library.db").is_file()


@pytest.mark.sqlite_only("a library folder on this computer (a team's shared folder keeps the access the team gave it)")
def test_what_a_link_inside_a_library_points_at_is_not_tightened(tmp_path, open_umask):
    """media/ moved to another disk and linked back: the other disk's folder keeps its mode."""
    with Library.open(tmp_path / "lib"):
        pass
    root = tmp_path / "lib"
    elsewhere = tmp_path / "big-disk" / "films"
    elsewhere.mkdir(parents=True)
    elsewhere.chmod(0o755)
    (root / "media").rmdir()
    (root / "media").symlink_to(elsewhere)
    root.chmod(0o755)
    assert main(["films", "--library", str(root)]) == 0
    assert mode(root) == 0o700 and mode(elsewhere) == 0o755


def test_a_database_file_elsewhere_keeps_its_owners_mode(tmp_path, open_umask):
    """--database-url naming a file outside the library: a new one is made 600; an existing one
    (the owner chose its mode) is used as it is."""
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert main(["films", "--library", str(tmp_path / "lib"), "--database-url", url]) == 0
    assert mode(tmp_path / "team.db") == 0o600
    (tmp_path / "team.db").chmod(0o640)
    assert main(["films", "--library", str(tmp_path / "lib"), "--database-url", url]) == 0
    assert mode(tmp_path / "team.db") == 0o640


def test_a_new_library_whose_database_cannot_be_used_leaves_nothing(tmp_path, capsys):
    (tmp_path / "not-a.db").write_text("someone's notes")
    assert main(["films", "--library", str(tmp_path / "a" / "b" / "lib"),
                 "--database-url", f"sqlite:///{tmp_path / 'not-a.db'}"]) == 2
    assert "not a ProtoReel library" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a.db"]
    assert (tmp_path / "not-a.db").read_text() == "someone's notes"
