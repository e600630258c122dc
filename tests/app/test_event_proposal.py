"""Which event a batch of films dropped in the window is proposed for (app.films.events.propose)."""

import datetime as dt
from pathlib import Path

from app.films import events, films, importing
from tests.media_factory import make_long_film

DAY = dt.date(2026, 11, 28)


def test_the_folder_name_unless_a_device_gave_it_then_the_day(lib):
    named = events.propose(lib, [Path("/x/Lambeth workshop")], [DAY, DAY, dt.date(2023, 5, 9)])
    assert (named.name, named.day, named.films, named.on_other_days) == ("Lambeth workshop", DAY, 3, 1)
    for device in ("DCIM", "100APPLE", "Camera", "Videos", "2026"):
        assert events.propose(lib, [Path("/x") / device], [DAY]).name == f"Workshop {DAY.isoformat()}"
    assert events.propose(lib, [], []).name == ""


def test_the_event_already_holding_films_of_that_day_comes_first(lib, tmp_path):
    film = make_long_film(tmp_path / "a.mp4", 2, audio=False, creation_time="2026-11-28T10:00:00Z")
    film_id = importing.import_file(lib, film, event="Lambeth workshop").film_id
    assert events.propose(lib, [Path("/x/Phone B")], [DAY]).name == "Lambeth workshop"
    assert events.propose(lib, [Path("/x/Phone B")], [DAY + dt.timedelta(days=1)]).name == "Phone B"
    films.set_event(lib, [film_id], None)  # in no event: it proposes nothing from it
    assert events.propose(lib, [Path("/x/Phone B")], [DAY]).name == "Phone B"
