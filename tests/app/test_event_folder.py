"""A folder of an event's phones: 40 films from three phones over a day, recognised by content
(a copy in two folders is imported once and said so), ordered by when each was recorded
(phone metadata with its zone, the container's creation time, else the file's time), imported
two at a time; `films --json` gives `recorded_at`, and clips are found by time of day."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil

import pytest

from app.cli.main import main
from app.clips import clips
from app.films import importing
from app import queries
from tests.media_factory import make_long_film

DAY = dt.datetime(2026, 11, 28)


def phone_folders(root):
    """Phone A (iPhone: local time +01:00 in its own metadata), phone B (UTC creation time),
    phone C (nothing in the file: its modification time). Times shuffled against names."""
    rng = random.Random(15)
    minutes = rng.sample(range(9 * 60, 17 * 60, 5), 40)
    truth = {}
    for n, minute in enumerate(minutes):
        utc = DAY + dt.timedelta(minutes=minute)
        phone = "ABC"[n % 3]
        folder = root / f"phone {phone}"
        folder.mkdir(exist_ok=True)
        name = f"IMG_{rng.randint(1000, 9999)}_{n:02d}"
        if phone == "A":
            local = (utc + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+0100")
            path = make_long_film(folder / f"{name}.mov", 3 + n % 4, size=(36, 64),
                                  creation_time=utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  extra_metadata={"com.apple.quicktime.creationdate": local})
        elif phone == "B":
            path = make_long_film(folder / f"{name}.mp4", 3 + n % 4, creation_time=utc.strftime("%Y-%m-%dT%H:%M:%SZ"))
        else:
            path = make_long_film(folder / f"{name}.mkv", 3 + n % 4)
            # A camera writes the file until it stops: last written = started + length.
            stamp = utc.replace(tzinfo=dt.timezone.utc).timestamp() + 3 + n % 4
            os.utime(path, (stamp, stamp))
        truth[path.stem] = (utc, phone)
    return truth


@pytest.fixture(scope="module")
def event_folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("event")
    truth = phone_folders(root)
    # the same film offloaded from phone B to phone A's folder too (renamed)
    first_b = next(p for p in sorted((root / "phone B").iterdir()))
    shutil.copy2(first_b, root / "phone A" / "copy of a B film.mp4")
    return root, truth


def test_a_day_of_phone_folders_is_ordered_by_when_each_was_recorded(lib, event_folders):
    root, truth = event_folders
    folders = [root / "phone C", root / "phone A", root / "phone B"]
    results = importing.import_files(lib, folders, event="Workshop day")
    imported = [r for r in results if not r.existed and r.error is None]
    skipped = [r for r in results if r.existed]
    assert len(imported) == 40 and [r.source.name for r in skipped] == ["copy of a B film.mp4"]
    assert not [r for r in results if r.error]
    with lib.read() as s:
        records = queries.film_records(s, lib, [r.film_id for r in imported])
    by_id = {r.id: r for r in records}
    order = [by_id[r.film_id].title for r in imported]
    assert order == sorted(truth, key=lambda t: truth[t][0])  # imported in the order they were filmed
    for record in records:
        utc, phone = truth[record.title]
        when = dt.datetime.fromisoformat(record.recorded_at)
        found = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if phone == "C":  # the file's time less its length, as long as the container says it is
            assert abs(found - utc) < dt.timedelta(seconds=0.1), (found, utc)
        else:
            assert found == utc
        assert record.event == "Workshop day"
        assert record.recorded_from == {"A": "phone", "B": "container", "C": "file"}[phone]
        assert (when.utcoffset() == dt.timedelta(hours=1)) == (phone == "A")  # the phone's own zone


def test_the_command_line_imports_a_folder_and_finds_clips_by_time_of_day(tmp_path, capsys, event_folders):
    root, truth = event_folders
    library = str(tmp_path / "lib")
    code = main(["import", str(root / "phone A"), str(root / "phone B"), "--event", "Day", "--json",
                 "--library", library])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0, err
    fresh = [d for d in lines if not d["already_in_library"]]
    times = [d["recorded_at"] for d in fresh]
    utcs = [dt.datetime.fromisoformat(t).astimezone(dt.timezone.utc) for t in times]
    assert utcs == sorted(utcs) and len(fresh) == sum(1 for t in truth.values() if t[1] in "AB")
    assert [d["title"] for d in lines if d["already_in_library"]] == [sorted((root / "phone B").iterdir())[0].stem]
    # a clip in phone A's film recorded nearest 11:00 there (its metadata says +01:00, so the
    # time of day is read in that zone whatever this computer's zone is)
    local = {stem: t[0] + dt.timedelta(hours=1) for stem, t in truth.items() if t[1] == "A"}
    title = min(local, key=lambda stem: abs(local[stem] - DAY.replace(hour=11)))
    film = next(d for d in fresh if d["title"] == title)
    from app.library import Library

    with Library.open(library) as lib:
        clip_id = clips.add(lib, film["id"], 1_000_000, 2_000_000, title="The 11:00 role-play")
    code = main(["clips", "--at", local[title].strftime("%H:%M"), "--json", "--library", library])
    out, err = capsys.readouterr()
    assert code == 0, err
    found = [json.loads(line) for line in out.splitlines()]
    assert [c["id"] for c in found] == [clip_id]
    code = main(["clips", "--at", "25:99", "--library", library])
    assert code == 2 and "25:99" in capsys.readouterr().err
