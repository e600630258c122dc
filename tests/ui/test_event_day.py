"""The event's day: films placed at the time they were recorded, overlapping ones on their own
lanes; clicking one opens it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.films import importing
from tests.media_factory import make_long_film


def test_films_sit_at_their_time_of_day_and_open_on_click(qtbot, window, tmp_path):
    folder = tmp_path / "day"
    folder.mkdir()
    make_long_film(folder / "camera.mkv", 2 * 3600, audio=False, creation_time="2026-11-28T09:00:00Z")
    make_long_film(folder / "phone 1.mp4", 120, creation_time="2026-11-28T09:30:00Z")
    make_long_film(folder / "phone 2.mp4", 60, creation_time="2026-11-28T12:15:00Z")
    results = importing.import_files(window.lib, [folder], event="Day", link=True)
    ids = {r.source.name: r.film_id for r in results}
    model = window.library_panel.model
    qtbot.waitUntil(lambda: model.index_of(ids["phone 2.mp4"]).isValid(), timeout=5_000)
    window.library_panel.select_film(ids["camera.mkv"])
    day = window.event_day
    qtbot.waitUntil(lambda: day.event_name == "Day" and len(day.spans) == 3, timeout=5_000)
    camera, p1, p2 = (day.film_rect(ids[n]) for n in ("camera.mkv", "phone 1.mp4", "phone 2.mp4"))
    assert camera.left() < p1.left() < camera.right() < p2.left()  # in time order along the day
    assert day.lanes[ids["phone 1.mp4"]] != day.lanes[ids["camera.mkv"]]  # overlaps: its own lane
    assert day.lanes[ids["phone 2.mp4"]] == day.lanes[ids["camera.mkv"]]  # after it: back on lane 0
    assert abs((p2.left() - camera.left()) / (camera.right() - camera.left()) - 3.25 / 2) < 0.02
    QTest.mouseClick(day, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p2.center().toPoint())
    qtbot.waitUntil(lambda: window.player.film is not None and window.player.film.id == ids["phone 2.mp4"],
                    timeout=5_000)
    img = day.grab().toImage()
    centre = day.film_rect(ids["phone 2.mp4"]).center()
    assert img.pixelColor(QPoint(int(centre.x()), int(centre.y()))).name() != "#1d2025"  # drawn there


def test_the_event_day_is_a_tab_beside_the_library_not_a_strip_under_the_window(qtbot, window):
    """It used to take a strip across the bottom of the default layout (a sixth of a laptop's
    height, however few films the event had)."""
    from PySide6.QtCore import Qt as QtNS

    event, library = window.docks["event"], window.docks["library"]
    assert window.dockWidgetArea(event) == QtNS.DockWidgetArea.LeftDockWidgetArea
    assert event in window.tabifiedDockWidgets(library)
    assert all(window.dockWidgetArea(d) != QtNS.DockWidgetArea.BottomDockWidgetArea for d in window.docks.values())
    # the library is the tab in front at first (Qt moves the tab behind off screen)
    qtbot.waitUntil(lambda: not library.visibleRegion().isEmpty())
    assert event.visibleRegion().isEmpty()
    window.show_dock("event")  # View → Event day brings it forward, in the library's place
    qtbot.waitUntil(lambda: not window.event_day.visibleRegion().isEmpty())
    assert event.geometry().top() < window.height() // 2 and library.visibleRegion().isEmpty()


def test_short_phone_films_on_a_long_day_can_be_seen_pointed_at_and_hovered(qtbot, window, tmp_path):
    """A 6-hour camera and 30-second phone films in the narrow tab of a laptop: the phones'
    films were 2-4 px slivers; now each is drawn at least MIN_FILM_W wide, two filmed a
    minute apart do not cover each other, and hovering one names it and its times."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from ui.library.event_day import MIN_FILM_W, EventDay

    folder = tmp_path / "long day"
    folder.mkdir()
    make_long_film(folder / "camera.mkv", 6 * 3600, audio=False, creation_time="2026-11-28T09:00:00Z")
    make_long_film(folder / "phone a.mp4", 30, creation_time="2026-11-28T10:00:00Z")
    make_long_film(folder / "phone b.mp4", 30, creation_time="2026-11-28T10:01:00Z")
    make_long_film(folder / "phone c.mp4", 30, creation_time="2026-11-28T14:59:20Z")  # near the day's end
    ids = {r.source.name: r.film_id for r in importing.import_files(window.lib, [folder], event="Long day", link=True)}
    day = EventDay(window.bridge)
    qtbot.addWidget(day)
    day.resize(380, 400)  # the Event day tab beside the library on a 1366-px laptop
    day.show()
    qtbot.waitExposed(day)
    day.set_event("Long day")
    assert len(day.spans) == 4
    a, b, c = (day.film_rect(ids[f"phone {n}.mp4"]) for n in "abc")
    span = day.x_of(day.spans[ids["phone a.mp4"]][1]) - day.x_of(day.spans[ids["phone a.mp4"]][0])
    assert span < 2 and a.width() >= MIN_FILM_W and b.width() >= MIN_FILM_W  # drawn wider than their time
    assert not a.intersects(b)  # a minute apart: widened, they take separate lanes
    assert c.right() <= day.width() and c.width() >= MIN_FILM_W  # the last one stays inside the day
    camera = day.film_rect(ids["camera.mkv"])
    assert camera.left() < a.left() < b.left() < camera.right()  # still in time order
    img = day.grab().toImage()
    assert img.pixelColor(a.center().toPoint()).name() != "#1d2025"  # drawn there
    hover = b.center()  # the pointer's own move, as Qt gives it (QTest.mouseMove moves no pointer offscreen)
    QApplication.sendEvent(day, QMouseEvent(QEvent.Type.MouseMove, hover, day.mapToGlobal(hover), Qt.MouseButton.NoButton,
                                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "phone b" in QToolTip.text(), timeout=3_000)
    assert "10:01:00" in QToolTip.text()  # its time of day, as before
    with qtbot.waitSignal(day.film_activated, timeout=2_000) as clicked:
        QTest.mouseClick(day, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a.center().toPoint())
    assert clicked.args == [ids["phone a.mp4"]]


def test_a_phone_with_a_wrong_clock_is_shown_apart_and_its_time_corrected_in_place(qtbot, window, tmp_path):
    """An iPhone film dated three years early stretched the day over three years: eight films
    squeezed against the right edge, no hour labels, nothing saying which film was odd. It is
    shown above the day ("filmed 2023-05-09, outside this day"); the day keeps its hours; its
    "Correct time…" button proposes the same time on the event's day (one undoable step)."""
    from tests.ui.driving import answering, click, ok

    folder = tmp_path / "wrong clock"
    folder.mkdir()
    make_long_film(folder / "camera.mkv", 3 * 3600, audio=False, creation_time="2026-11-28T09:00:00Z")
    for n, at in enumerate(("09:20", "09:45", "10:05", "10:30", "11:00", "11:25", "11:50")):
        make_long_film(folder / f"phone {n + 1}.mp4", 60, creation_time=f"2026-11-28T{at}:00Z")
    make_long_film(folder / "IMG_0003.mp4", 60, creation_time="2023-05-09T10:40:00Z")
    ids = {r.source.name: r.film_id for r in importing.import_files(window.lib, [folder], event="Lambeth", link=True)}
    odd = ids["IMG_0003.mp4"]
    model = window.library_panel.model
    qtbot.waitUntil(lambda: model.film_count() == 9, timeout=5_000)
    window.show_dock("event")
    window.library_panel.select_film(ids["camera.mkv"])
    day = window.event_day
    qtbot.waitUntil(lambda: day.event_name == "Lambeth" and len(day.spans) + len(day.outside) == 9, timeout=5_000)
    assert list(day.outside) == [odd] and len(day.spans) == 8
    assert day.outside_text(next(f for f in day.films if f.id == odd)) == \
        "IMG_0003: filmed 2023-05-09 10:40, outside this day"
    assert (day.day_end - day.day_start).total_seconds() <= 4 * 3600  # the day: 09:00 to 12:00, in hours
    camera, last = day.film_rect(ids["camera.mkv"]), day.film_rect(ids["phone 7.mp4"])
    assert camera.width() > 0.7 * (day.width() - 16)  # 3 of the day's 4 hours, not squeezed against an edge
    assert 0.6 * day.width() < last.left() < 0.8 * day.width()  # 11:50 of 09:00-13:00
    img = day.grab().toImage()
    row = day.outside_rect(odd)
    assert img.pixelColor(row.center().toPoint()).name() != "#1d2025"  # the odd film's row is drawn
    assert "outside this day" in day.title and "through the day of Sat 28 Nov 2026" in day.title
    # the day's last hour is labelled whole, left of its line (a lone "1" was cut at the right edge)
    last_x = int(day.x_of(day.day_end)) + 1
    band = [(x, y) for x in range(last_x + 1, img.width()) for y in range(max(0, day.ruler_h - 18), day.ruler_h - 4)]
    assert band and all(img.pixelColor(x, y).name() == "#1d2025" for x, y in band)

    proposed = []

    def correct(dialog):
        proposed.append(dialog.when.dateTime().toString("yyyy-MM-dd HH:mm:ss"))
        ok(dialog)

    with answering(correct):
        click(day, day.correct_rect(odd).center().toPoint())
    assert proposed == ["2026-11-28 10:40:00"]
    qtbot.waitUntil(lambda: not day.outside and len(day.spans) == 9, timeout=5_000)
    moved = day.film_rect(odd)
    assert camera.left() < moved.left() < camera.right()  # at 10:40 on the day, where it belongs
    assert "IMG_0003" in window.feedback.last_text and "10:40" in window.feedback.last_text
    window.undo_actions.undo.trigger()
    qtbot.waitUntil(lambda: list(day.outside) == [odd], timeout=5_000)
