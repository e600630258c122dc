"""Issue 11, item 1: an export never writes onto footage, a file it reads, or into the library
folder (except exports/), however the path is spelled. Checked in the core, so the GUI, the
command line, the evidence writers and the codebook export are all guarded."""

import os
import shutil

import pytest

from app.prototypes import evidence
from app.cli.main import main
from app.library import Library
from app.codebook import codebook, codebook_files
from app.reels import export, reels
from app.films import importing
from app.prototypes import prototypes
from app.clips import clips as clip_ops
from media.errors import BadInput


@pytest.fixture
def stocked(tmp_path, counting_film):
    """A library with a copied film, a linked film, a clip of each in a reel R, a prototype."""
    original = tmp_path / "footage" / "workshop.mp4"
    original.parent.mkdir()
    shutil.copy(counting_film, original)
    linked_src = tmp_path / "footage" / "linked.mp4"
    # Different bytes for the linked film (same film twice is one film in a library).
    linked_src.write_bytes(counting_film.read_bytes() + b"\0")
    with Library.open(tmp_path / "lib") as lib:
        (copied,) = importing.import_files(lib, [original])
        (linked,) = importing.import_files(lib, [linked_src], link=True)
        assert copied.film_id and linked.film_id, (copied.error, linked.error)
        c1 = clip_ops.add(lib, copied.film_id, 0, 1_000_000, title="One")
        c2 = clip_ops.add(lib, linked.film_id, 0, 1_000_000, title="Two")
        reels.create(lib, "R", [c1, c2], audience="public")
        pid = prototypes.add(lib, "Welcome desk")
        prototypes.link(lib, pid, [c1])
        yield lib, original, linked_src, pid


def _bytes(path):
    return path.read_bytes() if path.exists() else None


def _refused(lib, target, fmt=".srt"):
    before = _bytes(target)
    with pytest.raises(BadInput, match="never overwritten|inside the library folder"):
        export.export_reel(lib, "R", target)
    assert _bytes(target) == before


def test_export_refuses_the_library_copy_of_a_film(stocked):
    lib, *_ = stocked
    (managed,) = [p for p in lib.media_dir.iterdir() if p.suffix == ".mp4"]
    _refused(lib, managed.with_suffix(".mp4"))
    _refused(lib, managed.with_name("new.srt"))  # anything in media/, new or not


def test_export_refuses_a_linked_film_and_the_original_a_film_was_copied_from(stocked):
    lib, original, linked_src, _ = stocked
    _refused(lib, linked_src)
    _refused(lib, original)  # same bytes as the library's copy: footage all the same


def test_export_refuses_the_library_folder_but_not_exports(stocked, tmp_path):
    lib, *_ = stocked
    _refused(lib, lib.root / "library.db.srt")
    _refused(lib, lib.root / "cache" / "x.srt")
    _refused(lib, lib.root / "exports" / ".." / "media" / "y.csv")
    assert export.export_reel(lib, "R", lib.root / "exports" / "reel.srt").exists()
    assert export.export_reel(lib, "R", tmp_path / "reel.csv").exists()


def test_export_sees_through_symlinks_and_hard_links(stocked, tmp_path):
    lib, original, linked_src, _ = stocked
    (tmp_path / "sneaky").symlink_to(lib.media_dir)
    _refused(lib, tmp_path / "sneaky" / "new.srt")
    (tmp_path / "film-link.mp4").symlink_to(linked_src)
    _refused(lib, tmp_path / "film-link.mp4")
    os.link(linked_src, tmp_path / "hard.mp4")
    _refused(lib, tmp_path / "hard.mp4")
    (tmp_path / "lib-link").symlink_to(lib.root)
    _refused(lib, tmp_path / "lib-link" / "MEDIA.srt")


def test_a_missing_films_place_is_kept_free_whatever_the_letter_case(stocked):
    lib, original, linked_src, _ = stocked
    linked_src.rename(linked_src.with_name("elsewhere.mp4"))  # the film is missing now
    _refused(lib, linked_src)
    _refused(lib, linked_src.with_name("LINKED.MP4"))  # the same file on a case-insensitive disk


def test_evidence_and_codebook_writers_are_guarded(stocked, tmp_path):
    lib, _, linked_src, pid = stocked
    board = evidence.board(lib, pid)
    for write in (lambda p: evidence.write_csv(board, p), lambda p: evidence.write_html(lib, board, p)):
        with pytest.raises(BadInput, match="inside the library folder"):
            write(lib.media_dir / "board.csv")
        with pytest.raises(BadInput, match="never overwritten"):
            write(linked_src)
    assert linked_src.read_bytes()[-1:] == b"\0"
    with pytest.raises(BadInput, match="inside the library folder"):
        codebook_files.write_file(lib, lib.root / "codebook.csv")
    codebook_files.write_file(lib, lib.exports_dir / "codebook.csv")
    assert (lib.exports_dir / "codebook.csv").exists()


def test_cli_export_onto_footage_exits_2_and_the_film_is_untouched(stocked, capsys):
    lib, original, linked_src, _ = stocked
    before = linked_src.read_bytes()
    code = main(["reel", "export", "R", str(linked_src), "--library", str(lib.root)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "never overwritten" in err
    assert linked_src.read_bytes() == before


def test_a_name_too_long_for_the_disk_is_refused_in_one_line(stocked, tmp_path):
    lib, *_ = stocked
    with pytest.raises(BadInput, match="too long"):
        export.export_reel(lib, "R", tmp_path / ("x" * 246 + ".vtt"))
    with pytest.raises(BadInput, match="control characters"):
        export.export_reel(lib, "R", tmp_path / "two\nlines.srt")
    assert not list(tmp_path.glob("*.vtt"))


@pytest.mark.sqlite_only('other library folders on this computer are known by their library.db')
def test_export_never_writes_onto_another_library_this_user_opened(stocked, tmp_path, counting_film):
    lib, *_ = stocked
    other_film = tmp_path / "other-footage.mp4"
    other_film.write_bytes(counting_film.read_bytes() + b"other")
    with Library.open(tmp_path / "second-library") as second:  # opened once, remembered
        (linked,) = importing.import_files(second, [other_film], link=True)
        assert linked.film_id, linked.error
    _refused(lib, other_film)  # a film of the second library, outside both folders
    _refused(lib, tmp_path / "second-library" / "media" / "x.srt")
    _refused(lib, tmp_path / "second-library" / "reel.srt")
    assert export.export_reel(lib, "R", tmp_path / "second-library" / "exports" / "ok.srt").exists()
