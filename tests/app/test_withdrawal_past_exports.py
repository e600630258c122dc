"""A withdrawal lists what already went out with the person, whoever was known at export time:
exports and showings made before the person was added, or before their appearance was recorded,
are found from what the log kept of each item (its film and stretch of film at export time).
Older log entries that kept no film times are said to be uncheckable, never "nothing"."""

from __future__ import annotations

import json

import pytest

from app.clips import clips
from app.films import importing
from app.library import Library
from app.models import ExportRecord
from app.people import people
from app.reels import reels
from app.reviews import review_records, reviews

FORMATS = ("mp4", "otio", "edl", "csv", "srt")


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def exported(cli, counting_film, tmp_path):
    """A film, a clip on it (1–2 s), a reel of it exported in every format: nobody known yet."""
    code, out, err = cli("import", str(counting_film), "--json")
    assert code == 0, err
    film = records(out)[0]["title"]
    assert cli("clip", "add", film, "--start", "1", "--end", "2", "--title", "Waiting room")[0] == 0
    assert cli("reel", "create", "Tuesday", "--clip", "Waiting room", "--audience", "team")[0] == 0
    paths = []
    for suffix in FORMATS:
        path = tmp_path / f"tuesday.{suffix}"
        code, _, err = cli("reel", "export", "Tuesday", str(path))
        assert code == 0, err
        paths.append(path)
    return film, paths


def test_cli_withdrawal_lists_exports_made_before_the_person_was_added(cli, exported):
    film, paths = exported
    assert cli("person", "add", "Tom Reyes", "--role", "lived_experience", "--consent", "team")[0] == 0
    assert cli("person", "appears", "Tom Reyes", film)[0] == 0
    code, out, err = cli("person", "withdraw", "Tom Reyes")
    assert code == 0, err
    assert "Already exported: nothing" not in out
    assert "Already exported (follow up with whoever received these):" in out
    for path in paths:
        assert path.name in out, out
    assert "cannot be checked" not in out
    code, out, _ = cli("person", "withdraw", "Tom Reyes", "--json")
    assert code == 2  # final: once


def test_cli_withdrawal_respects_the_stretch_the_person_is_in(cli, exported):
    film, paths = exported
    for name, start, end in (("Tom Reyes", "2.5", "3.5"), ("Ann Lee", "1.5", "3")):
        assert cli("person", "add", name, "--role", "actor", "--consent", "team")[0] == 0
        assert cli("person", "appears", name, film, "--from", start, "--to", end)[0] == 0
    code, out, _ = cli("person", "withdraw", "Tom Reyes", "--json")  # after the clip ends: never on it
    assert code == 0 and records(out)[0]["exports"] == [] and records(out)[0]["unchecked"] == []
    code, out, _ = cli("person", "withdraw", "Ann Lee", "--json")  # overlaps the clip
    assert sorted(e["path"].rsplit(".", 1)[1] for e in records(out)[0]["exports"]) == sorted(FORMATS)
    assert {e["found"] for e in records(out)[0]["exports"]} == {"film"}


def test_cli_older_log_entries_are_checked_by_their_clips_or_said_uncheckable(cli, exported):
    """Entries logged before the log kept film times: found by their clip as it is now while it
    exists; once it is deleted, the report says they cannot be checked (not "nothing")."""
    film, paths = exported
    lib = Library.open(cli.library)
    with lib.op("old log", undoable=False) as s:
        for e in s.query(ExportRecord):
            e.items_json = json.dumps([{k: v for k, v in i.items() if k != "source"} for i in json.loads(e.items_json)])
    lib.close()
    assert cli("person", "add", "Tom Reyes", "--role", "carer", "--consent", "team")[0] == 0
    assert cli("person", "appears", "Tom Reyes", film)[0] == 0
    code, out, _ = cli("person", "withdraw", "Tom Reyes")
    assert code == 0 and "by its clips' times as they are now" in out and paths[0].name in out

    assert cli("person", "add", "Ann Lee", "--role", "actor", "--consent", "team")[0] == 0
    assert cli("person", "appears", "Ann Lee", film)[0] == 0
    code, _, err = cli("clip", "delete", "Waiting room", "--from-reels")
    assert code == 0, err
    code, out, err = cli("person", "withdraw", "Ann Lee")
    assert code == 0, err
    assert "Already exported: nothing" not in out
    assert "Exports made before" in out and "cannot be checked" in out
    for path in paths:
        assert path.name in out


def test_a_showing_before_the_appearance_was_recorded_is_listed(lib, counting_film):
    film = importing.import_file(lib, counting_film).film_id
    clip = clips.add(lib, film, 0, 1_000_000, title="Front desk")
    review = reviews.start(lib, clip_ids=[clip], audience="collaborative", title="Breakfast")
    (item,) = review_records.detail(lib, review).items
    assert reviews.show_item(lib, review, item.id, log=True).logged
    people.add(lib, "Tom Reyes", "lived_experience", "collaborative")
    people.appears(lib, "Tom Reyes", [film], ranges=[(500_000, 2_000_000)])
    report = people.withdraw(lib, "Tom Reyes")
    assert [(e["kind"], e["subject"]) for e in report["exports"]] == [("showing", "Breakfast")]
    assert report["reviews"][0]["shown"] is True
