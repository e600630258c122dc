"""An export never replaces a file it did not make: found by a newcomer, who exported a reel
onto a phone film not yet imported (and, as root, onto a read-only sample) and lost it.
A file already there is kept unless replacing is asked for, and even then pictures, sound
and video are replaced only when they are this library's own earlier exports."""

import os
import shutil

import pytest

from app.cli.main import main
from app.library import Library
from app.clips import clips as clip_ops
from app.codebook import codebook, codebook_files
from app.reels import export, reels
from app.films import importing
from media.errors import BadInput, FolderUnusable


@pytest.fixture
def reel_lib(tmp_path, counting_film):
    with Library.open(tmp_path / "lib") as lib:
        (film,) = importing.import_files(lib, [counting_film], link=True)
        clip = clip_ops.add(lib, film.film_id, 0, 1_000_000, title="One")
        reels.create(lib, "R", [clip], audience="team")
        yield lib


def test_a_phone_film_not_in_the_library_is_never_replaced(reel_lib, tmp_path, counting_film):
    phone = tmp_path / "phone" / "IMG_0042.mp4"
    phone.parent.mkdir()
    phone.write_bytes(counting_film.read_bytes() + b"not imported yet")
    before = phone.read_bytes()
    with pytest.raises(BadInput, match="already there"):
        export.export_reel(reel_lib, "R", phone)
    renamed = phone.with_name("notes.srt")  # a renamed film is still footage: read from its bytes
    shutil.copy(phone, renamed)
    for target in (phone, renamed):
        with pytest.raises(BadInput, match="ProtoReel did not export"):
            export.export_reel(reel_lib, "R", target, replace=True)
    assert phone.read_bytes() == before and renamed.read_bytes() == before


def test_an_earlier_export_is_replaced_only_when_asked(reel_lib, tmp_path):
    out = tmp_path / "reel.srt"
    export.export_reel(reel_lib, "R", out)
    first = out.read_bytes()
    out.write_bytes(first + b"\n")  # so a replacement shows
    with pytest.raises(BadInput, match="already there"):
        export.export_reel(reel_lib, "R", out)
    assert out.read_bytes() == first + b"\n"
    export.export_reel(reel_lib, "R", out, replace=True)
    assert out.read_bytes() == first


def test_a_reel_video_replaces_its_own_earlier_export_with_its_manifest(reel_lib, tmp_path):
    out = tmp_path / "reel.mp4"
    export.export_reel(reel_lib, "R", out, cards=False)
    manifest = export.manifest_path(out)
    stamp = out.stat().st_mtime_ns
    export.export_reel(reel_lib, "R", out, cards=False, replace=True)
    assert out.stat().st_mtime_ns != stamp and manifest.exists()


def test_a_file_that_is_not_media_is_replaced_when_asked(reel_lib, tmp_path):
    sheet = tmp_path / "codebook.csv"
    sheet.write_text("my own notes\n")
    with pytest.raises(BadInput, match="already there"):
        codebook_files.write_file(reel_lib, sheet)
    assert sheet.read_text() == "my own notes\n"
    codebook_files.write_file(reel_lib, sheet, replace=True)
    assert sheet.read_text().startswith("kind,") or "name" in sheet.read_text()


def test_read_only_files_and_folders_are_refused_by_their_mode_even_for_root(reel_lib, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    kept = locked / "reel.srt"
    kept.write_text("kept")
    os.chmod(kept, 0o444)
    os.chmod(locked, 0o555)
    try:
        with pytest.raises(FolderUnusable, match="cannot be written to"):
            export.export_reel(reel_lib, "R", locked / "new.srt")
        os.chmod(locked, 0o755)
        with pytest.raises(BadInput, match="read-only"):
            export.export_reel(reel_lib, "R", kept, replace=True)
        assert kept.read_text() == "kept"
    finally:
        os.chmod(locked, 0o755)
        os.chmod(kept, 0o644)


def test_cli_keeps_an_existing_file_and_replace_replaces_an_earlier_export(reel_lib, tmp_path, capsys):
    out = tmp_path / "reel.csv"
    lib_args = ["--library", str(reel_lib.root)]
    assert main([*lib_args, "reel", "export", "R", str(out)]) == 0
    capsys.readouterr()
    assert main([*lib_args, "reel", "export", "R", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already there" in err and "--replace" in err
    assert main([*lib_args, "reel", "export", "R", str(out), "--replace"]) == 0
