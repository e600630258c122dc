"""The clip list on a library of more clips than it reads at once: rows come a page at a time as
the view scrolls, a search typed is read off the GUI thread, a clip made or undone moves only its
own row, and the list always shows what the command line's query finds, in the same order."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import queries, reads
from app.clips import clips, listing
from app.models import Clip, Film
from app.queries import ClipFilter
from ui.kit.saying import plural

WORDS = ("queue", "letter", "phone", "carer", "desk")


def _many_clips(w, n=3 * listing.PAGE + 50):
    """``n`` clips over two films: the open one and a second film (its title sorts first)."""
    with w.lib.op("Test clips", undoable=False) as s:
        film = s.get(Film, w.film_id)
        facts = {c.key: getattr(film, c.key) for c in Film.__table__.columns
                 if c.key not in ("id", "sha256", "title", "imported_at", "event_id")}
        other = Film(**facts, sha256="f" * 64, title="Aardvark day")
        s.add(other)
        s.flush()
        for i in range(n):
            film_id = other.id if i % 3 == 0 else w.film_id
            start = (i * 7_919) % 3_000_000
            s.add(Clip(film_id=film_id, start_us=start, end_us=start + 500_000,
                       title=f"{WORDS[i % 5]} {i}", note=f"{WORDS[(i * 2) % 5]} note", quote=""))
        other_id = other.id
    return other_id


def cli_ids(w, filt=ClipFilter()):
    with w.lib.read() as s:
        return queries.clip_ids(s, filt)


def settle(qtbot, model):
    qtbot.waitUntil(lambda: not model.pending and model.total is not None, timeout=10_000)


def scroll_to_end(qtbot, w):
    """Drag the list's scroll bar to its end until no more rows come."""
    bar = w.clip_list.view.verticalScrollBar()
    for _ in range(100):
        bar.setValue(bar.maximum())
        qtbot.wait(5)
        if not w.clip_list.model.canFetchMore():
            return
    raise AssertionError("the list kept fetching")


def test_rows_come_a_page_at_a_time_as_the_view_scrolls(qtbot, film_window):
    w = film_window
    _many_clips(w)
    model = w.clip_list.model
    settle(qtbot, model)
    everything = cli_ids(w)
    assert len(everything) == 3 * listing.PAGE + 50
    assert listing.PAGE <= model.rowCount() < len(everything)  # not the whole library at once
    assert model.ids == everything[:model.rowCount()]  # the same order as the command line's
    assert w.clip_list.count.text() == plural(len(everything), "clip")  # counted, not the rows read
    scroll_to_end(qtbot, w)
    assert model.ids == everything
    assert model.record(model.rowCount() - 1).id == everything[-1]


def test_typing_a_search_shows_its_clips_and_clearing_it_shows_all(qtbot, film_window):
    w = film_window
    _many_clips(w)
    cl, model = w.clip_list, w.clip_list.model
    cl.search.setFocus()
    QTest.keyClicks(cl.search, "car")
    QTest.keyClicks(cl.search, "er")  # a keystroke more before the first read is shown
    qtbot.waitUntil(lambda: model.filter.text == "carer", timeout=10_000)
    settle(qtbot, model)
    wanted = cli_ids(w, ClipFilter(text="carer"))
    assert 0 < len(wanted) and cl.count.text() == plural(len(wanted), "clip")
    scroll_to_end(qtbot, w)
    assert model.ids == wanted
    assert all("carer" in (model.record(r).title + model.record(r).note) for r in range(model.rowCount()))
    QTest.keyClick(cl.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(cl.search, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: model.filter.text == "", timeout=10_000)
    settle(qtbot, model)
    assert cl.count.text() == plural(len(cli_ids(w)), "clip")
    assert model.ids == cli_ids(w)[:model.rowCount()]


def test_a_newer_search_supersedes_one_still_being_read(qtbot, film_window):
    w = film_window
    _many_clips(w)
    model = w.clip_list.model
    model.set_filter(ClipFilter(text="queue"), wait=False)
    model.set_filter(ClipFilter(text="desk"), wait=False)
    settle(qtbot, model)
    qtbot.wait(50)  # nothing late arrives to put the older search back
    assert model.filter.text == "desk"
    assert model.ids == cli_ids(w, ClipFilter(text="desk"))[:model.rowCount()]


def test_making_and_undoing_a_clip_moves_only_its_row(qtbot, film_window, monkeypatch):
    w = film_window
    other = _many_clips(w)
    model = w.clip_list.model
    settle(qtbot, model)
    before = list(model.ids)
    total = model.total
    pages = []
    real_page = reads.clip_page
    monkeypatch.setattr(reads, "clip_page", lambda *a, **k: (pages.append(a), real_page(*a, **k))[1])
    made = w.runner.run(lambda lib: clips.add(lib, other, 1, 400_000, title="Made now"), say="Made a clip.")
    assert pages == []  # the list was not read again
    assert model.ids == cli_ids(w)[:len(before) + 1] and made in model.ids  # in its place
    settle(qtbot, model)
    assert w.clip_list.count.text() == plural(total + 1, "clip")
    w.activateWindow()
    QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Edit → Undo
    qtbot.waitUntil(lambda: made not in model.ids, timeout=5000)
    assert pages == [] and model.ids == before
    settle(qtbot, model)
    assert w.clip_list.count.text() == plural(total, "clip")


def test_a_clip_chosen_past_the_rows_read_is_brought_into_the_list(qtbot, film_window):
    w = film_window
    _many_clips(w)
    model = w.clip_list.model
    settle(qtbot, model)
    last = cli_ids(w)[-1]
    assert last not in model.ids
    w.selection.select(last)  # as a click on the timeline does
    rows = w.clip_list.view.selectionModel().selectedRows()
    assert [model.ids[i.row()] for i in rows] == [last]
    assert model.ids == cli_ids(w)[:model.rowCount()]


def _threads_of(monkeypatch, name):
    """The threads ``reads.<name>`` is called on from now."""
    import threading

    seen = []
    real = getattr(reads, name)
    monkeypatch.setattr(reads, name, lambda *a, **k: (seen.append(threading.current_thread()), real(*a, **k))[1])
    return seen


def test_a_tags_clips_from_the_codebook_are_read_off_the_gui_thread(qtbot, film_window, monkeypatch):
    """A double-click on a tag in the codebook shows its clips, read off the GUI thread with the
    records of the rows a view draws first (issue 29: 65 ms of the window at 100,000 clips)."""
    import threading

    from app import lookup

    w = film_window
    _many_clips(w)
    with w.lib.read() as s:
        tag_id = lookup.tag(s, "Peer support").id
    tagged = [i for n, i in enumerate(cli_ids(w)) if n % 4 == 0]
    clips.add_tag(w.lib, tagged, tag_id)
    model = w.clip_list.model
    settle(qtbot, model)
    pages, records = _threads_of(monkeypatch, "clip_page"), _threads_of(monkeypatch, "clips")
    w.show_dock("codebook")
    tree = w.codebook_panel.tree
    item = next(i for i in w.codebook_panel._tag_items() if i.data(0, Qt.ItemDataRole.UserRole) == tag_id)
    tree.scrollToItem(item)
    where = tree.visualItemRect(item).center()
    where.setX(tree.visualRect(tree.indexFromItem(item, 1)).center().x())  # the count column: not an edit
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    QTest.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    assert model.pending  # asked for, not read on the GUI thread
    wanted = cli_ids(w, ClipFilter(tags_all=[tag_id]))
    qtbot.waitUntil(lambda: model.filter.tags_all == [tag_id] and not model.pending, timeout=10_000)
    assert pages and threading.main_thread() not in pages
    assert model.ids == wanted[:model.rowCount()] and set(wanted) <= set(tagged)
    shown = min(model.rowCount(), 20)  # the first screen's records came with the rows
    assert all(model.ids[r] in model._rows for r in range(shown))
    records.clear()
    assert [model.index(r, 0).data() for r in range(shown)] == [reads.clip(w.lib, i).title for i in model.ids[:shown]]
    assert threading.main_thread() not in records[:-shown]  # (reads.clip above is the test's own)
    assert w.clip_list.count.text() == plural(len(wanted), "clip")


def test_catching_up_reads_the_clip_list_off_the_gui_thread_and_shows_the_change(qtbot, film_window, monkeypatch):
    """A clip renamed by another process: catching up reads the list's rows and their records
    off the GUI thread (issue 29) and the row shows the new title."""
    import threading

    from app.library import Library

    w = film_window
    _many_clips(w)
    model = w.clip_list.model
    settle(qtbot, model)
    first = model.ids[0]
    assert model.index(0, 0).data() != "Renamed elsewhere"
    with Library.open(w.lib.root) as other:
        clips.update(other, first, title="Renamed elsewhere")
    pages = _threads_of(monkeypatch, "clip_page")
    w.catch_up()
    qtbot.waitUntil(lambda: "changed outside this window" in (w.feedback.last_text or ""), timeout=5000)
    qtbot.waitUntil(lambda: not model.pending, timeout=5000)
    assert pages and threading.main_thread() not in pages
    assert model.ids[0] == first and model.index(0, 0).data() == "Renamed elsewhere"
    assert model.ids == cli_ids(w)[:model.rowCount()]
