"""Films of any length: a 14-minute film was refused (one JPEG strip stops at 65,500 px).
Thumbnails are stored in pages and peaks streamed to a file, so 14 minutes and 3 hours
import, in every aspect, and the pictures read back along the whole film."""

from __future__ import annotations

import numpy as np
import pytest

from app import queries
from app.films import importing
from media.analysis.thumbnails import PAGE_WIDTH, load_strip, read_tile
from media.analysis.waveform import load_peaks
from tests.media_factory import make_long_film

ASPECTS = {"16x9": (64, 36), "4x3": (48, 36), "9x16": (36, 64)}


def _check_strip(lib, film_id, seconds, aspect):
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [film_id])
    assert abs(r.duration_us - seconds * 1_000_000) <= 1_000_000
    strip = load_strip(lib.cache_dir(r.sha256))
    assert strip.complete and strip.tile_height == 90
    w, h = ASPECTS[aspect]
    assert abs(strip.tile_width - 90 * w / h) <= 2
    assert strip.tile_width * strip.page_tiles <= PAGE_WIDTH
    # one tile every 2 s over the whole film, every page readable
    assert len(strip.times_us) == len(range(0, r.duration_us, 2_000_000))
    assert strip.times_us[-1] >= (seconds - 6) * 1_000_000
    assert strip.page_count >= 2
    for index in (0, len(strip.times_us) // 2, len(strip.times_us) - 1):
        tile = read_tile(strip, index)
        assert tile is not None and tile.shape == (90, strip.tile_width, 3)
        assert tile.std() > 5  # a picture, not an empty page
    return r


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_a_14_minute_film_imports_in_every_aspect(lib, tmp_path, aspect):
    seconds = 14 * 60
    film = make_long_film(tmp_path / f"session-{aspect}.mp4", seconds, size=ASPECTS[aspect])
    result = importing.import_file(lib, film)
    assert result.error is None
    r = _check_strip(lib, result.film_id, seconds, aspect)
    peaks = load_peaks(lib.cache_dir(r.sha256))
    assert abs(len(peaks) - seconds * 100) <= 5
    assert peaks[-100:].max() > 0  # sound all the way to the end


@pytest.mark.parametrize("aspect", list(ASPECTS))
def test_a_3_hour_film_imports_in_every_aspect(lib, tmp_path, aspect):
    seconds = 3 * 3600
    film = make_long_film(tmp_path / f"day-{aspect}.mkv", seconds, size=ASPECTS[aspect],
                          audio=aspect == "16x9")
    result = importing.import_file(lib, film, link=True)
    assert result.error is None
    r = _check_strip(lib, result.film_id, seconds, aspect)
    peaks = load_peaks(lib.cache_dir(r.sha256))
    if aspect == "16x9":
        assert abs(len(peaks) - seconds * 100) <= 5
        # the beep at every whole second is still there in the third hour
        second = peaks[-3000:-2900]
        assert second.max() > 0
    else:
        assert peaks is None


def test_a_failed_thumbnail_write_names_the_film_not_a_temporary_folder(lib, tmp_path, monkeypatch):
    import errno

    from media.analysis import thumbnails
    from tests.snapshot import library_state

    film = make_long_film(tmp_path / "role-play 3.mp4", 20)
    before = library_state(lib)

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(thumbnails, "_write_atomic", full)
    (result,) = importing.import_files(lib, [film])
    assert result.error.startswith("role-play 3.mp4: ")
    assert "disk is full" in result.error and ".tmp" not in result.error
    assert library_state(lib) == before


def test_the_command_line_imports_a_14_minute_film_with_nothing_on_stderr(tmp_path):
    import json
    import subprocess
    import sys

    film = make_long_film(tmp_path / "one take.mp4", 14 * 60)
    done = subprocess.run([sys.executable, "-m", "app.cli", "import", str(film),
                           "--library", str(tmp_path / "l"), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads(done.stdout)["duration_us"] > 14 * 60 * 1_000_000 - 1_000_000


def test_coarse_levels_hold_every_4th_tile_of_the_level_below(lib, tmp_path):
    film = make_long_film(tmp_path / "levels.mp4", 3600, audio=False)
    result = importing.import_file(lib, film, link=True)
    with lib.read() as s:
        (r,) = queries.film_records(s, lib, [result.film_id])
    strip = load_strip(lib.cache_dir(r.sha256))
    assert strip.levels >= 3
    for level in (1, 2):
        stride = 4 ** level
        for index in (0, stride * 3, (len(strip.times_us) - 1) // stride * stride):
            coarse, fine = read_tile(strip, index, level), read_tile(strip, index, 0)
            assert np.abs(coarse.astype(int) - fine.astype(int)).mean() < 3  # the same picture
    # a whole hour across 12 tiles: level 2 (every 32 s) or coarser, so a few pages serve it
    level = strip.level_for(3600_000_000 / 12)
    assert level >= 2 and strip.nearest(1800_000_000, level) % 4 ** level == 0


def test_a_library_made_before_pages_still_shows_its_strip_and_waveform(tmp_path):
    """Caches written by earlier versions: one thumbs.jpg row and peaks.npy."""
    import json

    import cv2

    row = np.concatenate([np.full((90, 160, 3), 40 * i, np.uint8) for i in range(5)], axis=1)
    cv2.imwrite(str(tmp_path / "thumbs.jpg"), row)
    (tmp_path / "thumbs.json").write_text(json.dumps(
        {"tile_width": 160, "tile_height": 90, "interval_us": 2_000_000,
         "times_us": [0, 2_000_000, 4_000_000, 6_000_000, 8_000_000]}))
    np.save(tmp_path / "peaks.npy", np.arange(100, dtype=np.uint8))
    strip = load_strip(tmp_path)
    assert strip.legacy and strip.complete and strip.tile_for(5_900_000) == 3
    assert abs(int(read_tile(strip, 3).mean()) - 120) <= 3
    assert list(load_peaks(tmp_path)[:3]) == [0, 1, 2]
