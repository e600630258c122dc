"""Dialogs of the People panel: a new person, a consent record, a withdrawal, an appearance."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QVBoxLayout, QWidget,
)

from app.people.people_records import CONSENT_HOW, CONSENT_SCOPES, ROLES
from media import timecode
from media.errors import BadInput

SCOPE_TITLES = {"none": "None (only unrecognisable: face and voice covered)", "team": "Team review", "collaborative": "The collaborative",
                "public": "Public"}


def role_title(role: str) -> str:
    return role.replace("_", " ").capitalize()


def _date_edit(parent) -> QDateEdit:
    edit = QDateEdit(QDate.currentDate(), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _iso(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro, self)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons


class ConsentFields:
    """Scope, date and how it was given, notes: the fields of one consent record."""

    def __init__(self, form: QFormLayout, parent, scope: str = "team") -> None:
        self.scope = QComboBox(parent)
        for s in CONSENT_SCOPES:
            self.scope.addItem(SCOPE_TITLES[s], s)
        self.scope.setCurrentIndex(CONSENT_SCOPES.index(scope))
        self.date = _date_edit(parent)
        self.how = QComboBox(parent)
        self.how.setEditable(True)
        self.how.addItems(CONSENT_HOW)
        self.notes = QLineEdit(parent)
        form.addRow("Consent to show to", self.scope)
        form.addRow("Given on", self.date)
        form.addRow("How it was given", self.how)
        form.addRow("Notes", self.notes)

    def values(self) -> dict:
        return {"scope": self.scope.currentData(), "given_on": _iso(self.date), "how": self.how.currentText(),
                "notes": self.notes.text()}


class AddPersonDialog(_Form):
    def __init__(self, parent=None) -> None:
        super().__init__("Add a person", "Someone who appears on film. Exports never carry their name: they "
                                         "use the pseudonym, or the role when there is none.", parent)
        self.name = QLineEdit(self)
        self.pseudonym = QLineEdit(self)
        self.pseudonym.setPlaceholderText("e.g. Speaker A (optional)")
        self.role = QComboBox(self)
        for r in ROLES:
            self.role.addItem(role_title(r), r)
        self.form.addRow("Name", self.name)
        self.form.addRow("Pseudonym", self.pseudonym)
        self.form.addRow("Role", self.role)
        self.consent = ConsentFields(self.form, self, "none")

    def values(self) -> dict:
        c = self.consent.values()
        return {"name": self.name.text(), "pseudonym": self.pseudonym.text(), "role": self.role.currentData(),
                "consent": c["scope"], "given_on": c["given_on"], "how": c["how"], "notes": c["notes"]}


class ConsentDialog(_Form):
    def __init__(self, name: str, current: str, withdrawn: bool, parent=None) -> None:
        intro = (f"{name} withdrew consent. Nothing undoes a withdrawal: only their new, freely given consent "
                 "brings it back. Record it here, dated on or after the withdrawal, with how they gave it; the "
                 "withdrawal stays in the consent history." if withdrawn else
                 f"A new consent record for {name} (now: {SCOPE_TITLES[current]}). The history keeps every record.")
        super().__init__("New consent record", intro, parent)
        self.consent = ConsentFields(self.form, self, current if current != "none" else "team")

    def values(self) -> dict:
        return self.consent.values()


class WithdrawDialog(_Form):
    def __init__(self, name: str, parent=None) -> None:
        super().__init__("Withdraw consent", f"{name} withdraws consent. This is final: it cannot be undone, "
                                             "nothing with them can be exported or shown, and you will get a list "
                                             "of every reel, review and past export that included them.", parent)
        self.date = _date_edit(self)
        self.how = QLineEdit(self)
        self.how.setPlaceholderText("e.g. by email, in person")
        self.notes = QLineEdit(self)
        self.sure = QCheckBox("I understand this cannot be undone", self)
        self.form.addRow("Withdrawn on", self.date)
        self.form.addRow("How", self.how)
        self.form.addRow("Notes", self.notes)
        self.form.addRow("", self.sure)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Withdraw")
        ok.setEnabled(False)
        self.sure.toggled.connect(ok.setEnabled)

    def values(self) -> dict:
        return {"on": _iso(self.date), "how": self.how.text(), "notes": self.notes.text()}


class AppearanceDialog(_Form):
    """A film the person is in: the whole film, or only from one timecode to another. A time
    that cannot be read keeps the dialog open with what was typed, the reason beside the field."""

    def __init__(self, films: list[tuple[int, str]], current_film: int | None, parent=None,
                 rate_of: Callable[[int], object] | None = None) -> None:
        super().__init__("Appears in a film", "Clips outside the stretch you give are not affected by this "
                                              "person's consent.", parent)
        self.rate_of = rate_of
        self.ranges: list[tuple[int, int]] | None = None
        self.film = QComboBox(self)
        for film_id, title in films:
            self.film.addItem(title, film_id)
        if current_film is not None:
            self.film.setCurrentIndex(max(0, self.film.findData(current_film)))
        self.only = QCheckBox("Only part of the film", self)
        self.start = QLineEdit(self)
        self.end = QLineEdit(self)
        self.problems: dict[QLineEdit, QLabel] = {}
        for edit, hint in ((self.start, "from, e.g. 01:20"), (self.end, "to, e.g. 02:05.5")):
            edit.setPlaceholderText(hint)
            edit.setEnabled(False)
            self.only.toggled.connect(edit.setEnabled)
            problem = QLabel(self)
            problem.setStyleSheet("color: #b00020")
            problem.setWordWrap(True)
            problem.hide()
            self.problems[edit] = problem
            edit.textEdited.connect(lambda _text, label=problem: label.hide())
        self.form.addRow("Film", self.film)
        self.form.addRow("", self.only)
        self.form.addRow("From", self._with_problem(self.start))
        self.form.addRow("To", self._with_problem(self.end))

    def _with_problem(self, edit: QLineEdit) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(self.problems[edit], 2)
        return row

    def _say(self, edit: QLineEdit, text: str) -> None:
        self.problems[edit].setText(text)
        self.problems[edit].show()
        edit.setFocus()
        edit.selectAll()

    def accept(self) -> None:
        """OK: the times read (at the chosen film's rate) before the dialog closes."""
        for label in self.problems.values():
            label.hide()
        self.ranges = None
        film_id = self.film.currentData()
        if self.only.isChecked() and film_id is not None:
            rate = self.rate_of(film_id) if self.rate_of is not None else None
            times = []
            for edit in (self.start, self.end):
                try:
                    times.append(timecode.parse(edit.text(), rate))
                except BadInput as exc:
                    self._say(edit, str(exc))
                    return
            if times[1] <= times[0]:
                self._say(self.end, f"to {self.end.text().strip()!r}: must come after from "
                                    f"{self.start.text().strip()!r}")
                return
            self.ranges = [(times[0], times[1])]
        super().accept()

    def values(self) -> dict:
        return {"film_id": self.film.currentData(), "start": self.start.text() if self.only.isChecked() else None,
                "end": self.end.text() if self.only.isChecked() else None, "ranges": self.ranges}


def today() -> str:
    return dt.date.today().isoformat()
