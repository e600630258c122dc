"""Folders of an event's films, from the window: a drop (or File → Import Folder…) asks which
event they belong to, proposing the folder's name, or the event already holding films of their
day; the library selects many films (Ctrl+A, Shift-click) and moves them to an event in one
step, the tree keeping what was folded (issue 25: nine films went to "Not in an event", and
grouping them took nine moves, the tree opening again after each)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QContextMenuEvent, QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from app import reads
from app.films import importing
from tests.media_factory import make_long_film
from tests.ui.driving import answering, choose, click, ok, pump
from tests.ui.helpers import wait_until


@pytest.fixture(scope="module")
def workshop(tmp_path_factory) -> Path:
    """A phone's folder of a workshop: three films of 28 Nov 2026, one from a phone whose clock
    was three years out."""
    folder = tmp_path_factory.mktemp("drops") / "Lambeth workshop"
    folder.mkdir()
    make_long_film(folder / "IMG_0001.mp4", 4, audio=False, creation_time="2026-11-28T09:30:00Z")
    make_long_film(folder / "IMG_0002.mp4", 4, audio=False, creation_time="2026-11-28T10:15:00Z")
    make_long_film(folder / "IMG_0003.mp4", 4, audio=False, creation_time="2023-05-09T10:40:00Z")
    return folder


@pytest.fixture(scope="module")
def second_phone(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("drops2") / "DCIM"
    folder.mkdir()
    make_long_film(folder / "VID_1.mp4", 3, audio=False, creation_time="2026-11-28T11:00:00Z")
    make_long_film(folder / "VID_2.mp4", 3, audio=False, creation_time="2026-11-28T11:20:00Z")
    return folder


def drop_on(window, *paths: Path) -> None:
    """Files dragged from a file manager over the window (accepted) and let go. (Qt delivers a
    drop only within a drag it runs itself, so the two events go to the window's handlers.)"""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    window.event(enter)
    assert enter.isAccepted()
    window.event(QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier))


def test_a_dropped_folder_goes_into_the_event_proposed_from_its_name(qtbot, window, workshop):
    seen: dict = {}

    def look_and_accept(dialog: QDialog) -> None:
        seen["event"] = dialog.event.currentText()
        seen["odd"] = dialog.findChild(QLabel, "importOtherDays")
        seen["odd_text"] = seen["odd"].text() if seen["odd"] is not None else ""
        ok(dialog)

    with qtbot.waitSignal(window.import_flow.finished, timeout=30_000):
        with answering(look_and_accept):
            drop_on(window, workshop)
    assert seen["event"] == "Lambeth workshop"
    assert "2023-05-09" in seen["odd_text"] and "clock may be wrong" in seen["odd_text"]
    films = reads.films(window.lib)
    assert len(films) == 3 and {f.event for f in films} == {"Lambeth workshop"}


def test_a_second_phones_folder_joins_the_event_of_its_day_and_any_name_can_be_typed(qtbot, window, workshop,
                                                                                     second_phone):
    importing.import_files(window.lib, [workshop], event="Lambeth workshop", link=True)
    proposed = []

    def look_and_accept(dialog: QDialog) -> None:
        proposed.append(dialog.event.currentText())
        ok(dialog)

    with qtbot.waitSignal(window.import_flow.finished, timeout=30_000):
        with answering(look_and_accept):
            drop_on(window, second_phone)  # "DCIM" says nothing: the day's event does
    assert proposed == ["Lambeth workshop"]
    assert sorted(f.title for f in reads.event_films(window.lib, "Lambeth workshop")) == [
        "IMG_0001", "IMG_0002", "IMG_0003", "VID_1", "VID_2"]


def test_import_folder_from_the_file_menu_asks_too(qtbot, window, workshop, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(workshop))  # the system's chooser
    with qtbot.waitSignal(window.import_flow.finished, timeout=30_000):
        with answering(choose("Tuesday at Lambeth")):
            window.actions_by_name["importFolder"].trigger()
    assert {f.event for f in reads.films(window.lib)} == {"Tuesday at Lambeth"}


def row_rect(view, index):
    return view.visualRect(index)


def test_many_films_selected_and_moved_to_an_event_at_once(qtbot, window, workshop, second_phone):
    importing.import_files(window.lib, [workshop], event="Lambeth workshop", link=True)
    importing.import_files(window.lib, [second_phone], event="Afternoon", link=True)
    panel = window.library_panel
    view, model = panel.view, panel.model
    window.show_dock("library")
    wait_until(lambda: model.film_count() == 5)
    afternoon = model.index(0, 0)  # events by name: "Afternoon" first
    assert model.groups[0][0] == "Afternoon"
    click(view.viewport(), row_rect(view, afternoon).topLeft() + QPoint(4, 4))  # (the row's arrow folds it:)
    view.collapse(afternoon)
    lambeth = [model.index_of(f.id) for f in model.groups[1][1]]
    click(view.viewport(), row_rect(view, lambeth[0]).center())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     row_rect(view, lambeth[2]).center())
    assert len(panel.selected_film_ids()) == 3
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse,
                                                              row_rect(view, lambeth[1]).center()))
    menu = panel.last_menu
    move = next(a for a in menu.actions() if a.text().startswith("Move"))
    assert move.text() == "Move 3 films to event…"
    with answering(choose("Day 2")):
        move.trigger()
    menu.close()
    assert sorted(f.title for f in reads.event_films(window.lib, "Day 2")) == ["IMG_0001", "IMG_0002", "IMG_0003"]
    assert "Moved 3 films to the event “Day 2”." in window.feedback.last_text
    # the tree is not opened again: the folded event stays folded, the moved films stay selected
    assert not view.isExpanded(model.index([g for g, _f in model.groups].index("Afternoon"), 0))
    assert len(panel.selected_film_ids()) == 3
    window.undo_actions.undo.trigger()  # one step takes all three back
    assert len(reads.event_films(window.lib, "Lambeth workshop")) == 3


def test_ctrl_a_selects_every_film(qtbot, window, workshop):
    importing.import_files(window.lib, [workshop], event="Lambeth workshop", link=True)
    panel = window.library_panel
    window.show_dock("library")
    wait_until(lambda: panel.model.film_count() == 3)
    view = panel.view
    click(view.viewport(), view.visualRect(panel.model.index_of(reads.films(window.lib)[0].id)).center())
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    pump(20)
    assert len(panel.selected_film_ids()) == 3
