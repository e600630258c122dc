"""An event whose films' camera clocks are years apart: `protoreel import FOLDER --event NAME`
and `protoreel films --event NAME` say in one line which film was filmed far from the others'
day (the window's Event day shows it apart)."""

import json

from tests.media_factory import make_long_film


def phones_folder(tmp_path):
    folder = tmp_path / "Tuesday"
    folder.mkdir()
    for name, when in (("IMG_0001.mp4", "2026-11-28T10:05:00Z"), ("IMG_0002.mp4", "2026-11-28T10:40:00Z"),
                       ("IMG_4200.mp4", "2023-05-09T10:40:00Z")):
        make_long_film(folder / name, 1, audio=False, creation_time=when)
    return folder


SAID = ("note: event 'Tuesday workshop': 'IMG_4200' says it was filmed 2023-05-09 10:40, over 3 years away from the day "
        "the event's other films were recorded (2026-11-28): its camera's clock may be wrong")


def test_import_and_films_name_the_film_filmed_years_from_the_others(tmp_path, cli):
    code, out, err = cli("import", str(phones_folder(tmp_path)), "--event", "Tuesday workshop")
    assert code == 0, err
    assert len(out.splitlines()) == 3
    said = [line for line in err.splitlines() if "clock" in line]
    assert len(said) == 1 and said[0].startswith(SAID), err
    code, out, err = cli("films", "--event", "Tuesday workshop", "--json")
    assert code == 0 and len(out.splitlines()) == 3, err
    assert {json.loads(line)["event"] for line in out.splitlines()} == {"Tuesday workshop"}
    assert err.strip().startswith(SAID) and len(err.strip().splitlines()) == 1, err


def test_an_event_filmed_on_one_day_says_nothing_and_an_unknown_event_is_refused(tmp_path, cli):
    folder = phones_folder(tmp_path)
    (folder / "IMG_4200.mp4").unlink()
    code, out, err = cli("import", str(folder), "--event", "Tuesday workshop")
    assert code == 0 and "clock" not in err, err
    code, out, err = cli("films", "--event", "Tuesday workshop")
    assert code == 0 and len(out.splitlines()) == 2 and err == "", err
    code, out, err = cli("films", "--event", "Wednesday")
    assert code == 2 and "Wednesday" in err and len(err.strip().splitlines()) == 1, err
