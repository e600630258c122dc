"""Issue 28: two windows on one team library (two facilitators' laptops): a clip made in one
shows in the other within a second, and a clip edited in both at once is a clear conflict."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app import reads
from app.clips import clips
from app.films import importing
from app.library import Library
from tests.ui.helpers import pump, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_windows(qtbot, team_database, tmp_path, counting_film):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from ui.shell.main_window import MainWindow

    share = tmp_path / "share"
    libs = [Library.open(share, team_database) for _ in range(2)]
    film_id = importing.import_file(libs[0], counting_film, event="Workshop 1").film_id
    windows = []
    for lib in libs:
        win = MainWindow(lib)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
    for win in windows:
        win.library_panel.select_film(film_id)
        qtbot.waitUntil(lambda: win.video.current_image() is not None, timeout=10_000)
    yield windows, film_id
    for win in windows:
        win.close()
    for lib in libs:
        lib.close()


def keys(window, *sequence) -> None:
    for key in sequence:
        QTest.keyClick(window, key)
        pump(20)


def test_a_clip_made_in_one_window_shows_in_the_other_within_a_second(two_windows):
    (ann, bo), film_id = two_windows
    assert bo.bridge.outside.watching and bo.bridge.outside.fileno() is not None
    assert len(bo.clip_list.model.ids) == 0
    ann.activateWindow()
    keys(ann, *([Qt.Key.Key_Right] * 5), Qt.Key.Key_I, *([Qt.Key.Key_Right] * 20), Qt.Key.Key_O)
    QTest.keyClick(ann, Qt.Key.Key_Return)
    made = time.monotonic()
    wait_until(lambda: len(ann.clip_list.model.ids) == 1, 5000)
    wait_until(lambda: len(bo.clip_list.model.ids) == 1 and len(bo.timeline.clips) == 1, 5000)
    took = time.monotonic() - made
    assert took < 1.0, f"the other window showed the clip after {took:.2f} s"
    assert bo.clip_list.model.ids == ann.clip_list.model.ids
    # Undo in the other window never touches this one's work: Bo has nothing of his own to undo.
    assert bo.lib.undo_name is None


def test_the_same_clip_renamed_in_two_windows_at_once_is_a_clear_conflict(two_windows, monkeypatch):
    (ann, bo), film_id = two_windows
    clip_id = clips.add(ann.lib, film_id, 0, 1_000_000, title="At the desk")
    wait_until(lambda: bo.clip_list.model.ids == [clip_id], 5000)
    shown = []
    monkeypatch.setattr("ui.kit.operations.show_error", lambda _parent, exc: shown.append(str(exc)))
    bo.clip_details.show_clip(clip_id)
    ann.clip_details.show_clip(clip_id)
    # Both start typing a new title; Ann saves first.
    for win, title in ((ann, "At the front desk"), (bo, "Waiting")):
        win.clip_details.title.setFocus()
        win.clip_details.title.selectAll()
        QTest.keyClicks(win.clip_details.title, title)
    QTest.keyClick(ann.clip_details.title, Qt.Key.Key_Return)
    wait_until(lambda: reads.clip(bo.lib, clip_id).title == "At the front desk", 5000)
    pump(300)  # Bo's window hears of it (his field keeps what he typed)
    assert bo.clip_details.title.text() == "Waiting"
    QTest.keyClick(bo.clip_details.title, Qt.Key.Key_Return)
    assert len(shown) == 1 and "someone else changed its title" in shown[0] and "'At the front desk'" in shown[0]
    assert reads.clip(ann.lib, clip_id).title == "At the front desk"  # never silently written over
    QTest.keyClick(bo.clip_details.title, Qt.Key.Key_Return)  # seen theirs, and means it: saved
    assert reads.clip(ann.lib, clip_id).title == "Waiting" and len(shown) == 1


def test_file_open_team_library_asks_for_the_media_root_once(qtbot, window, team_database, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    monkeypatch.setenv("PROTOREEL_CONFIG_DIR", str(tmp_path / "config"))
    share = tmp_path / "share"
    share.mkdir()
    asked = []
    window.team_library_requested.connect(lambda url, root: asked.append((url, root)))
    window.actions_by_name["openTeamLibrary"].trigger()
    dialog = window.team_chooser
    qtbot.waitExposed(dialog)
    open_button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Open)
    dialog.url.clear()  # (a window on a team library offers its own)
    QTest.keyClicks(dialog.url, team_database.replace("postgresql+psycopg://", "postgresql://"))
    QTest.mouseClick(open_button, Qt.MouseButton.LeftButton)
    assert "shared media folder" in dialog.note.text() and asked == []
    QTest.keyClicks(dialog.media_root, str(tmp_path / "not-there"))
    QTest.mouseClick(open_button, Qt.MouseButton.LeftButton)
    assert "no such folder" in dialog.note.text() and asked == []
    dialog.media_root.clear()
    QTest.keyClicks(dialog.media_root, str(share))
    QTest.mouseClick(open_button, Qt.MouseButton.LeftButton)
    assert asked == [(team_database, share)] and not dialog.isVisible()
    # Next time on this computer: the URL alone, the media root filled in.
    window.actions_by_name["openTeamLibrary"].trigger()
    again = window.team_chooser
    qtbot.waitExposed(again)
    again.url.clear()
    QTest.keyClicks(again.url, team_database)
    assert again.media_root.text() == str(share)
    QTest.mouseClick(again.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Open),
                     Qt.MouseButton.LeftButton)
    assert asked[-1] == (team_database, share)
