"""A meeting in its own process, to be killed: ``python -m tests.ui.present_kill_scene LIB REVIEW``.

Types a note, presses marks and types an action in the presenter view the way a facilitator
would, prints TYPED after the last keystroke, then keeps presenting until it is killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.library import Library
from tests.ui.helpers import pump
from ui.present.session import Presentation


def main() -> None:
    app = QApplication(sys.argv[:1])
    lib = Library.open(Path(sys.argv[1]))
    pres = Presentation(lib, int(sys.argv[2])).start()
    pump(200)
    QTest.keyClick(pres.audience, Qt.Key.Key_Right)  # on to the first clip
    QTest.keyClick(pres.audience, Qt.Key.Key_Tab)  # the presenter overlay (one screen)
    p = pres.presenter
    p.note.setFocus()
    QTest.keyClicks(p.note, "The receptionist never looked up")
    for mark in "112":
        QTest.keyClicks(pres.audience, mark)
    p.action_text.setFocus()
    QTest.keyClicks(p.action_text, "Put a greeter at the door")
    QTest.keyClicks(p.action_owner, "Ravi")
    QTest.keyClicks(p.action_due, "2026-12-17")
    p.note.setFocus()
    QTest.keyClicks(p.note, ", twice")  # the last keystrokes, right before the kill
    print("TYPED", flush=True)
    while True:  # the meeting goes on until the plug is pulled
        pump(50)
    app  # noqa: B018


if __name__ == "__main__":
    main()
