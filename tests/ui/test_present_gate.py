"""Issue 21 with the real presentation window: the gate is asked for every item as it is shown.

The scripted check: a review is started, the person on its clip withdraws from another process
(the command line), then Reviews → Continue: the room gets the withheld card, never the clip;
`protoreel reviews` counts the item withheld; the withdrawal's report lists the review. And the
same for a withdrawal during the meeting, a flag set during it, and a reel's own cards."""

from __future__ import annotations

import json
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.clips import clips, safeguarding
from app.models import ExportRecord
from app.people import people
from app.reels import reels
from app.reviews import review_records, reviews
from app.reviews import present_sequence as seq
from tests.ui.helpers import pump, wait_until


def cli(lib, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args, "--library", str(lib.root)], capture_output=True,
                          text=True, timeout=180)


def next_slide(pres) -> None:
    """Space on the room's screen (keys go to the active window: wait until it is the audience's)."""
    wait_until(lambda: QApplication.activeWindow() is pres.audience or pres.audience.activateWindow(), 3000)
    QTest.keyClick(pres.audience, Qt.Key.Key_Space)
    pump(20)


def test_continue_after_a_withdrawal_from_another_process_shows_the_withheld_card(film_window, qtbot):
    w = film_window
    clip = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Waiting room")
    people.add(w.lib, "Jane Doe", "lived_experience", "collaborative")
    people.appears(w.lib, "Jane Doe", [w.film_id])
    review = reviews.start(w.lib, clip_ids=[clip], audience="collaborative", title="Lambeth role-play highlights")
    done = cli(w.lib, "person", "withdraw", "Jane Doe", "--json")  # before Thursday, from the command line
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r["title"] for r in report["reviews"]] == ["Lambeth role-play highlights"]
    from ui.people.people_panel import withdrawal_summary

    assert "Reviews with them: “Lambeth role-play highlights” of 20" in withdrawal_summary(report)

    w.show_dock("reviews")
    panel = w.reviews_panel
    wait_until(lambda: panel.tree.topLevelItemCount() == 1, 5000)  # the window saw the review
    panel.select(review)
    assert panel.current_id() == review
    QTest.mouseClick(panel.buttons["continue"], Qt.MouseButton.LeftButton)
    pres = w.presenting.presentation
    wait_until(lambda: pres is not None and pres.active, 5000)
    try:
        assert pres.audience.slide.kind == seq.WITHHELD  # the room's first sight: the withheld card
        assert [s.kind for s in pres.slides] == ["withheld", "end"]
        assert not pres.audience.has_picture() and not pres.playback.is_playing()
        assert "Jane Doe withdrew consent" in pres.presenter.clip_notes.text()
        next_slide(pres)
        assert pres.audience.slide.kind == seq.END
    finally:
        pres.leave()
    listed = cli(w.lib, "reviews", "--json")
    (record,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (record["withheld"], record["shown_items"]) == (1, 0)
    with w.lib.read() as s:
        assert s.query(ExportRecord).count() == 0  # nothing shown, nothing logged


def test_a_withdrawal_during_the_meeting_takes_effect_at_the_next_item_and_showings_are_logged(film_window, qtbot):
    from ui.present.session import Presentation

    w = film_window
    first = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Waiting room")
    second = clips.add(w.lib, w.film_id, 2_000_000, 3_000_000, title="Front desk")
    people.add(w.lib, "Kim Park", "actor", "collaborative")
    people.appears(w.lib, "Kim Park", [w.film_id], ranges=[(2_000_000, 3_000_000)])  # the second clip only
    review = reviews.start(w.lib, clip_ids=[first, second], audience="collaborative")
    pres = Presentation(w.lib, review, runner=w.runner, elsewhere=w.bridge.changed_elsewhere).start()
    try:
        assert pres.audience.slide.kind == seq.CARD
        next_slide(pres)  # the first clip plays: logged
        assert pres.audience.slide.kind == seq.CLIP
        assert cli(w.lib, "person", "withdraw", "Kim Park").returncode == 0  # while the first clip plays
        next_slide(pres)  # the next item: its card?
        assert pres.audience.slide.kind == seq.WITHHELD and pres.audience.slide.item == 1
        assert not pres.playback.is_playing()
    finally:
        pres.leave()
    with w.lib.read() as s:
        logged = [(e.kind, e.review_id, e.audience) for e in s.query(ExportRecord)]
    assert logged == [("showing", review, "collaborative")]  # the first clip; never the second
    detail = review_records.detail(w.lib, review)
    assert [i.withheld for i in detail.items] == [False, True] and detail.review.withheld == 1


def test_a_withdrawal_in_this_window_stops_the_clip_playing(film_window, qtbot):
    from ui.present.session import Presentation

    w = film_window
    clip = clips.add(w.lib, w.film_id, 0, 3_000_000, title="Long wait")
    people.add(w.lib, "Kim Park", "actor", "team")
    people.appears(w.lib, "Kim Park", [w.film_id])
    review = reviews.start(w.lib, clip_ids=[clip], audience="team")
    pres = Presentation(w.lib, review, runner=w.runner).start()
    try:
        next_slide(pres)
        assert pres.audience.slide.kind == seq.CLIP
        people.withdraw(w.lib, "Kim Park")  # the People panel, during the clip
        wait_until(lambda: pres.audience.slide.kind == seq.WITHHELD, 3000)
        assert not pres.playback.is_playing()
    finally:
        pres.leave()


def test_a_flag_set_during_the_meeting_puts_its_warning_before_the_clip(film_window, qtbot):
    from ui.present.session import Presentation

    w = film_window
    clip = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Crisis")
    review = reviews.start(w.lib, clip_ids=[clip], audience="team")
    pres = Presentation(w.lib, review, runner=w.runner).start()
    try:
        assert pres.audience.slide.kind == seq.CARD
        safeguarding.flag(w.lib, [clip], note="A crisis is shown")
        next_slide(pres)  # would have been the clip
        assert pres.audience.slide.kind == seq.WARNING and pres.audience.warning == "A crisis is shown"
        assert not pres.playback.is_playing()
        next_slide(pres)
        assert pres.audience.slide.kind == seq.CLIP
    finally:
        pres.leave()


def test_a_reel_is_presented_with_its_opening_card_and_its_own_item_cards(film_window, qtbot):
    from ui.present.session import Presentation

    w = film_window
    a = clips.add(w.lib, w.film_id, 0, 1_000_000, title="Waiting room", tags=["challenge:Not being listened to"])
    b = clips.add(w.lib, w.film_id, 2_000_000, 3_000_000, title="Front desk")
    reel = reels.create(w.lib, "Tuesday highlights", [a, b], audience="team")
    reels.update(w.lib, reel, subtitle="Lambeth, 3 December")
    item_ids = [i.id for i in reels_items(w.lib, reel)]
    reels.update_item(w.lib, item_ids[1], card_text="At the front desk, ten minutes later")
    review = reviews.start(w.lib, reel=reel, audience="team")
    pres = Presentation(w.lib, review, runner=w.runner).start()
    try:
        assert [(s.kind, s.item) for s in pres.slides] == [("opening", -1), ("clip", 0), ("card", 1), ("clip", 1),
                                                            ("end", 2)]
        a_ = pres.audience
        assert a_.slide.kind == seq.OPENING and a_.opening == ("Tuesday highlights", "Lambeth, 3 December")
        assert "opening card" in pres.presenter.now.text()
        next_slide(pres)
        assert a_.slide.kind == seq.CLIP
        next_slide(pres)
        assert a_.slide.kind == seq.CARD and a_.item.card == "At the front desk, ten minutes later"
    finally:
        pres.leave()


def reels_items(lib, reel):
    from app.models import Reel

    with lib.read() as s:
        return list(s.get(Reel, reel).items)
