"""Which event a batch of films belongs to, asked when folders (or several films) are dropped
or imported from the window: proposed from the library's events of the films' day, the folder's
name, or the day itself (``app.films.events.propose``); any event can be typed or picked."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.films.events import EventProposal
from ui.kit.saying import plural, quoted

NO_EVENT = "(no event)"


class ImportEventDialog(QDialog):
    def __init__(self, proposal: EventProposal, events: list[str], folders: list[str], parent: QWidget | None = None,
                 wrong_days: list[str] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("importEventDialog")
        self.setWindowTitle("Import into an event")
        films = plural(proposal.films, "film")
        where = f" from the folder {quoted(folders[0])}" if len(folders) == 1 else (
            f" from {plural(len(folders), 'folder')}" if folders else "")
        when = f", recorded on {proposal.day:%a %d %b %Y}" if proposal.day else ""
        intro = QLabel(f"{films}{where}{when}. Which event do they belong to?", self)
        intro.setWordWrap(True)
        self.event = QComboBox(self)
        self.event.setObjectName("importEvent")
        self.event.setEditable(True)
        self.event.addItems([NO_EVENT] + sorted(events, key=str.lower))
        self.event.setEditText(proposal.name)
        self.event.lineEdit().selectAll()
        self.event.setMinimumContentsLength(28)
        why = QLabel((f"Proposed from {proposal.why}. " if proposal.name else "")
                     + "Type a new name to make an event, or pick one.", self)
        why.setWordWrap(True)
        why.setStyleSheet("color: #666")
        form = QFormLayout()
        form.addRow("Event", self.event)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(why)
        if proposal.on_other_days:
            odd = QLabel(f"{plural(proposal.on_other_days, 'film')} says it was recorded on another day"
                         + (f" ({', '.join(wrong_days)})" if wrong_days else "")
                         + ": its camera's clock may be wrong. The Event day shows it apart, where its "
                           "time can be corrected.", self)
            odd.setObjectName("importOtherDays")
            odd.setWordWrap(True)
            odd.setStyleSheet("color: #a05a00")
            layout.addWidget(odd)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> str | None:
        """The event typed or picked; None for no event."""
        text = self.event.currentText().strip()
        return None if text in ("", NO_EVENT) else text
