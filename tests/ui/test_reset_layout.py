"""View → Reset Layout: a layout saved on another screen (or dragged out of shape) comes back to
the one a new window has (found by the newcomer: the library restored one film tall)."""

from PySide6.QtCore import Qt


def test_reset_layout_brings_the_panels_back_and_the_library_its_room(window, qtbot):
    window.resize(1366, 740)
    lib_dock, event_dock = window.docks["library"], window.docks["event"]
    window.resizeDocks([lib_dock, window.docks["codebook"]], [86, 600], Qt.Orientation.Vertical)
    window.docks["people"].setFloating(True)
    window.docks["clips"].hide()
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, event_dock)
    qtbot.waitUntil(lambda: lib_dock.height() < 150)
    window.actions_by_name["resetLayout"].trigger()
    qtbot.waitUntil(lambda: lib_dock.height() > window.height() * 2 // 5)
    assert window.dockWidgetArea(event_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert not window.docks["people"].isFloating() and window.docks["clips"].isVisible()
    assert "back in their places" in window.statusBar().currentMessage()


def test_in_and_out_of_a_clip_hours_into_a_film_are_shown_whole(window):
    from ui.clips.clip_list import short_time

    view = window.clip_list.view
    longest = view.fontMetrics().horizontalAdvance(short_time(5 * 3_600_000_000 + 59 * 60_000_000 + 59_900_000))
    for col in (3, 4):  # In, Out
        assert view.horizontalHeader().sectionSize(col) >= longest + 8
