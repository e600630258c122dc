"""Driving the real window as a person does: a mouse click on the button (through its
``clicked`` signal, with the ``checked`` argument Qt passes), keys typed into a field, answers
typed into the real modal dialog a button opens, a menu's action triggered.

A test that calls the method behind a button misses a wrong connection: Reviews → "Export
summary…" passed ``checked=False`` as the path and did nothing, while its test (which called
``panel.export(path)``) passed (issue 25)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QDialog, QDialogButtonBox, QMessageBox, QPushButton, QWidget,
)


def button(parent: QWidget, text: str) -> QPushButton:
    """The one push button of ``parent`` whose text is ``text`` (ampersands ignored)."""
    found = [b for b in parent.findChildren(QPushButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"{len(found)} buttons “{text}” in {parent.objectName() or parent}"
    return found[0]


def click(widget: QAbstractButton | QWidget, pos=None) -> None:
    """A left click, as the mouse gives it: the widget must be on screen and enabled."""
    assert widget.isVisible(), f"{widget.objectName() or widget.__class__.__name__} is not on screen"
    assert widget.isEnabled(), f"{widget.objectName() or widget.__class__.__name__} is disabled"
    if pos is None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def type_into(field: QWidget, text: str, enter: bool = False) -> None:
    """Select what the field holds and type ``text`` over it, key by key (then Enter)."""
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    QTest.keyClicks(field, text)
    if enter:
        QTest.keyClick(field, Qt.Key.Key_Return)


def ok(dialog: QDialog) -> None:
    """Click the dialog's accepting button (OK, Withdraw, Yes…)."""
    if isinstance(dialog, QMessageBox):
        accepting = [b for b in dialog.buttons() if dialog.buttonRole(b) in (
            QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.YesRole)]
        click(accepting[0])
        return
    box = dialog.findChild(QDialogButtonBox)
    accepting = [b for b in box.buttons() if box.buttonRole(b) in (
        QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole)]
    click(accepting[0])


@contextmanager
def answering(answer: Callable[[QDialog], None], timeout_ms: int = 10_000):
    """Within the block, the first modal dialog that opens (a ``exec()`` the block's click starts)
    is handed to ``answer``, which fills its real fields and clicks its button. Yields a list that
    holds the dialog afterwards; fails if none opened."""
    seen: list[QDialog] = []
    before = QApplication.activeModalWidget()
    started = time.monotonic()
    timer = QTimer()
    timer.setInterval(20)

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal is not before and not seen:
            seen.append(modal)
            timer.stop()
            answer(modal)
        elif time.monotonic() - started > timeout_ms / 1000:
            timer.stop()

    timer.timeout.connect(look)
    timer.start()
    try:
        yield seen
        while not seen and time.monotonic() - started < timeout_ms / 1000:  # a dialog opened with open()
            pump(20)
    finally:
        timer.stop()
    assert seen, "no dialog opened"


def pump(ms: float = 50) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def save_as(path) -> Callable[[QDialog], None]:
    """An answer for the save dialog a button opens: the file's full path typed into its name
    field, then Enter (Qt's own file dialog: the platform's is not used in tests)."""
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    def answer(dialog: QDialog) -> None:
        assert isinstance(dialog, QFileDialog), f"expected the save dialog, got {dialog.windowTitle()!r}"
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(path))  # (typed: its completer takes Enter)
        ok(dialog)

    return answer


def choose(text: str) -> Callable[[QDialog], None]:
    """An answer for a question dialog (Qt's QInputDialog): ``text`` picked in its list, or typed
    into its field, then OK."""
    from PySide6.QtWidgets import QComboBox, QLineEdit

    def answer(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox)
        if combo is not None and combo.isVisible():
            index = combo.findText(text)
            if index >= 0:
                combo.setCurrentIndex(index)
            else:
                assert combo.isEditable(), f"“{text}” is not among {[combo.itemText(i) for i in range(combo.count())]}"
                type_into(combo.lineEdit(), text)
        else:
            type_into(dialog.findChild(QLineEdit), text)
        ok(dialog)

    return answer


def answer_in_turn(*answers: Callable[[QDialog], None]) -> Callable[[QDialog], None]:
    """For a click that opens several dialogs one after the other (kind, then name)."""
    pending = list(answers)

    def answer(dialog: QDialog) -> None:
        pending.pop(0)(dialog)
        if pending:  # the next one opens once this one is answered
            QTimer.singleShot(0, lambda: _next(pending))

    def _next(rest) -> None:
        def look() -> None:
            modal = QApplication.activeModalWidget()
            if modal is None:
                QTimer.singleShot(20, look)
            else:
                answer(modal)
        look()

    return answer


def film_menu(window, film_id: int):
    """Right-click a film's row in the library: its menu (Rename, Move to event…, Relink)."""
    from PySide6.QtGui import QContextMenuEvent

    panel = window.library_panel
    window.show_dock("library")
    index = panel.model.index_of(film_id)
    panel.view.scrollTo(index)
    QApplication.sendEvent(panel.view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse,
                                                                    panel.view.visualRect(index).center()))
    return panel.last_menu


def menu_item(menu, starts: str):
    return next(a for a in menu.actions() if a.text().replace("&", "").startswith(starts))
