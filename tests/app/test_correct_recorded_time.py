"""A phone whose clock was wrong: the film's recorded time corrected by hand (undoable)."""

import datetime as dt

import pytest

from app import reads
from app.films import films, importing
from media.errors import BadInput
from tests.media_factory import make_long_film


def test_a_films_time_is_corrected_in_its_zone_and_undone(lib, tmp_path):
    path = make_long_film(tmp_path / "IMG_0003.mp4", 2, audio=False, creation_time="2023-05-09T10:40:00Z")
    film_id = importing.import_file(lib, path, event="Lambeth").film_id
    assert reads.film(lib, film_id).recorded_at.startswith("2023-05-09")
    london_winter = dt.timezone(dt.timedelta(0))
    films.set_recorded_time(lib, film_id, dt.datetime(2026, 11, 28, 10, 40, tzinfo=london_winter))
    film = reads.film(lib, film_id)
    assert (film.recorded_at, film.recorded_from) == ("2026-11-28T10:40:00+00:00", "corrected")
    paris = dt.timezone(dt.timedelta(hours=1))
    films.set_recorded_time(lib, film_id, dt.datetime(2026, 11, 28, 11, 40, tzinfo=paris))
    assert reads.film(lib, film_id).recorded_at == "2026-11-28T11:40:00+01:00"  # the zone where it was filmed
    assert lib.undo_name == "Correct when “IMG_0003” was recorded"
    lib.undo()
    lib.undo()
    film = reads.film(lib, film_id)
    assert film.recorded_at.startswith("2023-05-09T10:40:00") and film.recorded_from == "container"


def test_a_time_no_film_can_have_changes_nothing(lib, tmp_path):
    path = make_long_film(tmp_path / "a.mp4", 2, audio=False, creation_time="2026-11-28T10:40:00Z")
    film_id = importing.import_file(lib, path).film_id
    with pytest.raises(BadInput, match="not a time a film can have been recorded at"):
        films.set_recorded_time(lib, film_id, dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc))
    assert reads.film(lib, film_id).recorded_from == "container"
