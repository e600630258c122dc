"""On a 1366x768 laptop the clip list's Tags column shows a tag's first words (it had 48 px:
two letters) with In and Out still whole, and the Event day's title is shown whole, wrapped
(it was cut after "time...")."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from app.clips import clips
from app.films import importing
from tests.media_factory import make_long_film
from tests.ui.helpers import pump, wait_until


def laptop(window):
    window.resize(1366, 738)
    window.reset_layout()
    pump(100)


def test_the_tags_column_has_room_beside_a_whole_in_and_out_on_a_laptop(film_window):
    w = film_window
    laptop(w)
    clips.add(w.lib, w.film_id, 0, 1_000_000, title="Receptionist doesn't look up",
              tags=["Not being listened to"])
    clips.add(w.lib, w.film_id, 2_000_000, 3_000_000, title="Offers a named contact",
              tags=["One point of contact"])
    w.show_dock("clips")
    # The clip list's side as Xvfb lays it out at 1366x768 (docs/screenshots/workspace-1366x768.png);
    # offscreen fonts leave it narrower.
    w.resizeDocks([w.docks["clips"]], [514], Qt.Orientation.Horizontal)
    view = w.clip_list.view
    wait_until(lambda: view.model().rowCount() == 2 and view.isVisible())
    pump(100)
    header = view.horizontalHeader()
    width = view.viewport().width()
    assert width < 600  # a laptop's side panel
    assert header.sectionSize(1) >= 96, header.sectionSize(1)  # Tags: "Not being …"
    assert header.sectionSize(0) >= int(0.4 * width)  # the Title still first
    out_end = header.sectionViewportPosition(4) + header.sectionSize(4)
    assert out_end <= width, (out_end, width)  # In and Out whole, no scrolling for them


def test_the_event_days_title_is_whole_on_a_laptop(window, tmp_path):
    laptop(window)
    folder = tmp_path / "Living well workshop day"
    folder.mkdir()
    for n, when in enumerate(("2026-11-28T09:30:00Z", "2026-11-28T10:40:00Z", "2023-05-09T10:40:00Z")):
        make_long_film(folder / f"IMG_{n}.mp4", 2, audio=False, creation_time=when)
    results = importing.import_files(window.lib, [folder], event="Living well workshop day", link=True)
    window.show_dock("event")
    model = window.library_panel.model
    wait_until(lambda: all(model.index_of(r.film_id).isValid() for r in results))
    window.library_panel.select_film(results[0].film_id)
    day = window.event_day
    wait_until(lambda: day.event_name == "Living well workshop day" and len(day.spans) == 2 and day.outside)
    pump(100)
    assert day.width() < 600
    metrics = QFontMetrics(QFont(day.font().family(), 8))
    assert metrics.horizontalAdvance(day.title) > day.width()  # one line would be cut
    wrapped = metrics.boundingRect(0, 0, day.width() - 16, 10_000, 0x1000, day.title)  # Qt.TextWordWrap
    assert day.title_h >= wrapped.height()  # every line of it above the outside row and the hours
    assert day.outside_rect(next(iter(day.outside))).top() >= wrapped.height()
