"""The four leaks found by trying the consent promise as an attacker would, each as a test:
evidence exports skipped the check and the log; a withdrawal during an export lost to it;
undo brought a withdrawn consent back; real names left the library in exports."""

import datetime as dt
import json
import subprocess
import sys
from fractions import Fraction

import pytest

from app.prototypes import evidence
from app.models import ExportRecord
from app.clips import clips
from app.reels import export, reels
from app.films import importing
from app.people import people
from app.prototypes import prototypes
from app.ways_out import gate
from media import timecode
from media.errors import ConsentRefused, NothingToUndo
from tests.media_factory import make_counting_film

FPS = Fraction(25)
WAYS_OUT = ("r.mp4", "r.otio", "r.edl", "r.srt", "r.vtt", "r.csv")


@pytest.fixture(scope="module")
def two_films(tmp_path_factory):
    folder = tmp_path_factory.mktemp("consent-films")
    return (make_counting_film(folder / "kitchen.mp4", seconds=4, fps=FPS, gop=25, preset="veryfast"),
            make_counting_film(folder / "desk.mp4", seconds=3, fps=FPS, gop=25, preset="veryfast"))


@pytest.fixture
def board(lib, two_films):
    """Jane (no consent) is in the kitchen film; Ali (team) is at the desk."""
    kitchen = importing.import_file(lib, two_films[0]).film_id
    desk = importing.import_file(lib, two_films[1]).film_id
    f = timecode.frame_start_us
    k = clips.add(lib, kitchen, f(5, FPS), f(30, FPS), title="Kitchen talk", quote="I was scared")
    d = clips.add(lib, desk, f(0, FPS), f(20, FPS), title="At the desk", quote="Nobody asked")
    proto = prototypes.add(lib, "Welcome desk")
    prototypes.link(lib, proto, [k, d])
    lib.undo_stack.clear()  # what follows, the people's edits, can be undone
    people.add(lib, "Jane Realname", "lived_experience", "none")
    people.appears(lib, "Jane Realname", [kitchen])
    people.add(lib, "Ali Other", "carer", "team")
    people.appears(lib, "Ali Other", [desk])
    return lib, proto, k, d


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def exports_logged(lib):
    with lib.read() as s:
        return [(e.kind, e.audience, e.path, sorted(p.person_id for p in e.people)) for e in s.query(ExportRecord)]


def test_evidence_csv_and_report_withhold_a_person_without_consent_and_are_logged(board, out):
    lib, proto, kitchen, desk = board
    b = evidence.board(lib, proto)
    csv_text = evidence.write_csv(b, out / "e.csv", audience="team").read_text(encoding="utf-8")
    page = evidence.write_html(lib, b, out / "e.html", audience="team").read_text(encoding="utf-8")
    for text in (csv_text, page):
        assert "Kitchen talk" not in text and "I was scared" not in text  # Jane's clip stays out
        assert "At the desk" in text and "withheld" in text
    assert page.count("<img src='data:image/jpeg") == 1  # one still: Ali's clip only
    assert sorted(p.name for p in out.iterdir()) == ["e.csv", "e.html"]  # no stills folder beside it
    logged = exports_logged(lib)
    assert [(k, a) for k, a, _p, _ids in logged] == [("evidence", "team"), ("evidence", "team")]
    report = people.withdraw(lib, "Ali Other")
    assert sorted(e["path"] for e in report["exports"]) == sorted(str(out / n) for n in ("e.csv", "e.html"))


@pytest.mark.parametrize("name", WAYS_OUT)
def test_a_withdrawal_between_the_first_check_and_the_rename_wins(board, out, monkeypatch, name):
    lib, _proto, _kitchen, desk = board
    reel = reels.create(lib, "Desk", [desk], audience="team")
    first_look = gate.first_look

    def check_then_withdraw(lib_, exit_):
        result = first_look(lib_, exit_)  # passes: Ali consented to the team
        people.withdraw(lib, "Ali Other")  # ... and withdraws while the file is being written
        return result

    monkeypatch.setattr(gate, "first_look", check_then_withdraw)
    with pytest.raises(ConsentRefused) as err:
        export.export_reel(lib, reel, out / name)
    assert "Ali Other withdrew consent" in str(err.value) and "nothing was written" in str(err.value)
    assert list(out.iterdir()) == []
    assert exports_logged(lib) == []


def test_a_withdrawal_from_another_process_during_an_mp4_export_wins(board, out):
    lib, _proto, _kitchen, desk = board
    reel = reels.create(lib, "Desk", [desk], audience="team")
    withdrawn = []

    def progress(fraction, message=""):
        if not withdrawn and fraction > 0.05:
            done = subprocess.run([sys.executable, "-m", "app.cli", "person", "withdraw", "Ali Other", "--library",
                                   str(lib.root), "--json"], capture_output=True, text=True, timeout=120)
            withdrawn.append(json.loads(done.stdout))

    with pytest.raises(ConsentRefused):
        export.export_reel(lib, reel, out / "r.mp4", progress=progress)
    assert withdrawn and list(out.iterdir()) == [] and exports_logged(lib) == []


def test_an_export_published_before_a_withdrawal_is_in_its_report(board, out):
    lib, _proto, _kitchen, desk = board
    reel = reels.create(lib, "Desk", [desk], audience="team")
    export.export_reel(lib, reel, out / "r.srt")
    report = people.withdraw(lib, "Ali Other")
    assert [e["path"] for e in report["exports"]] == [str(out / "r.srt")]
    assert [r["title"] for r in report["reels"]] == ["Desk"]
    with pytest.raises(ConsentRefused):
        export.export_reel(lib, reel, out / "again.srt")


def test_undo_after_a_withdrawal_cannot_bring_the_consent_back(board, out):
    lib, _proto, _kitchen, desk = board
    people.give_consent(lib, "Ali Other", "public", "2026-11-02", "written form")  # undoable on its own
    people.withdraw(lib, "Ali Other")
    while True:  # undo everything that can be undone
        try:
            lib.undo()
        except NothingToUndo:
            break
    from app.people.people_records import person_records

    with lib.read() as s:
        (ali,) = [p for p in person_records(s) if p.name == "Ali Other"]
    assert ali.withdrawn and ali.consent == "none" and ali.appearances
    reel = reels.create(lib, "Desk", [desk], audience="team")
    with pytest.raises(ConsentRefused):
        export.export_reel(lib, reel, out / "r.srt")
    # Reinstating is a new, dated record, on purpose; the history keeps all of it.
    people.give_consent(lib, "Ali Other", "team", dt.date.today(), "written form", "asked to be back in")
    export.export_reel(lib, reel, out / "r.srt")
    with lib.read() as s:
        (ali,) = [p for p in person_records(s) if p.name == "Ali Other"]
    assert [(h.scope, h.withdrawal) for h in ali.history] == [
        ("team", False), ("public", False), ("none", True), ("team", False)]


def test_names_never_leave_the_library(board, out):
    lib, proto, kitchen, desk = board
    people.give_consent(lib, "Jane Realname", "public", "2026-11-03", "written form")
    people.give_consent(lib, "Ali Other", "public", "2026-11-03", "written form")
    people.edit(lib, "Ali Other", pseudonym="Carer B")
    reel = reels.create(lib, "Both", [kitchen, desk], audience="public")
    written = [export.export_reel(lib, reel, out / name) for name in WAYS_OUT]
    written.append(export.manifest_path(out / "r.mp4"))
    b = evidence.board(lib, proto)
    written.append(evidence.write_csv(b, out / "e.csv", audience="public"))
    written.append(evidence.write_html(lib, b, out / "e.html", audience="public"))
    for path in written:
        data = path.read_bytes()
        assert b"Realname" not in data and b"Jane" not in data and b"Ali" not in data, path.name
    rows = (out / "r.csv").read_text(encoding="utf-8")
    assert "lived experience" in rows and "Carer B" in rows
    manifest = json.loads(export.manifest_path(out / "r.mp4").read_text(encoding="utf-8"))
    assert [p["label"] for item in manifest["items"] for p in item["people"]] == ["lived experience", "Carer B"]
