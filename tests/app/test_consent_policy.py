"""One consent check for every way out: reels in every format, evidence, review mode; time
ranges of appearances; the export log; safeguarding cards; the CLI for people."""

import json
from fractions import Fraction

import pytest

from app.ways_out import consent_policy
from app.prototypes import evidence
from app.models import ExportRecord
from app.clips import clips, safeguarding
from app.reels import export, reels
from app.films import importing
from app.people import people
from media import timecode
from media.errors import BadInput, ConsentRefused
from tests.app.test_consent_leaks import WAYS_OUT, board, exports_logged, out, two_films  # noqa: F401

FPS = Fraction(25)


@pytest.mark.parametrize("name", WAYS_OUT)
def test_every_reel_format_refuses_a_person_without_consent(board, out, name):
    lib, _proto, kitchen, desk = board
    reel = reels.create(lib, "Both", [desk, kitchen], audience="team")
    with pytest.raises(ConsentRefused) as err:
        export.export_reel(lib, reel, out / name)
    assert "Jane Realname (consent: none)" in str(err.value) and "'Kitchen talk'" in str(err.value)
    assert list(out.iterdir()) == [] and exports_logged(lib) == []


@pytest.mark.parametrize("name", ("r.otio", "r.edl", "r.srt", "r.vtt", "r.csv"))
def test_formats_that_point_at_the_plain_films_cannot_anonymise(board, out, name):
    lib, _proto, kitchen, _desk = board
    reel = reels.create(lib, "Kitchen", [kitchen], audience="team")
    with pytest.raises(BadInput) as err:
        export.export_reel(lib, reel, out / name, anonymise=True)
    assert "anonymising needs a video export" in str(err.value)
    assert list(out.iterdir()) == []


def test_a_withdrawal_is_not_lifted_by_anonymising(board, out):
    lib, _proto, kitchen, desk = board
    people.withdraw(lib, "Ali Other")
    reel = reels.create(lib, "Desk", [desk], audience="team")
    with pytest.raises(ConsentRefused) as err:
        export.export_reel(lib, reel, out / "r.mp4", anonymise=True)
    assert "Ali Other withdrew consent" in str(err.value) and list(out.iterdir()) == []


def test_review_mode_asks_the_same_check(board):
    lib, _proto, kitchen, desk = board
    result = consent_policy.check_clips(lib, "team", [kitchen, desk])
    assert result.allowed_ids == [desk] and not result.ok
    assert result.withheld == {kitchen: ["Jane Realname (consent: none) did not consent to a team audience"]}
    anonymised = consent_policy.check_clips(lib, "team", [kitchen, desk], anonymise=True)
    assert anonymised.ok and anonymised.anonymised_ids == [kitchen]
    assert [p.label for p in anonymised.decisions[0].anonymise] == ["lived experience"]


def test_an_appearance_in_a_time_range_leaves_clips_outside_it_alone(lib, two_films, out):
    kitchen = importing.import_file(lib, two_films[0]).film_id
    f = timecode.frame_start_us
    early = clips.add(lib, kitchen, f(0, FPS), f(20, FPS), title="Before she comes in")
    late = clips.add(lib, kitchen, f(60, FPS), f(90, FPS), title="She speaks")
    touching = clips.add(lib, kitchen, f(40, FPS), f(51, FPS), title="Overlaps by a frame")
    people.add(lib, "Jane Realname", "lived_experience", "none")
    people.appears(lib, "Jane Realname", [kitchen], ranges=[(f(50, FPS), f(100, FPS))])
    result = consent_policy.check_clips(lib, "team", [early, late, touching])
    assert result.allowed_ids == [early]
    assert export.export_reel(lib, reels.create(lib, "Early", [early]), out / "e.srt").exists()
    with pytest.raises(ConsentRefused):
        export.export_reel(lib, reels.create(lib, "Late", [late]), out / "l.srt")
    # Recorded again without a range: the whole film.
    people.appears(lib, "Jane Realname", [kitchen])
    assert consent_policy.check_clips(lib, "team", [early]).allowed_ids == []


def test_every_way_out_is_logged_with_who_when_audience_items_and_anonymisation(board, out):
    lib, proto, kitchen, desk = board
    reel = reels.create(lib, "Desk", [desk], audience="team")
    export.export_reel(lib, reel, out / "r.csv")
    evidence.write_csv(evidence.board(lib, proto), out / "e.csv", audience="team")
    with lib.read() as s:
        logged = s.query(ExportRecord).order_by(ExportRecord.id).all()
        rows = [(e.kind, e.subject, e.audience, e.format, bool(e.exported_by), e.created_at is not None,
                 json.loads(e.items_json)[0]["clip_id"], [p.person_id for p in e.people], e.anonymisation)
                for e in logged]
    ali = 2
    assert rows == [("reel", "Desk", "team", "csv", True, True, desk, [ali], ""),
                    ("evidence", "Welcome desk", "team", "csv", True, True, desk, [ali], "")]  # Jane's clip withheld


def test_a_reel_flag_names_why_it_cannot_go_out(board):
    from app.people.people_records import reel_flags

    lib, _proto, kitchen, desk = board
    fine = reels.create(lib, "Desk", [desk], audience="team")
    stuck = reels.create(lib, "Kitchen", [kitchen], audience="team")
    with lib.read() as s:
        assert reel_flags(s) == {stuck: "Jane Realname (consent: none) did not consent to a team audience"}
    people.withdraw(lib, "Ali Other")
    with lib.read() as s:
        assert reel_flags(s)[fine] == "Ali Other withdrew consent"


def test_a_safeguarding_flag_puts_a_content_warning_card_before_the_clip(board, out):
    lib, _proto, _kitchen, desk = board
    safeguarding.flag(lib, [desk], note="Talk of self-harm")
    assert safeguarding.warnings(lib, [desk]) == {desk: "Talk of self-harm"}
    reel = reels.create(lib, "Desk", [desk], audience="team")
    export.export_reel(lib, reel, out / "r.edl", cards=False)
    edl = (out / "r.edl").read_text()
    assert "warning" in edl.lower() or edl.count("\n") > 0
    from app.reels import reel_plan

    with lib.read() as s:
        plan = reel_plan.build(lib, s, reel, cards=False)
    assert [k for k, _i, _d in plan.segments()] == ["warning", "clip"]  # shown even with cards off
    safeguarding.flag(lib, [desk], on=False)
    assert safeguarding.warnings(lib, [desk]) == {}


def test_cli_people_consent_history_ranges_and_withdrawal(lib, two_films, out, capsys):
    from app.cli import main as cli

    def run(*args):
        code = cli.main([*args, "--library", str(lib.root), "--json"])
        captured = capsys.readouterr()
        return code, [json.loads(line) for line in captured.out.splitlines()], captured.err

    importing.import_file(lib, two_films[0])
    code, (rec,), _ = run("person", "add", "Jane Realname", "--role", "lived experience", "--consent", "team",
                          "--date", "2026-11-01", "--how", "written form", "--pseudonym", "Speaker A")
    assert code == 0 and rec["history"][0] == {**rec["history"][0], "scope": "team", "given_on": "2026-11-01",
                                               "how": "written form"}
    code, (rec,), _ = run("person", "appears", "Jane Realname", "kitchen", "--from", "00:01", "--to", "00:02.5")
    assert code == 0 and rec["appearances"][0]["ranges"] == [[1_000_000, 2_500_000]]
    code, _, err = run("person", "consent", "Jane Realname", "public", "--date", "31/12/2026")
    assert code == 2 and "YYYY-MM-DD" in err
    code, (report,), _ = run("person", "withdraw", "Jane Realname", "--date", "2026-11-20", "--note", "by email")
    assert code == 0 and report["withdrawn_at"] and report["exports"] == []
    code, (rec,), _ = run("person", "show", "Jane Realname")
    assert [(h["scope"], h["withdrawal"], h["given_on"]) for h in rec["history"]] == [
        ("team", False, "2026-11-01"), ("none", True, "2026-11-20")]


def test_a_review_showing_plays_only_what_consent_allows_and_is_logged(board):
    """What the presentation itself calls for every item (ui.present.session): not a helper
    that only a test calls."""
    from app.reviews import review_records, reviews

    lib, _proto, kitchen, desk = board
    review = reviews.start(lib, clip_ids=[kitchen, desk], audience="team", title="Breakfast 3 Dec")
    items = review_records.detail(lib, review).items
    shown = [reviews.show_item(lib, review, i.id, log=True) for i in items]
    assert [(s.withheld, s.logged) for s in shown] == [(True, False), (False, True)]
    report = people.withdraw(lib, "Ali Other")
    assert [(e["kind"], e["subject"]) for e in report["exports"]] == [("showing", "Breakfast 3 Dec")]
    again = reviews.start(lib, clip_ids=[kitchen, desk], audience="team", title="Breakfast 10 Dec")
    assert [reviews.show_item(lib, again, i.id, log=True).withheld
            for i in review_records.detail(lib, again).items] == [True, True]


def test_review_mode_withholds_a_restricted_person(board):
    from app.reviews import reviews

    lib, _proto, kitchen, desk = board
    review = reviews.start(lib, clip_ids=[kitchen, desk], audience="team")
    with lib.read() as s:
        from app.models import ReviewItem

        items = {i.clip_id: i for i in s.query(ReviewItem).filter(ReviewItem.review_id == review)}
    assert items[kitchen].withheld and not items[desk].withheld
    assert "Jane Realname (consent: none)" in items[kitchen].withheld_reason  # the presenter's screen only


def test_someone_with_no_consent_goes_out_only_with_face_and_voice_covered(board, out):
    import json

    lib, _proto, kitchen, desk = board
    reel = reels.create(lib, "Both", [kitchen, desk], audience="collaborative")
    path = export.export_reel(lib, reel, out / "r.mp4", anonymise=True)  # voice masking not asked for
    items = json.loads(export.manifest_path(path).read_text(encoding="utf-8"))["items"]
    # Jane (none) in the kitchen: face and voice; Ali (team, short of collaborative) at the desk: face only.
    assert [(i["faces_covered"], i["voice_masked"]) for i in items] == [("blur", True), ("blur", False)]


def test_the_export_dialog_is_told_that_a_voice_will_be_masked(board):
    from app.reels.reel_consent import reel_consent

    lib, _proto, kitchen, desk = board
    consent = reel_consent(lib, reels.create(lib, "Both", [kitchen, desk], audience="collaborative"))
    assert [c.who for c in consent.to_cover] == [["Jane Realname (no consent: face covered and voice masked)"],
                                                 ["Ali Other (consent: team)"]]
