"""Import of real sample media: every file imports or is refused with a reason, and a
refused, cancelled or failed import leaves the library exactly as it was."""

import errno
import shutil
from pathlib import Path

import pytest

from media.errors import StorageError, UnsupportedMedia
from media.jobs import Cancelled, CancelToken
from app.films import films, importing
from app import queries
from media.analysis.thumbnails import load_strip
from media.analysis.waveform import load_peaks
from tests.conftest import sample
from tests.snapshot import library_state

REFUSED = {
    "broken-m4b-truncated-after-moov-no-mdat.m4b": "no video frames or audio samples",
    "broken-webm-vp9-invalid-bitstream.webm": "does not decode",
    "edge-avi-1x1-no-decodable-frames.avi": "no video frames or audio samples",
    "edge-encrypted-cenc-clearkey-fragmented.mp4": "FFmpeg can open",
    "edge-mp4-262-bytes-no-streams.mp4": "no video or audio stream",
    "edge-wav-44-bytes-header-only.wav": "no video frames or audio samples",
}


def test_every_sample_imports_or_is_refused_with_its_name_and_reason(lib, samples):
    media = sorted(p for p in samples.iterdir() if p.suffix != ".md")
    before_each = {}
    for path in media:
        before_each[path.name] = library_state(lib)
        results = importing.import_files(lib, [path], event="Workshop 1")
        (result,) = results
        if path.name in REFUSED:
            assert result.film_id is None
            assert result.error.startswith(path.name + ":")
            assert REFUSED[path.name] in result.error
            assert library_state(lib) == before_each[path.name], f"{path.name} changed the library"
        else:
            assert result.error is None, result.error
    with lib.read() as s:
        records = queries.film_records(s, lib)
    assert sorted(r.title for r in records) == sorted(p.stem for p in media if p.name not in REFUSED)
    assert all(Path(r.path).is_file() and not r.missing and r.event == "Workshop 1" for r in records)


@pytest.mark.parametrize(
    "name,duration_us,fps,rotation,vfr,size,audio",
    [
        ("phone-android12-2160p60-h264-aac-rot90.mp4", 312_000, "60", 90, False, (3840, 2160), True),
        ("phone-pixel7-concert-lowlight-1080p30-h264-noaudio-rot180.mp4", 1_205_000, "30000/1001", 180, False, (1920, 1080), False),
        ("phone-android10-slowmo240-720p-h264-vfr.mp4", 525_000, "30", 0, True, (1280, 720), False),
        ("container-mkv-h264-vorbis-1080x720p30.mkv", 1_073_000, "30", 0, False, (1080, 720), True),
        ("faces-tos-actors-640x360p24-h264-noaudio.mp4", 10_000_000, "24", 0, False, (640, 360), False),
        ("long-15s-london-320x240p60-h264-aac.mp4", 15_536_000, "60", 0, False, (320, 240), True),
        ("container-mpegts-mpeg2-mp2-1080p24-bbb.ts", 2_513_000, "24", 0, True, (1920, 1080), True),
        ("broken-mp4-audio-track-missing-stsd.mp4", 1_001_000, "30000/1001", 0, False, (1080, 720), False),
        ("audio-speech-jfk-11s-44k-stereo.flac", 11_000_000, None, 0, False, (None, None), True),
    ],
)
def test_probed_facts(lib, name, duration_us, fps, rotation, vfr, size, audio):
    result = importing.import_file(lib, sample(name))
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [result.film_id])
    assert abs(r.duration_us - duration_us) <= 2_000, r.duration_us
    assert (r.fps, r.rotation, r.vfr, (r.width, r.height), r.has_audio) == (fps, rotation, vfr, size, audio)


def test_thumbnails_and_waveform_land_in_the_cache_upright(lib):
    result = importing.import_file(lib, sample("phone-android12-2160p60-h264-aac-rot90.mp4"))
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [result.film_id])
    strip = load_strip(lib.cache_dir(r.sha256))
    assert strip.tile_height == 90 and strip.tile_width < strip.tile_height  # portrait phone
    assert len(strip.times_us) >= 5
    peaks = load_peaks(lib.cache_dir(r.sha256))
    assert abs(len(peaks) - r.duration_us // 10_000) <= 3


def test_same_content_again_returns_the_existing_film(lib, counting_film, tmp_path):
    first = importing.import_file(lib, counting_film)
    copy = tmp_path / "renamed copy.mp4"
    shutil.copy(counting_film, copy)
    before = library_state(lib)
    again = importing.import_file(lib, copy)
    assert again.existed and again.film_id == first.film_id
    assert library_state(lib) == before


def test_copy_is_managed_and_link_stays_in_place(lib, counting_film):
    copied = importing.import_file(lib, counting_film)
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [copied.film_id])
    assert Path(r.path).parent == lib.media_dir and not r.linked
    assert Path(r.path).read_bytes() == counting_film.read_bytes()


def test_link_mode(lib, counting_film):
    linked = importing.import_file(lib, counting_film, link=True)
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [linked.film_id])
    assert r.linked and Path(r.path) == counting_film
    assert not any(lib.media_dir.iterdir())


def test_a_batch_goes_on_past_a_bad_file(lib, counting_film):
    bad = sample("edge-mp4-262-bytes-no-streams.mp4")
    results = importing.import_files(lib, [bad, Path("/nonexistent/film.mp4"), counting_film])
    assert [r.error is None for r in results] == [False, False, True]
    assert "file not found" in results[1].error and "/nonexistent/film.mp4" in results[1].error


def test_cancel_leaves_the_library_as_it_was(lib, counting_film):
    before = library_state(lib)
    token = CancelToken()

    def progress(fraction, message=""):
        if fraction > 0.3:
            token.cancel()

    with pytest.raises(Cancelled):
        importing.import_file(lib, counting_film, progress=progress, cancel=token)
    assert library_state(lib) == before
    assert not any(lib.tmp_dir.iterdir())


def test_full_disk_gives_a_clear_message_and_changes_nothing(lib, counting_film, monkeypatch):
    before = library_state(lib)
    real_open = open

    class FullDisk:
        def __init__(self, fh):
            self.fh, self.name = fh, fh.name

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, attr):
            return getattr(self.fh, attr)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    def fake_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        return FullDisk(fh) if "w" in mode and ".tmp" in str(path) else fh

    monkeypatch.setattr("media.files.open", fake_open, raising=False)
    with pytest.raises(StorageError) as err:
        importing.import_file(lib, counting_film)
    assert "disk is full" in str(err.value)
    assert library_state(lib) == before


def test_missing_file_is_marked_and_relinked_by_content(lib, counting_film, tmp_path):
    moved = tmp_path / "moved.mp4"
    shutil.copy(counting_film, moved)
    result = importing.import_file(lib, moved, link=True)
    hidden = tmp_path / "elsewhere" / "found-again.mp4"
    hidden.parent.mkdir()
    moved.rename(hidden)
    assert films.check_missing(lib) == [result.film_id]
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [result.film_id])
    assert r.missing
    other = sample("edge-silent-black-10s-320x240p30.mp4")
    with pytest.raises(UnsupportedMedia.__mro__[1]) as err:  # BadInput: different content
        films.relink(lib, result.film_id, other)
    assert "content differs" in str(err.value)
    films.relink(lib, result.film_id, hidden)
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [result.film_id])
    assert not r.missing and Path(r.path) == hidden
    assert films.check_missing(lib) == []


def test_leftovers_of_a_crash_are_cleared_at_open_but_live_work_is_not(tmp_path):
    from app.library import Library

    with Library.open(tmp_path / "l") as lib:
        dead = lib.tmp_dir / "import-999999-x"  # a process that no longer runs
        dead.mkdir()
        (dead / "media").write_bytes(b"half a film")
        live = lib.work_dir("import")  # this process, still importing
    with Library.open(tmp_path / "l") as lib:  # e.g. the CLI opening beside the app
        assert list(lib.tmp_dir.iterdir()) == [live]
