"""The clip list's "Filmed at" box: a facilitator types 11:00 and the list shows the clips
filmed within half an hour of then (the 11:00 role-play), nearest first, whatever the date.
A time it cannot read is marked and says why; it filters nothing until it is a time."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.clips.time_of_day import WINDOW_MIN, parse_clock
from media.errors import BadInput

HELP = (f"Clips filmed within {WINDOW_MIN} minutes of this time of day (HH:MM, e.g. 11:00), nearest first, "
        "in the time zone where each film was recorded")


class TimeOfDayBox(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clipTimeFilter")
        self.setPlaceholderText("Filmed at… 11:00")
        self.setClearButtonEnabled(True)
        self.setToolTip(HELP)
        self.setMaximumWidth(130)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00:00") + 48)  # the time and the clear button
        self.problem = ""
        self.textChanged.connect(self._check)

    def minute(self) -> int | None:
        """Minutes after midnight typed, or None (empty or not a time yet)."""
        text = self.text().strip()
        if not text:
            return None
        try:
            return parse_clock(text, what="filmed at ", hour_alone=True)
        except BadInput:
            return None

    def describe(self) -> str:
        """What the count line adds: the time filtered on, or why the text is not one."""
        if self.problem:
            return f" · {self.problem}"
        minute = self.minute()
        if minute is None:
            return ""
        return f" filmed around {minute // 60:02d}:{minute % 60:02d} (±{WINDOW_MIN} min), nearest first"

    def _check(self, text: str) -> None:
        self.problem = ""
        if text.strip():
            try:
                parse_clock(text, what="filmed at ", hour_alone=True)
            except BadInput as exc:
                self.problem = str(exc)
        self.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if self.problem else "")
        self.setToolTip(self.problem or HELP)
