"""The breakfast review on screen (offscreen, one screen): every key, the card sequence, the
withheld card, notes, marks and actions captured as typed."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.reviews import present_sequence as seq
from app.reviews import review_records
from app.clips import clips
from app.films import importing
from app.people import people
from app.reviews import reviews
from tests.media_factory import read_index
from tests.ui.helpers import image_array, pump, wait_until

QUESTION = "What would have helped here?"


def stock(lib, counting_film):
    """Three clips of the counting film; the third shows someone with team-only consent on
    a second copy of the film (so it is withheld from a collaborative meeting)."""
    import shutil

    second = lib.root.parent / "second.mp4"
    shutil.copy(counting_film, second)
    with open(second, "ab") as fh:
        fh.write(b"\0" * 16)
    a = importing.import_file(lib, counting_film, event="Workshop 3").film_id
    b = importing.import_file(lib, second, event="Workshop 3").film_id
    waiting = clips.add(lib, a, 0, 1_000_000, title="Waiting room", tags=["challenge:Not being listened to"],
                        note="She waits 20 minutes", quote="Take a seat")
    carer = clips.add(lib, b, 0, 1_000_000, title="Carer at the door")
    desk = clips.add(lib, a, 2_000_000, 3_000_000, title="Front desk", tags=["opportunity:One point of contact"])
    people.add(lib, "Pat Carmody", "carer", "team")
    people.appears(lib, "Pat Carmody", [b])
    return [waiting, carer, desk]


@pytest.fixture
def show(qtbot, lib, counting_film):
    from ui.present.session import Presentation

    ids = stock(lib, counting_film)
    review_id = reviews.start(lib, clip_ids=ids, audience="collaborative")
    first = review_records.detail(lib, review_id).items[0]
    reviews.set_discuss(lib, first.id, QUESTION)
    pres = Presentation(lib, review_id).start()
    pres.clip_ids = ids
    yield pres
    pres.leave()


def kinds(pres):
    return [(s.kind, s.item) for s in pres.slides]


def key(pres, k, text=""):
    QTest.keyClick(pres.audience, k)
    pump(20)


def test_card_sequence_with_withheld_card_and_discuss_card(show):
    assert kinds(show) == [("card", 0), ("clip", 0), ("discuss", 0), ("withheld", 1), ("card", 2), ("clip", 2),
                           ("end", 3)]
    a = show.audience
    assert show.overlay and a.cursor().shape() == Qt.CursorShape.BlankCursor
    assert a.isFullScreen()
    seen = []
    for _ in range(len(show.slides) - 1):
        seen.append(a.slide.kind)
        key(show, Qt.Key.Key_Space)
    seen.append(a.slide.kind)
    assert seen == ["card", "clip", "discuss", "withheld", "card", "clip", "end"]
    key(show, Qt.Key.Key_Space)  # past the end: stays on the end card
    assert a.slide.kind == "end"


def test_withheld_card_never_plays_or_names(show):
    show.go(3)
    assert show.audience.slide.kind == seq.WITHHELD
    image = show.audience.grab().toImage()
    assert not show.audience.has_picture() and not show.playback.is_playing()
    assert "Pat Carmody" in show.presenter.clip_notes.text()  # the facilitator knows why; the room does not
    assert image.width() > 0


def test_clip_plays_with_captions_and_stops_on_its_last_frame(show):
    key(show, Qt.Key.Key_Right)  # card -> clip 1 (frames 0-24 of a 25 fps film)
    assert show.audience.slide.kind == "clip"
    wait_until(show.audience.has_picture)
    # Plays to its end, then the discuss card comes up by itself.
    wait_until(lambda: show.audience.slide.kind == "discuss", 8000)
    from ui.present.audience import caption_px

    assert caption_px(show.audience.height()) >= show.audience.height() / 18


def test_every_key(show):
    a, K = show.audience, Qt.Key
    key(show, K.Key_PageDown)
    assert a.slide.kind == "clip"
    key(show, K.Key_PageUp)
    assert a.slide.kind == "card"
    key(show, K.Key_Right)
    key(show, K.Key_Left)
    assert a.slide.kind == "card"
    key(show, K.Key_Space)
    wait_until(show.audience.has_picture)
    key(show, K.Key_P)
    assert show.paused and a.paused and not show.playback.is_playing()
    key(show, K.Key_P)
    assert not show.paused
    key(show, K.Key_B)
    assert a.blackout and not show.playback.is_playing()
    image = a.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).name() == "#000000"
    key(show, K.Key_F5)  # the clicker's "resume": out of the blackout
    assert not a.blackout
    key(show, K.Key_B)
    key(show, K.Key_B)
    assert not a.blackout
    show.go(4)  # the card of the third clip
    key(show, K.Key_R)  # replay: to its clip, from its start
    assert a.slide.kind == "clip" and a.slide.item == 2
    wait_until(a.has_picture)
    index = read_index(image_array(a.current_image()))
    assert 50 <= index < 75  # frames of 2.0-3.0 s: this clip's, not the first one's
    key(show, K.Key_Tab)
    assert show.presenter.isVisible()
    key(show, K.Key_Tab)
    assert not show.presenter.isVisible()
    key(show, K.Key_Escape)
    assert not show.active and not a.isVisible()
    assert review_records.detail(show.lib, show.review_id).review.ended_at is not None


def test_notes_marks_and_actions_are_saved_as_typed(show, qtbot):
    waiting = show.clip_ids[0]
    key(show, K := Qt.Key.Key_Tab)
    p = show.presenter
    p.note.setFocus()
    QTest.keyClicks(p.note, "Nobody looked up")
    QTest.keyClick(p.note, Qt.Key.Key_Space)  # typing, not "next"
    assert show.audience.slide.kind == "card"
    QTest.keyClicks(p.note, "at her")
    wait_until(lambda: review_records.detail(show.lib, show.review_id).items[0].note == "Nobody looked up at her",
               2000)
    QTest.keyClick(p.note, Qt.Key.Key_PageDown)  # the clicker moves on even while typing
    assert show.audience.slide.kind == "clip"
    QTest.keyClick(p.note, Qt.Key.Key_Escape)  # leaves the field...
    assert show.active
    for text in "1121":
        QTest.keyClicks(show.audience, text)
    p.mark_buttons["action"].click()
    marks = review_records.detail(show.lib, show.review_id).items[0].marks
    assert marks == {"matters": 3, "surprising": 1, "action": 1}
    assert p.mark_buttons["matters"].text() == "This matters (3)"
    p.action_text.setFocus()
    QTest.keyClicks(p.action_text, "Greet people at the door")
    QTest.keyClicks(p.action_owner, "Jo")
    QTest.keyClicks(p.action_due, "2026-12-1")  # half-typed: kept for when it is whole
    wait_until(lambda: review_records.detail(show.lib, show.review_id).actions, 2000)
    QTest.keyClicks(p.action_due, "0")
    wait_until(lambda: review_records.detail(show.lib, show.review_id).actions[0].due == "2026-12-10", 2000)
    (action,) = review_records.detail(show.lib, show.review_id).actions
    assert (action.text, action.owner, action.clip_id) == ("Greet people at the door", "Jo", waiting)
    QTest.keyClick(p.action_text, Qt.Key.Key_Return)  # the next action
    QTest.keyClicks(p.action_text, "Ask the GP")
    wait_until(lambda: len(review_records.detail(show.lib, show.review_id).actions) == 2, 2000)
    assert p.actions.count() == 2


def test_a_clip_flagged_as_distressing_gets_a_content_warning_before_it(qtbot, lib, counting_film):
    from app.clips import safeguarding
    from ui.present.session import Presentation

    ids = stock(lib, counting_film)
    safeguarding.flag(lib, [ids[2]], note="A crisis is shown")
    pres = Presentation(lib, reviews.start(lib, clip_ids=ids, audience="collaborative")).start()
    try:
        assert kinds(pres) == [("card", 0), ("clip", 0), ("withheld", 1), ("card", 2), ("warning", 2),
                               ("clip", 2), ("end", 3)]
        pres.go(4)
        assert pres.audience.slide.kind == seq.WARNING and not pres.playback.is_playing()
    finally:
        pres.leave()
