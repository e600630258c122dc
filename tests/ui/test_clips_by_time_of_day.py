"""The clip list finds "the 11:00 role-play": a facilitator types a time of day into the
Filmed at box and sees the clips filmed within half an hour of it, nearest first, with the
time each was filmed in its own column; the same query as `protoreel clips --at`."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app import queries
from app.clips import clips
from app.films import importing
from tests.media_factory import make_long_film


def phone_film(folder, name, local_start: str):
    """An iPhone-style film: its local recording time and zone (+01:00) in its own metadata."""
    return make_long_film(folder / f"{name}.mov", 20, size=(36, 64), creation_time="2026-11-28T00:00:00Z",
                          extra_metadata={"com.apple.quicktime.creationdate": f"2026-11-28T{local_start}+0100"})


def test_typing_a_time_of_day_shows_the_clips_filmed_around_then(qtbot, window, tmp_path):
    w = window
    paths = [phone_film(tmp_path, "morning", "10:50:00"), phone_film(tmp_path, "late morning", "11:25:00"),
             phone_film(tmp_path, "afternoon", "13:10:00")]
    ids = [r.film_id for r in importing.import_files(w.lib, paths, event="Workshop day")]
    at_1050 = clips.add(w.lib, ids[0], 5_000_000, 10_000_000, title="Reception role-play")
    at_1125 = clips.add(w.lib, ids[1], 0, 4_000_000, title="Crisis line role-play")
    at_1310 = clips.add(w.lib, ids[2], 2_000_000, 6_000_000, title="Carer's assessment")
    cl = w.clip_list
    qtbot.waitUntil(lambda: len(cl.model.ids) == 3)
    box = w.findChild(type(cl.at_box), "clipTimeFilter")
    assert box is cl.at_box and box.isVisible()

    qtbot.keyClicks(box, "11:00")
    qtbot.waitUntil(lambda: cl.model.ids == [at_1050, at_1125], timeout=3000)  # nearest first
    column = [cl.model.headerData(c, Qt.Orientation.Horizontal) for c in range(cl.model.columnCount())].index("Filmed")
    assert column == 2  # beside the title and tags, not scrolled off a laptop's narrow list
    assert [cl.model.index(r, column).data() for r in range(2)] == ["10:50", "11:25"]
    assert "filmed around 11:00" in cl.count.text() and cl.count.text().startswith("2 clips")
    with w.lib.read() as s:  # the command line's `clips --at 11:00` asks the same query
        assert queries.clip_ids(s, queries.ClipFilter(at_minute=11 * 60)) == [at_1050, at_1125]

    box.clear()
    qtbot.keyClicks(box, "13")  # an hour alone works too
    qtbot.waitUntil(lambda: cl.model.ids == [at_1310], timeout=3000)

    box.clear()
    qtbot.keyClicks(box, "25:00")  # not a time: said so, and nothing is hidden because of it
    qtbot.waitUntil(lambda: sorted(cl.model.ids) == sorted([at_1050, at_1125, at_1310]), timeout=3000)
    assert "not a time of day" in cl.count.text() and "not a time of day" in box.toolTip()

    box.clear()
    qtbot.keyClicks(box, "11:00")
    cl.search.setText("crisis")  # with the other filters: both must hold
    qtbot.waitUntil(lambda: cl.model.ids == [at_1125], timeout=3000)
