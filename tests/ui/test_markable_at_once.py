"""A dropped film is open, playable and markable before its import has finished; the library
row shows its progress, the timeline fills in, and closing mid-way resumes on the next start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app import reads
from app.clips import clips
from app.films import importing
from tests.media_factory import make_long_film


@pytest.fixture(scope="module")
def hour_film(tmp_path_factory):
    return make_long_film(tmp_path_factory.mktemp("drop") / "whole morning.mp4", 3600)


def drop(window, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier))


def test_a_dropped_film_opens_before_its_import_finishes(qtbot, window, hour_film):
    background = window.import_flow.background
    with qtbot.waitSignal(window.import_flow.finished, timeout=30_000) as blocker:
        drop(window, hour_film)
    (result,) = blocker.args[0]
    film_id = result.film_id
    assert background.busy() and reads.film(window.lib, film_id).importing
    # opened in the next event-loop turn (the import's end is a turn of its own), still importing
    qtbot.waitUntil(lambda: window.player.film is not None and window.player.film.id == film_id, timeout=5_000)
    assert window.timeline.film.id == film_id and reads.film(window.lib, film_id).importing
    model = window.library_panel.model
    qtbot.waitUntil(lambda: "importing" in model.data(model.index_of(film_id).siblingAtColumn(1)), timeout=5_000)
    # mark a clip while the import goes on
    clip_id = clips.add(window.lib, film_id, 600_000_000, 610_000_000, title="Early")
    qtbot.waitUntil(lambda: not background.busy(), timeout=120_000)
    film = reads.film(window.lib, film_id)
    assert not film.importing and not film.linked
    assert "importing" not in model.data(model.index_of(film_id).siblingAtColumn(1))
    strip = window.timeline.media_band.media.strip
    assert strip is not None and strip.complete and strip.times_us[-1] > 3590_000_000
    assert [c.id for c in window.timeline.clips] == [clip_id]


def test_closing_mid_import_resumes_on_the_next_start(qtbot, window, hour_film, lib):
    with qtbot.waitSignal(window.import_flow.finished, timeout=30_000) as blocker:
        drop(window, hour_film)
    film_id = blocker.args[0][0].film_id
    window.close()  # like quitting half-way
    assert importing.pending(lib) == [film_id] and reads.film(lib, film_id).importing
    from ui.shell.main_window import MainWindow

    again = MainWindow(lib)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.import_flow.background.busy(), timeout=5_000)
    qtbot.waitUntil(lambda: not again.import_flow.background.busy(), timeout=120_000)
    assert not reads.film(lib, film_id).importing and importing.pending(lib) == []
    again.close()
