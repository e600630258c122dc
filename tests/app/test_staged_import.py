"""Markable at once: a film is registered (probe only) and playable, markable and listed as
importing at once; hashing, copying, thumbnails and waveform finish in a second stage that a
crash does not lose (it is taken up again), and a refused file changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import queries
from app.library import Library
from app.clips import clips
from app.films import films, importing
from media.errors import UnsupportedMedia
from media.analysis.thumbnails import load_strip
from media.analysis.waveform import load_peaks
from tests.media_factory import make_long_film
from tests.snapshot import library_state

ROOT = Path(__file__).resolve().parents[2]


def record(lib, film_id):
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [film_id])
    return r


@pytest.fixture(scope="module")
def hour_film(tmp_path_factory):
    return make_long_film(tmp_path_factory.mktemp("staged") / "morning session.mp4", 3600)


def test_a_registered_film_is_markable_at_once_and_completes_later(lib, hour_film):
    result = importing.register(lib, hour_film, event="Day 1")
    r = record(lib, result.film_id)
    assert r.importing and r.path == str(hour_film) and r.event == "Day 1"
    assert r.duration_us > 3599_000_000
    clip_id = clips.add(lib, r.id, 1800_000_000, 1810_000_000, title="Half way")
    assert importing.pending(lib) == [r.id]
    importing.complete(lib, r.id)
    done = record(lib, r.id)
    assert not done.importing and not done.linked and Path(done.path).parent == lib.media_dir
    assert Path(done.path).read_bytes() == hour_film.read_bytes()
    assert not done.sha256.startswith(importing.PENDING) and len(done.sha256) == 64
    strip = load_strip(lib.cache_dir(done.sha256))
    assert strip.complete and strip.times_us[-1] > 3590_000_000
    assert abs(len(load_peaks(lib.cache_dir(done.sha256))) - 360_000) <= 5
    assert not lib.cache_dir(r.sha256).exists()  # the provisional folder moved, not copied
    with lib.read() as s:
        (c,) = queries.clip_records(s, [clip_id])
    assert (c.film_id, c.title) == (r.id, "Half way")
    assert importing.pending(lib) == []


def test_the_same_content_is_recognised_while_importing_and_after(lib, hour_film, tmp_path):
    first = importing.register(lib, hour_film)
    copy = tmp_path / "copy from another phone.mp4"
    copy.write_bytes(hour_film.read_bytes())
    before = library_state(lib)
    again = importing.register(lib, copy)
    assert again.existed and again.film_id == first.film_id and library_state(lib) == before
    importing.complete(lib, first.film_id)
    assert importing.register(lib, copy).existed


def test_a_refused_file_leaves_the_library_as_it_was(lib, tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_bytes(b"this is not a film" * 100)
    before = library_state(lib)
    with pytest.raises(UnsupportedMedia, match="notes.mp4"):
        importing.register(lib, bad)
    assert library_state(lib) == before


def test_an_import_undone_while_it_runs_leaves_nothing(lib, hour_film):
    result = importing.register(lib, hour_film)
    key = record(lib, result.film_id).sha256
    before_undo = library_state(lib)
    lib.undo()
    importing.complete(lib, result.film_id)
    assert importing.pending(lib) == []
    assert not any(lib.media_dir.iterdir()) and not lib.cache_dir(key).exists()
    assert library_state(lib) != before_undo


KILLED_MIDWAY = textwrap.dedent("""
    import os, signal, sys
    from app.library import Library
    from app.films import importing
    lib = Library.open(sys.argv[1])
    film_id = importing.register(lib, sys.argv[2]).film_id
    print(film_id, flush=True)
    def progress(fraction, message=""):
        if fraction > 0.75:  # copied, and half the pictures made
            os.kill(os.getpid(), signal.SIGKILL)  # the power goes off
    importing.complete(lib, film_id, progress)
""")


def test_an_import_killed_midway_is_taken_up_on_the_next_start(tmp_path, hour_film):
    library = tmp_path / "lib"
    done = subprocess.run([sys.executable, "-c", KILLED_MIDWAY, str(library), str(hour_film)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    film_id = int(done.stdout.split()[0])
    with Library.open(library) as lib:
        r = record(lib, film_id)
        assert r.importing  # never shown as complete
        strip = load_strip(lib.cache_dir(r.sha256))
        assert strip is not None and not strip.complete  # part of it had arrived
        assert not any(lib.media_dir.iterdir())
        assert importing.pending(lib) == [film_id]
        importing.complete(lib, film_id)
        r = record(lib, film_id)
        assert not r.importing and Path(r.path).read_bytes() == hour_film.read_bytes()
        assert load_strip(lib.cache_dir(r.sha256)).complete
        assert not any(lib.tmp_dir.iterdir())


def test_a_long_film_registers_from_its_header_and_gets_exact_facts_when_complete(lib, hour_film, monkeypatch):
    from media.reading.probe import probe, probe_quick

    quick, full = probe_quick(hour_film), probe(hour_film)
    assert quick.frame_count is None and full.frame_count == 3600
    assert (quick.fps, quick.width, quick.height, quick.has_audio) == (full.fps, full.width, full.height, True)
    assert abs(quick.duration_us - full.duration_us) < 100_000
    monkeypatch.setattr(importing, "QUICK_ABOVE_BYTES", 0)  # as for a film of hours
    film_id = importing.register(lib, hour_film).film_id
    assert record(lib, film_id).frame_count is None
    importing.complete(lib, film_id)
    done = record(lib, film_id)
    assert (done.frame_count, done.duration_us) == (full.frame_count, full.duration_us)
