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
    loop (on a big library that held the window up): the call itself reads nothing on the GUI
    thread; the library's films, the timeline's clips and the clip list's rows are read off it
    (issue 29), the other views' in later turns."""
    import threading

    from app import reads

    w = film_window
    seen = []
    for name in ("films", "clip_page", "film_clips", "reviews"):
        real = getattr(reads, name)
        monkeypatch.setattr(reads, name, lambda *a, _n=name, _r=real, **k: (
            seen.append((_n if len(a) == 1 or _n != "films" else "some films",  # every film, or a few named
                         threading.current_thread() is threading.main_thread())), _r(*a, **k))[1])
    w.catch_up()
    assert not [name for name, on_gui in seen if on_gui]
    qtbot.waitUntil(lambda: "changed outside this window" in (w.feedback.last_text or ""), timeout=5000)
    assert {"films", "clip_page", "film_clips", "reviews"} <= {name for name, _ in seen}
    assert {name for name, on_gui in seen if on_gui} <= {"reviews", "some films"}  # the big reads: off the GUI thread


def test_our_own_changes_are_not_taken_for_someone_elses(qtbot, film_window):
    from app.people import people

    w = film_window
    people.add(w.lib, "Ann", "carer", "team")
    assert not w.bridge.look_outside()


def flags_contains():
    from PySide6.QtCore import Qt

    return Qt.MatchFlag.MatchContains


def test_a_change_made_here_while_catching_up_reads_is_not_undone_by_them(qtbot, film_window, monkeypatch):
    """What catching up read off the GUI thread before a change made in this window is stale:
    the views read again rather than show it (the clip made meanwhile stays on the timeline)."""
    import threading

    from app import reads
    from app.clips import clips

    w = film_window
    gate, real = threading.Event(), reads.film_clips
    def film_clips(*a, **k):
        read = real(*a, **k)
        if threading.current_thread() is not threading.main_thread():
            gate.wait(5)  # read, not yet back on the GUI thread
        return read

    monkeypatch.setattr(reads, "film_clips", film_clips)
    w.catch_up()  # its reads wait off the GUI thread
    made = w.runner.run(lambda lib: clips.add(lib, w.film_id, 1_000_000, 2_000_000, title="Made meanwhile"),
                        say="Made a clip.")
    assert made in [c.id for c in w.timeline.clips]
    gate.set()
    qtbot.waitUntil(lambda: "changed outside this window" in (w.feedback.last_text or ""), timeout=5000)
    assert made in [c.id for c in w.timeline.clips]
    assert made in [f for f in w.clip_list.model.ids] or w.clip_list.model.pending
