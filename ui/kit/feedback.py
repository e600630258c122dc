"""What an action did, said in the status bar, with buttons to act on it (Undo, Show in
folder). Every action that changes something, or refuses to, says so here."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

SHOW_MS = 10_000


class Feedback(QObject):
    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.bar = status_bar
        self.box = QWidget(status_bar)
        self.box.setObjectName("feedback")
        row = QHBoxLayout(self.box)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self.box)
        self.label.setObjectName("feedbackText")
        row.addWidget(self.label)
        row.addStretch(1)  # buttons sit right after the words they act on, not at the far end
        self.buttons: list[QPushButton] = []
        self._row = row
        status_bar.addWidget(self.box, 1)
        self.box.hide()
        self._timer = QTimer(self, singleShot=True, interval=SHOW_MS)
        self._timer.timeout.connect(self.box.hide)
        self.last_text = ""

    def say(self, text: str, actions: list[tuple[str, Callable[[], object]]] = (), ms: int = SHOW_MS) -> None:
        for button in self.buttons:
            button.hide()  # at once: deleteLater waits for the event loop, and two Undo buttons would show
            button.deleteLater()
        self.buttons = []
        self.last_text = text
        self.label.setText(text)
        for label, slot in actions:
            button = QPushButton(label, self.box)
            button.setObjectName(f"feedback{label.replace(' ', '')}")
            button.setFlat(True)
            button.setToolTip(f"{label}: {text}")
            button.clicked.connect(lambda _c=False, slot=slot: (self.box.hide(), slot()))
            self._row.insertWidget(self._row.count() - 1, button)
            self.buttons.append(button)
        self.bar.clearMessage()
        self.box.show()
        self._timer.start(ms)

    def button(self, label: str) -> QPushButton | None:
        return next((b for b in self.buttons if b.text() == label), None)
