"""When was this film really recorded? For a camera whose clock was set wrong: the time it
says, the event's day, and the corrected time (proposed: the same time of day on the event's
day), read in the zone it was filmed in."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from media.reading.recorded_time import SOURCES
from ui.kit.saying import quoted


def zone_name(when: dt.datetime) -> str:
    z = when.strftime("%z")
    return f"UTC{z[:3]}:{z[3:]}" if len(z) == 5 else "UTC"


class RecordedTimeDialog(QDialog):
    def __init__(self, title: str, says: dt.datetime, source: str | None, day: dt.date | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordedTimeDialog")
        self.setWindowTitle("Correct the time it was recorded")
        self.zone = says.tzinfo
        how = SOURCES.get(source or "", "")
        intro = (f"{quoted(title)} says it was recorded on {says:%a %d %b %Y} at {says:%H:%M:%S}"
                 + (f" ({how})" if how else "") + ".")
        if day is not None and says.date() != day:
            intro += f" The event's other films were recorded on {day:%a %d %b %Y}: its camera's clock was probably wrong."
        label = QLabel(intro, self)
        label.setWordWrap(True)
        proposed = says if day is None else says.replace(year=day.year, month=day.month, day=day.day)
        self.when = QDateTimeEdit(self)
        self.when.setObjectName("recordedTime")
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.when.setCalendarPopup(True)
        self.when.setDateTime(QDateTime(QDate(proposed.year, proposed.month, proposed.day),
                                        QTime(proposed.hour, proposed.minute, proposed.second)))
        form = QFormLayout()
        form.addRow("Recorded at", self.when)
        zone = QLabel(f"The time of day where it was filmed ({zone_name(says)}). Edit → Undo brings back the time "
                      "its clock gave.", self)
        zone.setWordWrap(True)
        zone.setStyleSheet("color: #666")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Correct")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(zone)
        layout.addWidget(buttons)

    def chosen(self) -> dt.datetime:
        """The time typed, in the zone the film was filmed in."""
        d, t = self.when.date(), self.when.time()
        return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), tzinfo=self.zone)
