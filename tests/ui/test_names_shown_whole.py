"""Names that tell clips apart are shown so (issue 25): two takes marked by keys get default
titles that differ and keep their brackets; the clip list's Title column gets the room on a
1366x768 laptop; the evidence board never cuts two titles into the same text."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import reads
from app.films import importing
from app.prototypes import prototypes
from tests.ui.helpers import image_array, pump, wait_until


def takes(window, counting_film, tmp_path) -> list[int]:
    ids = []
    for n in (1, 2):
        path = tmp_path / f"Rôle play – GP surgery (take {n}).mp4"
        path.write_bytes(counting_film.read_bytes() + b"\0" * n)  # another content: another film
        ids.append(importing.import_file(window.lib, path, event="GP surgery").film_id)
    return ids


def mark_by_keys(window, film_id: int) -> None:
    """Pick the film in the library, then I, a second on, O, Enter: a clip with its default title."""
    window.library_panel.select_film(film_id)
    wait_until(lambda: window.player.film is not None and window.player.film.id == film_id
               and window.video.current_image() is not None)
    window.activateWindow()
    window.timeline.setFocus()
    for key in (Qt.Key.Key_Right, Qt.Key.Key_I):
        QTest.keyClick(window, key)
    QTest.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    for key in (Qt.Key.Key_O, Qt.Key.Key_Return):
        QTest.keyClick(window, key)


def cell_pixels(view, index, skip_left: int = 0) -> np.ndarray:
    rect = view.visualRect(index).adjusted(skip_left, 2, -2, -2)
    image = image_array(view.viewport().grab().toImage())
    return image[rect.top():rect.bottom(), rect.left():rect.right()]


def test_two_takes_read_apart_in_the_clip_list_and_on_the_evidence_board(window, counting_film, tmp_path):
    window.resize(1366, 738)
    window.reset_layout()
    first, second = takes(window, counting_film, tmp_path)
    for film_id in (first, second):
        mark_by_keys(window, film_id)
    wait_until(lambda: len(reads.clip_ids(window.lib)) == 2)
    clips = sorted(reads.clips(window.lib, reads.clip_ids(window.lib)), key=lambda c: c.film_id)
    assert [c.title for c in clips] == ["Rôle play – GP surgery (take 1) · 0:00",
                                        "Rôle play – GP surgery (take 2) · 0:00"]

    window.show_dock("clips")
    table = window.clip_list.view
    wait_until(lambda: table.model().rowCount() == 2)
    header = table.horizontalHeader()
    title_width = header.sectionSize(0)
    assert title_width >= 0.4 * table.viewport().width()
    assert all(title_width > header.sectionSize(c) for c in range(1, header.count()))
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle  # when cut, the take and time stay
    rows = [cell_pixels(table, table.model().index(r, 0)) for r in range(2)]
    assert not np.array_equal(rows[0], rows[1])

    proto = prototypes.add(window.lib, "Same-day GP callback")
    prototypes.link(window.lib, proto, [c.id for c in clips])
    window.show_dock("prototypes")
    window.prototypes_panel.select(proto)
    board = window.prototypes_panel.board
    wait_until(lambda: board.topLevelItemCount() >= 1 and board.topLevelItem(0).childCount() == 2)
    pump(50)  # not QTest.qWait: it keeps the GIL while it deletes an earlier window, whose player threads need it (a deadlock)
    group = board.topLevelItem(0)
    texts = [cell_pixels(board, board.indexFromItem(group.child(r), 0), skip_left=board.iconSize().width() + 8)
             for r in range(2)]
    assert texts[0].shape == texts[1].shape and not np.array_equal(texts[0], texts[1])
