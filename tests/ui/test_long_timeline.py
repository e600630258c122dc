"""A 3-hour film on the timeline and in the library: tiles come from its pages at every zoom."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.films import importing
from tests.media_factory import make_long_film
from ui.timeline.bands import RULER_H, THUMB_H

EMPTY = (0x26, 0x2A, 0x30)


@pytest.fixture(scope="module")
def day_film(tmp_path_factory):
    return make_long_film(tmp_path_factory.mktemp("long") / "whole day.mkv", 3 * 3600, audio=False)


def thumbnail_row(widget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3)
    return arr[RULER_H + THUMB_H // 2]


def painted_fraction(row: np.ndarray, upto: int) -> float:
    return float(np.mean(np.any(row[:upto] != EMPTY, axis=1)))


def test_a_3_hour_film_shows_tiles_whole_and_zoomed_in_anywhere(qtbot, window, day_film):
    film_id = importing.import_file(window.lib, day_film, link=True).film_id
    window.library_panel.select_film(film_id)
    t = window.timeline
    qtbot.waitUntil(lambda: t.film is not None and t.film.id == film_id, timeout=10_000)
    width = t.width()
    qtbot.waitUntil(lambda: painted_fraction(thumbnail_row(t), width - 2) > 0.98, timeout=5_000)
    for where_us in (0, 90 * 60 * 1_000_000, 3 * 3600 * 1_000_000 - 5_000_000):
        t.set_playhead(where_us)
        for _ in range(30):
            t.zoom(1.5, t.x_of(where_us))
        assert t.us_per_px < 100_000  # down to a few frames per pixel
        assert t.x_of(where_us) >= 0
        # pages are read off the GUI thread: the tiles arrive a moment later
        qtbot.waitUntil(lambda: painted_fraction(thumbnail_row(t), width - 2) > 0.98, timeout=5_000)
        for _ in range(30):
            t.zoom(1 / 1.5)
    assert t.view.fit
    # at most a bounded number of pages kept, whatever the zooming did
    from ui.timeline.film_media import PAGES_KEPT

    assert len(t.media_band.media._pages) <= PAGES_KEPT


def test_library_row_shows_a_picture_of_a_3_hour_film(qtbot, window, day_film):
    film_id = importing.import_file(window.lib, day_film, link=True).film_id
    model = window.library_panel.model
    qtbot.waitUntil(lambda: model.index_of(film_id).isValid(), timeout=10_000)

    def colours() -> set[str]:
        icon = model.data(model.index_of(film_id), Qt.ItemDataRole.DecorationRole)
        img = icon.pixmap(64, 36).toImage().convertToFormat(QImage.Format.Format_RGB888)
        return {img.pixelColor(x, y).name() for x in range(0, img.width(), 4) for y in range(0, img.height(), 4)}

    # read off the GUI thread: a plain box first, the picture (not the plain background) a moment later
    qtbot.waitUntil(lambda: len(colours()) > 5, timeout=10_000)


def test_positions_past_35_minutes_reach_the_timeline_and_transport(qtbot, window, day_film):
    """µs past 2**31 (35 min 47 s) overflowed Qt's int signals: the playhead jumped to 3:25."""
    film_id = importing.import_file(window.lib, day_film, link=True).film_id
    window.library_panel.select_film(film_id)
    qtbot.waitUntil(lambda: window.player.film is not None and window.player.film.id == film_id, timeout=10_000)
    target = 2 * 3600 * 1_000_000 + 30 * 60 * 1_000_000  # 2:30:00
    window.player.seek_us(target)
    qtbot.waitUntil(lambda: abs(window.timeline.playhead_us - target) < 2_000_000, timeout=10_000)
    assert window.transport.timecode.text().startswith("2:30:0")
    t = window.timeline
    for _ in range(25):
        t.zoom(1.5, t.x_of(target))
    assert 0 <= t.x_of(t.playhead_us) <= t.width()  # the view followed it there


def test_the_time_field_shows_hours_whole_on_a_laptop(qtbot, window, day_film):
    """At 1366x768 the player's column is narrow, and the field was squeezed to "5:00.00" for
    1:15:00.00 (the hour cut off): it keeps room for hours, whatever room the row has."""
    film_id = importing.import_file(window.lib, day_film, link=True).film_id
    window.library_panel.select_film(film_id)
    qtbot.waitUntil(lambda: window.player.film is not None and window.player.film.id == film_id, timeout=10_000)
    window.player.seek_us(75 * 60 * 1_000_000)
    field, row = window.transport.timecode, window.transport
    qtbot.waitUntil(lambda: field.text().startswith("1:15:00"), timeout=10_000)
    row.resize(row.minimumSizeHint().width(), row.height())  # as narrow as the layout lets it be
    row.layout().activate()
    needed = field.fontMetrics().horizontalAdvance("0:00:00.00")
    assert field.contentsRect().width() - field.textMargins().left() - field.textMargins().right() >= needed + 4
