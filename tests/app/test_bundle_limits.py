"""Issue 23, item 3: a bundle is refused from its zip directory before its members are read
when it cannot be one of ours (too many members, a member too big, compressed films, a ratio
no bundle has, encrypted or doubled members), in moments and with nothing left behind. The
full-size bombs are measured by ``bench/bundle_bomb_bench.py``; the sweep
(``test_bad_input_sweep.py``) runs each through the command line."""

import shutil
import time
import zipfile

import pytest

from app.bundles import bundle_format, bundle_import
from media.errors import BadInput
from tests import bundle_bombs
from tests.snapshot import folder_bytes


def refused(path, match) -> float:
    started = time.monotonic()
    with pytest.raises(BadInput, match=match) as err:
        bundle_format.read(path)
    assert "\n" not in str(err.value) and path.name in str(err.value)
    return time.monotonic() - started


def test_the_member_count_is_read_before_the_directory(tmp_path, monkeypatch):
    path = bundle_bombs.many_members(tmp_path / "many.protoreel", 10_003)
    made = []
    real = zipfile.ZipFile
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: made.append(a) or real(*a, **k))
    refused(path, "10,005 members; a bundle has at most 10,002")
    assert not made, "the zip's directory was not parsed at all"


def test_a_bomb_is_refused_from_the_directory_without_inflating_it(tmp_path, monkeypatch):
    bombs = [(make(tmp_path / f"{make.__name__}.protoreel", 300_000_000), match)
             for make, match in ((bundle_bombs.manifest_bomb, "manifest.json is 300,000,000 bytes"),
                                 (bundle_bombs.data_bomb, "library.json is 300,000,000 bytes"),
                                 (bundle_bombs.zeros_member, "media/1.mp4 is compressed"))]
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name) or
                        real_open(self, name, *a, **k))
    for path, match in bombs:
        assert refused(path, match) < 1.0
    assert not opened, "no member was read"


def test_a_ratio_no_bundle_has_is_refused_under_the_size_limit(tmp_path):
    path = bundle_bombs.manifest_bomb(tmp_path / "small-bomb.protoreel", 1_500_000)
    refused(path, "would expand")


def test_encrypted_and_doubled_members_are_refused(tmp_path):
    plain = bundle_bombs.list_ref(tmp_path / "plain.protoreel")
    raw = bytearray(plain.read_bytes())
    at = raw.rindex(b"PK\x01\x02", 0, raw.rindex(b"media/1.mp4"))
    raw[at + 8] |= 0x1  # the central directory's flag: encrypted
    (tmp_path / "encrypted.protoreel").write_bytes(raw)
    refused(tmp_path / "encrypted.protoreel", "encrypted")
    doubled = tmp_path / "doubled.protoreel"
    shutil.copy(plain, doubled)
    with pytest.warns(UserWarning), zipfile.ZipFile(doubled, "a") as zf:
        zf.writestr("media/1.mp4", b"another")
    refused(doubled, "twice")


def test_a_member_nobody_uses_is_refused_before_any_film_is_hashed(tmp_path, monkeypatch):
    path = bundle_bombs.many_members(tmp_path / "unused.protoreel", 3)
    monkeypatch.setattr(bundle_format, "_member_hash", lambda *a: pytest.fail("a film was hashed"))
    refused(path, "media/2.mp4 is in the bundle but no clip uses it")


def test_films_that_do_not_fit_on_the_disk_are_refused_before_any_is_copied(lib, tmp_path, monkeypatch):
    path = bundle_bombs.plain(tmp_path / "fits.protoreel")
    before = folder_bytes(lib.root)
    monkeypatch.setattr(bundle_import.shutil, "disk_usage", lambda _p: shutil._ntuple_diskusage(10**9, 10**9, 1000))
    with pytest.raises(BadInput, match="need 0.3 GB and the library's disk has 0.0 GB free"):
        bundle_import.import_bundle(lib, path)
    assert folder_bytes(lib.root) == before and not list(lib.tmp_dir.iterdir())


def test_zeros_behind_an_mp4s_first_box_are_refused_before_they_are_hashed_or_copied(lib, tmp_path, monkeypatch):
    """3 GB said, sparse on disk: FFmpeg opens the member where it lies and finds no film."""
    path = bundle_bombs.headed_zeros(tmp_path / "headed.protoreel", 3_000_000_000)
    monkeypatch.setattr(bundle_format, "_member_hash", lambda *a: pytest.fail("a film was hashed"))
    assert refused(path, "media/1.mp4 is not a film") < 5
    before = folder_bytes(lib.root)
    with pytest.raises(BadInput, match="is not a film"):
        bundle_import.import_bundle(lib, path)
    assert folder_bytes(lib.root) == before and not list(lib.tmp_dir.iterdir())


def test_a_real_film_in_a_bundle_is_read_where_it_lies(tmp_path):
    """The in-place check reads the stored film's own bytes (not the zip's around them)."""
    import io

    path = bundle_bombs.plain(tmp_path / "plain.protoreel")
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        info = zf.getinfo("media/1.mp4")
        bundle_format._check_film_opens(fh, info, path.name)  # no error
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        fh.seek(start)
        assert fh.read(info.file_size) == bundle_bombs.tiny_film()
    from media.reading.probe import FileWindow

    window = FileWindow(io.BytesIO(b"xx" + b"abcdef" + b"yy"), 2, 6)
    assert window.read() == b"abcdef" and window.seek(-2, io.SEEK_END) == 4 and window.read(10) == b"ef"
