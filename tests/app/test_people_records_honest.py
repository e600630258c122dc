"""What a newcomer found confusing about people (session 4): a withdrawal shown as "consent:
none", undated or future consent records, a second withdrawal moving the date, and
``clips --person`` listing clips outside the stretches a person appears in."""

import datetime as dt
import json
from fractions import Fraction

import pytest

from app import queries
from app.cli import main as cli
from app.ways_out import consent_policy
from app.reels import reel_plan
from app.clips import clips
from app.films import importing
from app.people import people
from app.reels import reels
from media import timecode
from media.errors import BadInput
from tests.app.test_consent_leaks import two_films  # noqa: F401

FPS = Fraction(25)


def _run(lib, capsys, *args):
    code = cli.main([*args, "--library", str(lib.root), "--json"])
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_a_withdrawal_is_said_as_a_withdrawal_not_as_no_consent(lib, two_films):
    film = importing.import_file(lib, two_films[0]).film_id
    clip = clips.add(lib, film, 0, 1_000_000, title="Kitchen")
    people.add(lib, "Bob Smith", "lived_experience", "team")
    people.appears(lib, "Bob Smith", [film])
    people.withdraw(lib, "Bob Smith")
    reel = reels.create(lib, "R", [clip], audience="collaborative")
    (decision,) = consent_policy.check_clips(lib, "collaborative", [clip]).decisions
    (reason,) = decision.reasons
    assert reason == "Bob Smith withdrew consent" and "consent: none" not in reason


def test_consent_without_a_date_is_dated_today_and_a_future_date_is_refused(lib, capsys):
    code, (rec,), _ = _run(lib, capsys, "person", "add", "Ann", "--role", "carer", "--consent", "team")
    assert code == 0 and rec["history"][0]["given_on"] == dt.date.today().isoformat()
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    code, _, err = _run(lib, capsys, "person", "consent", "Ann", "public", "--date", future)
    assert code == 2 and "in the future" in err and err.count("\n") == 1
    code, (rec,), _ = _run(lib, capsys, "person", "show", "Ann")
    assert [h["scope"] for h in rec["history"]] == ["team"]  # nothing was added


def test_a_second_withdrawal_is_refused_and_keeps_the_first_date(lib, capsys):
    people.add(lib, "Bob Smith", "lived_experience", "team")
    people.withdraw(lib, "Bob Smith", on="2026-11-01")
    _code, (before,), _ = _run(lib, capsys, "person", "show", "Bob Smith")
    with pytest.raises(BadInput, match="already withdrawn"):
        people.withdraw(lib, "Bob Smith")
    code, _, err = _run(lib, capsys, "person", "withdraw", "Bob Smith")
    assert code == 2 and "already withdrawn" in err
    _code, (after,), _ = _run(lib, capsys, "person", "show", "Bob Smith")
    assert after == before


def test_clips_by_person_respect_the_stretches_they_appear_in(lib, two_films):
    film = importing.import_file(lib, two_films[0]).film_id
    f = timecode.frame_start_us
    before = clips.add(lib, film, f(0, FPS), f(20, FPS), title="Before she comes in")
    during = clips.add(lib, film, f(60, FPS), f(90, FPS), title="She speaks")
    edge = clips.add(lib, film, f(40, FPS), f(50, FPS), title="Ends as she comes in")  # half-open: not hers
    people.add(lib, "Fay Green", "lived_experience", "none")
    people.appears(lib, "Fay Green", [film], ranges=[(f(50, FPS), f(100, FPS))])
    with lib.read() as s:
        found = queries.clip_ids(s, queries.ClipFilter(person_ids=[people_id(lib, "Fay Green")]))
    assert found == [during]
    people.appears(lib, "Fay Green", [film])  # the whole film now
    with lib.read() as s:
        found = queries.clip_ids(s, queries.ClipFilter(person_ids=[people_id(lib, "Fay Green")]))
    assert sorted(found) == sorted([before, during, edge])


def people_id(lib, name):
    from app import lookup

    with lib.read() as s:
        return lookup.person(s, name).id


def test_a_duplicate_imported_into_an_event_joins_it_when_it_had_none(lib, two_films, tmp_path, capsys):
    import shutil

    code, _, _ = _run(lib, capsys, "import", str(two_films[0]))
    assert code == 0
    renamed = tmp_path / "same-content.mp4"
    shutil.copy(two_films[0], renamed)
    code, (rec,), _ = _run(lib, capsys, "import", str(renamed), "--event", "Living well day 1")
    assert code == 0 and rec["already_in_library"] and rec["event"] == "Living well day 1"
    code = cli.main(["import", str(renamed), "--event", "Another day", "--library", str(lib.root)])
    line = capsys.readouterr().out
    assert code == 0 and "in event 'Living well day 1', left there" in line



def test_joining_an_event_is_one_undoable_step(lib, two_films):
    from app.films import events, importing

    film = importing.import_file(lib, two_films[0]).film_id
    assert events.adopt(lib, [film], "Day 1") == {film: "now in event 'Day 1'"}
    lib.undo()
    with lib.read() as s:
        assert queries.film_records(s, lib, [film])[0].event in (None, "")


def test_a_mistyped_tag_is_refused_with_the_near_one_not_created(lib, two_films, capsys):
    from app.codebook import codebook

    film = importing.import_file(lib, two_films[0]).film_id
    with lib.op("tag") as s:
        codebook.get_or_create(s, "Not being listened to", "challenge")
    code = cli.main(["clip", "add", str(film), "--start", "0", "--end", "1", "--tag", "challenge:Not listened to",
                     "--library", str(lib.root)])
    err = capsys.readouterr().err
    assert code == 2 and "closest: 'challenge:Not being listened to'" in err and err.count("\n") == 1
    code, tags, _ = _run(lib, capsys, "tags")
    assert [t["name"] for t in tags if t["kind"] == "challenge"].count("Not listened to") == 0
    # A name said to be new (--new-tag) is created, as the README says.
    code, (clip,), _ = _run(lib, capsys, "clip", "add", str(film), "--start", "0", "--end", "1",
                            "--new-tag", "challenge:Stigma at the front desk")
    assert code == 0 and {"name": "Stigma at the front desk", "kind": "challenge"} in clip["tags"]


def test_a_reel_beyond_consent_is_said_at_creation_and_in_the_list(lib, two_films, capsys):
    film = importing.import_file(lib, two_films[0]).film_id
    clip = clips.add(lib, film, 0, 1_000_000, title="Kitchen")
    people.add(lib, "Bob Smith", "lived_experience", "team")
    people.appears(lib, "Bob Smith", [film])
    code = cli.main(["reel", "create", "Breakfast", "--clip", str(clip), "--audience", "collaborative",
                     "--library", str(lib.root)])
    captured = capsys.readouterr()
    assert code == 0 and "(1 clip, for collaborative)" in captured.out
    assert "cannot go out to a collaborative audience" in captured.err and "--anonymise" in captured.err
    code, (reel,), _ = _run(lib, capsys, "reels")
    assert "Bob Smith (consent: team) did not consent" in reel["cannot_go_out"]
    code = cli.main(["reel", "create", "Team only", "--clip", str(clip), "--library", str(lib.root)])
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""


def test_no_consent_given_explicitly_is_a_dated_decision_not_a_missing_record(lib, capsys):
    code, (rec,), _ = _run(lib, capsys, "person", "add", "Ash", "--role", "staff", "--consent", "none")
    assert code == 0
    (first,) = rec["history"]
    assert first["given_on"] == dt.date.today().isoformat() and first["scope"] == "none"
    assert "no consent recorded" not in json.dumps(rec)
