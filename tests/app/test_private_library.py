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
