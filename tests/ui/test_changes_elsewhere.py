"""A command typed in a terminal while the window is open shows in the window: a newcomer
added and withdrew people and made reels from the command line, and the open window kept
saying there were no people and every reel was fine."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(lib, *args):
    subprocess.run([sys.executable, "-m", "app.cli", *args, "--library", str(lib.root)], cwd=ROOT, check=True,
                   capture_output=True)


def test_people_reels_and_clips_made_on_the_command_line_show_in_the_open_window(qtbot, film_window):
    w = film_window
    names = lambda: [w.people_panel.list.item(i).text() for i in range(w.people_panel.list.count())]  # noqa: E731
    assert not any("Bob Smith" in n for n in names())
    w.player.seek_us(2_000_000)
    qtbot.waitUntil(lambda: abs(w.player.position_us - 2_000_000) < 50_000, timeout=5000)
    place = w.player.position_us
    cli(w.lib, "person", "add", "Bob Smith", "--role", "lived experience", "--consent", "team")
    cli(w.lib, "person", "appears", "Bob Smith", str(w.film_id))
    cli(w.lib, "clip", "add", str(w.film_id), "--start", "0.2", "--end", "1.0", "--title", "Typed in a terminal")
    cli(w.lib, "reel", "create", "From the terminal", "--clip", "Typed in a terminal", "--audience", "collaborative")
    qtbot.waitUntil(lambda: any("Bob Smith" in n for n in names()), timeout=5000)  # the poll, not a call
    qtbot.waitUntil(lambda: w.reel_builder.reel_box.findText("From the terminal", flags_contains()) >= 0, timeout=5000)
    # one view per event-loop turn; the message comes when all have read
    qtbot.waitUntil(lambda: "changed outside this window" in w.feedback.last_text, timeout=5000)
    assert len(w.clip_list.model.ids) == 1 and len(w.timeline.clips) == 1
    assert w.player.film.id == w.film_id and w.player.position_us == place  # the film on screen keeps its place
    flags = lambda: [w.people_panel.flags.item(i).text() for i in range(w.people_panel.flags.count())]  # noqa: E731
    # the views read one per event-loop turn: the People panel's flags come a turn or two after the reels
    qtbot.waitUntil(lambda: any("From the terminal" in f and "did not consent" in f for f in flags()), timeout=5000)
    cli(w.lib, "person", "withdraw", "Bob Smith")
    qtbot.waitUntil(lambda: any("From the terminal" in f and "withdrew consent" in f for f in flags()), timeout=5000)


def test_catching_up_reads_one_view_per_event_loop_turn(qtbot, film_window, monkeypatch):
    """Every view reads again after a change made outside, but not all in one turn of the event
    loop (on a big library that held the window up): the call itself reads only the library."""
    from app import reads

    w = film_window
    seen = []
    for name in ("films", "clip_page", "film_clips", "reviews"):
        real = getattr(reads, name)
        monkeypatch.setattr(reads, name, lambda *a, _n=name, _r=real, **k: (seen.append(_n), _r(*a, **k))[1])
    w.catch_up()
    assert seen == ["films"]  # the library's films; the clip list, timeline and reviews in later turns
    qtbot.waitUntil(lambda: "changed outside this window" in (w.feedback.last_text or ""), timeout=5000)
    assert {"clip_page", "film_clips", "reviews"} <= set(seen)  # the clip list reads its first rows


def test_our_own_changes_are_not_taken_for_someone_elses(qtbot, film_window):
    from app.people import people

    w = film_window
    people.add(w.lib, "Ann", "carer", "team")
    assert not w.bridge.look_outside()


def flags_contains():
    from PySide6.QtCore import Qt

    return Qt.MatchFlag.MatchContains
