"""Breakfast reviews in the core: running order, the consent check, what is typed, records."""

import pytest

from app.reviews import present_sequence as seq
from app.reviews import review_records
from app.clips import clips
from app.films import importing
from app.people import people
from app.prototypes import prototypes
from app.reels import reels
from app.reviews import reviews
from media.errors import BadInput


@pytest.fixture
def stocked(lib, tmp_path, counting_film):
    """Two films of one event: the first shows an actor (public consent), the second a carer
    who agreed to team review only. One clip on the first, none on the second."""
    import shutil

    second = tmp_path / "second.mp4"
    shutil.copy(counting_film, second)
    with open(second, "ab") as fh:  # another file (another hash), same pictures
        fh.write(b"\0" * 16)
    a = importing.import_file(lib, counting_film, event="Workshop 3").film_id
    b = importing.import_file(lib, second, event="Workshop 3").film_id
    waiting = clips.add(lib, a, 0, 2_000_000, title="Waiting room", tags=["challenge:Not being listened to"])
    desk = clips.add(lib, a, 2_000_000, 3_000_000, title="Front desk", note="She had to repeat herself")
    carer = clips.add(lib, b, 1_000_000, 2_000_000, title="Carer at the door")
    people.add(lib, "Sam Actor", "actor", "public")
    people.add(lib, "Pat Doyle", "carer", "team")
    people.appears(lib, "Sam Actor", [a])
    people.appears(lib, "Pat Doyle", [b])
    proto = prototypes.add(lib, "Welcome desk")
    prototypes.link(lib, proto, [waiting, carer])
    return {"films": (a, b), "clips": (waiting, desk, carer), "prototype": proto}


def test_consent_check_withholds_a_clip_for_the_meeting_not_for_the_team(lib, stocked):
    waiting, desk, carer = stocked["clips"]
    wide = review_records.detail(lib, reviews.start(lib, clip_ids=[waiting, carer], audience="collaborative"))
    assert [(i.title, i.withheld) for i in wide.items] == [("Waiting room", False), ("Carer at the door", True)]
    assert "Pat Doyle" in wide.items[1].withheld_reason and "collaborative" in wide.items[1].withheld_reason
    team = review_records.detail(lib, reviews.start(lib, clip_ids=[waiting, carer], audience="team"))
    assert [i.withheld for i in team.items] == [False, False]


def test_sources_reel_prototype_event(lib, stocked):
    waiting, desk, carer = stocked["clips"]
    reel = reels.create(lib, "Thursday", [desk, waiting])
    with lib.read() as s:
        from app.models import Reel
        first_item = s.get(Reel, reel).items[0].id
    reels.update_item(lib, first_item, discuss="What would have helped here?")
    r = review_records.detail(lib, reviews.start(lib, reel="Thursday"))
    assert r.review.source == "reel" and [i.title for i in r.items] == ["Front desk", "Waiting room"]
    assert [i.discuss for i in r.items] == ["What would have helped here?", ""]
    p = review_records.detail(lib, reviews.start(lib, prototype="Welcome desk", discuss="Does this fit?"))
    assert {i.title for i in p.items} == {"Waiting room", "Carer at the door"}
    assert all(i.discuss == "Does this fit?" for i in p.items)
    e = review_records.detail(lib, reviews.start(lib, event="Workshop 3"))
    # The first film's clips, then the second film's one clip (a film without clips is shown whole).
    assert [i.title for i in e.items] == ["Waiting room", "Front desk", "Carer at the door"]
    clips.delete(lib, [carer])
    e2 = review_records.detail(lib, reviews.start(lib, event="Workshop 3", audience="team"))
    whole = e2.items[-1]
    from app import queries
    with lib.read() as s:
        (film,) = queries.film_records(s, lib, [stocked["films"][1]])
    assert whole.clip_id is None and (whole.start_us, whole.end_us) == (0, film.duration_us) and not whole.withheld


def test_bad_input_names_the_thing(lib, stocked):
    with pytest.raises(BadInput, match="no such prototype"):
        reviews.start(lib, prototype="Nope")
    with pytest.raises(BadInput, match="team or collaborative"):
        reviews.start(lib, event="Workshop 3", audience="public")
    with pytest.raises(BadInput, match="give one of"):
        reviews.start(lib)
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        rid = reviews.start(lib, event="Workshop 3")
        reviews.add_action(lib, rid, "Call the GP", due="next week")


def test_notes_marks_actions_and_time_shown_are_kept(lib, stocked):
    waiting, desk, carer = stocked["clips"]
    rid = reviews.start(lib, clip_ids=[waiting, desk])
    reviews.set_note(lib, rid, waiting, "Nobody looked up")
    reviews.set_note(lib, rid, waiting, "Nobody looked up from the desk")  # replaced as typed
    reviews.set_note(lib, rid, None, "Good turnout")
    for kind in ("matters", "matters", "surprising"):
        reviews.add_mark(lib, rid, waiting, kind)
    reviews.add_mark(lib, rid, desk, "action")
    assert reviews.remove_mark(lib, rid, desk, "action") and not reviews.remove_mark(lib, rid, desk, "action")
    act = reviews.add_action(lib, rid, "Greet people at the door", owner="Jo", due="2026-12-10",
                             prototype_id="Welcome desk", clip_id=waiting)
    reviews.update_action(lib, act, owner="Jo and Ravi")
    d = review_records.detail(lib, rid)
    first = d.items[0]
    reviews.shown(lib, rid, first.id, 1_500_000, position=1)
    reviews.shown(lib, rid, first.id, 500_000, position=1)
    d = review_records.detail(lib, rid)
    assert d.items[0].note == "Nobody looked up from the desk" and d.meeting_note == "Good turnout"
    assert d.items[0].marks == {"matters": 2, "surprising": 1, "action": 0}
    assert d.items[1].marks == {"matters": 0, "surprising": 0, "action": 0}
    (a,) = d.actions
    assert (a.text, a.owner, a.due, a.prototype, a.clip) == (
        "Greet people at the door", "Jo and Ravi", "2026-12-10", "Welcome desk", "Waiting room")
    assert d.items[0].shown_us == 2_000_000 and d.review.last_position == 1
    with lib.read() as s:
        (rec,) = review_records.review_records(s, [rid])
    assert (rec.items, rec.shown_items, rec.notes, rec.marks, rec.actions) == (2, 1, 2, 3, 1)
    lib.undo()  # the last undo step: taking back the "action" mark (typed saves are not steps)
    assert review_records.detail(lib, rid).items[1].marks["action"] == 1
    reviews.delete_action(lib, act)
    lib.undo()
    assert review_records.detail(lib, rid).actions[0].owner == "Jo and Ravi"


def test_card_sequence_and_withheld(lib, stocked):
    waiting, desk, carer = stocked["clips"]
    rid = reviews.start(lib, clip_ids=[waiting, carer, desk])
    reviews.set_discuss(lib, review_records.detail(lib, rid).items[0].id, "What would have helped here?")
    items = review_records.detail(lib, rid).items
    slides = seq.slides(items)
    assert [(s.kind, s.item) for s in slides] == [
        ("card", 0), ("clip", 0), ("discuss", 0), ("withheld", 1), ("card", 2), ("clip", 2), ("end", 3)]
    assert seq.first_slide_of(slides, 2) == 4
    warned = seq.slides(items, warn=lambda item: item.title == "Front desk")
    assert [s.kind for s in warned][4:7] == ["card", "warning", "clip"]
