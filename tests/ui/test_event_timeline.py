"""The event's day: films placed at the time they were recorded, overlapping ones on their own
lanes; clicking one opens it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.ops import films
from tests.media_factory import make_long_film


def test_films_sit_at_their_time_of_day_and_open_on_click(qtbot, window, tmp_path):
    folder = tmp_path / "day"
    folder.mkdir()
    make_long_film(folder / "camera.mkv", 2 * 3600, audio=False, creation_time="2026-11-28T09:00:00Z")
    make_long_film(folder / "phone 1.mp4", 120, creation_time="2026-11-28T09:30:00Z")
    make_long_film(folder / "phone 2.mp4", 60, creation_time="2026-11-28T12:15:00Z")
    results = films.import_files(window.lib, [folder], event="Day", link=True)
    ids = {r.source.name: r.film_id for r in results}
    model = window.library_panel.model
    qtbot.waitUntil(lambda: model.index_of(ids["phone 2.mp4"]).isValid(), timeout=5_000)
    window.library_panel.select_film(ids["camera.mkv"])
    day = window.event_timeline
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
    qtbot.waitUntil(lambda: not window.event_timeline.visibleRegion().isEmpty())
    assert event.geometry().top() < window.height() // 2 and library.visibleRegion().isEmpty()
