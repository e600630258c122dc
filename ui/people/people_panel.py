"""The People panel: who appears on film, their role and pseudonym, their consent history
(scope, date, how it was given, notes), withdrawal, and where they appear (whole films or
stretches of them). Reels that cannot go out because of someone's consent are flagged here.

Reads app.people.people_records, changes through app.people.people: every edit is saved at once and
undoable, except a withdrawal, which is final.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
    QPushButton, QScrollArea, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from app.changes import Changes
from app.people import faces, people
from app.people import people_records
from app.people.people_records import ROLES, PersonRecord, film_rate, films_to_choose
from media import timecode
from ui.kit.bridge import LibraryBridge
from ui.people.known_faces import KnownFaces
from ui.kit.saying import edit_said, possessive, quoted
from ui.people.people_dialogs import SCOPE_TITLES, AddPersonDialog, AppearanceDialog, ConsentDialog, WithdrawDialog, role_title

WITHDRAWN = QColor("#c0392b")
PEOPLE_TABLES = ("people", "consent_records", "appearances", "appearance_ranges", "person_faces")


def consent_text(p: PersonRecord) -> str:
    current = p.current
    if p.withdrawn:
        return f"WITHDRAWN {(current.given_on if current and current.withdrawal else None) or p.withdrawn_at[:10]}"
    given = f", {current.given_on}" if current and current.given_on else ""
    how = f", {current.how}" if current and current.how else ""
    return f"{SCOPE_TITLES[p.consent]}{given}{how}"


class _Column(QVBoxLayout):
    """The panel's column in its scroll area: as tall as the panel (its lists share the height),
    not the preferred height of its word-wrapped labels' layout (a scroll area follows a layout
    with a height for its width: that put half the panel below the window's edge)."""

    def hasHeightForWidth(self) -> bool:
        return False


class PeoplePanel(QWidget):
    reel_activated = Signal(int)  # a flagged reel was double-clicked

    def __init__(self, bridge: LibraryBridge, parent=None, current_film=lambda: None, current_clip=lambda: None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.current_film = current_film  # the film on screen, offered first for an appearance
        self.current_clip = current_clip  # the selected clip, for an anonymised preview
        self.preview_job = None
        self.records: dict[int, PersonRecord] = {}
        self._loading = False

        self.list = QListWidget(self)
        self.list.setObjectName("peopleList")
        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        add = QPushButton("Add person…", self)
        add.setToolTip("Add someone who appears on film, with their role and consent")
        add.clicked.connect(self.add_person)
        preview = QPushButton("Preview anonymised", self)
        preview.setObjectName("previewAnonymised")
        preview.setToolTip("Play the selected clip as an anonymised export to the chosen audience shows it: the "
                           "faces it covers, and only those")
        preview.clicked.connect(lambda: self.preview_anonymised(self.preview_audience.currentData()))
        self.preview_audience = QComboBox(self)
        self.preview_audience.setObjectName("previewAudience")
        self.preview_audience.setToolTip("The audience whose anonymised export the preview shows")
        for value in ("public", "collaborative", "team"):
            self.preview_audience.addItem(value, value)
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>People on film</b>", self))
        top.addStretch(1)
        top.addWidget(add)
        # under the list: on a 1366x768 laptop the panel's width has no room for all four in a row
        preview_row = QHBoxLayout()
        preview_row.addStretch(1)
        preview_row.addWidget(preview)
        preview_row.addWidget(QLabel("for", self))
        preview_row.addWidget(self.preview_audience)

        self.details = QWidget(self)
        self.details.setObjectName("personDetails")
        form = QFormLayout()
        self.name = QLineEdit(self.details)
        self.pseudonym = QLineEdit(self.details)
        self.pseudonym.setPlaceholderText("exports use the role when empty")
        self.role = QComboBox(self.details)
        for r in ROLES:
            self.role.addItem(role_title(r), r)
        self.notes = QLineEdit(self.details)
        self.consent = QLabel(self.details)
        self.consent.setObjectName("consentNow")
        self.consent.setWordWrap(True)
        self.name.editingFinished.connect(lambda: self._edit(name=self.name.text()))
        self.pseudonym.editingFinished.connect(lambda: self._edit(pseudonym=self.pseudonym.text()))
        self.notes.editingFinished.connect(lambda: self._edit(notes=self.notes.text()))
        self.role.activated.connect(lambda _i: self._edit(role=self.role.currentData()))
        # Two fields a row: a laptop's panel keeps its height for the history and appearances.
        fields = QGridLayout()
        fields.setColumnStretch(1, 1)
        fields.setColumnStretch(3, 1)
        for n, (label, widget) in enumerate((("Name", self.name), ("Pseudonym", self.pseudonym),
                                             ("Role", self.role), ("Notes", self.notes))):
            fields.addWidget(QLabel(label, self.details), n // 2, (n % 2) * 2)
            fields.addWidget(widget, n // 2, (n % 2) * 2 + 1)
        form.addRow(fields)
        form.addRow("Consent now", self.consent)

        self.history = QTreeWidget(self.details)
        self.history.setObjectName("consentHistory")
        self.history.setHeaderLabels(["Date", "Consent", "How", "Notes"])
        self.history.setRootIsDecorated(False)
        record = QPushButton("New record…", self.details)  # under "Consent history": short for a laptop's panel
        record.setToolTip("Record consent given, widened, narrowed or reinstated, with its date and how it was given")
        record.clicked.connect(self.new_consent)
        self.withdraw_button = QPushButton("Withdraw…", self.details)
        self.withdraw_button.setObjectName("withdrawConsent")
        self.withdraw_button.setToolTip("Withdraw this person's consent (dated and final): lists every reel, review "
                                        "and export that included them and blocks further export")
        self.withdraw_button.clicked.connect(self.withdraw)
        consent_row = QHBoxLayout()
        consent_row.addWidget(QLabel("<b>Consent history</b>", self.details))
        consent_row.addStretch(1)
        consent_row.addWidget(record)
        consent_row.addWidget(self.withdraw_button)

        self.appearances = QTreeWidget(self.details)
        self.appearances.setObjectName("appearances")
        self.appearances.setHeaderLabels(["Film", "Where"])
        self.appearances.setRootIsDecorated(False)
        appear = QPushButton("Appears in…", self.details)
        appear.setToolTip("Record a film (or a stretch of it) this person appears in")
        appear.clicked.connect(self.add_appearance)
        remove = QPushButton("Remove", self.details)
        remove.setToolTip("Remove the selected appearance")
        remove.clicked.connect(self.remove_appearance)
        appear_row = QHBoxLayout()
        appear_row.addWidget(QLabel("<b>Appears in</b>", self.details))
        appear_row.addStretch(1)
        appear_row.addWidget(appear)
        appear_row.addWidget(remove)

        self.faces = KnownFaces(self.details)
        self.faces.add_button.clicked.connect(self.add_face)
        self.faces.remove_button.clicked.connect(self.remove_face)

        # Each list at least three lines tall (a consent history of three records reads whole).
        for tree in (self.history, self.appearances):
            tree.setMinimumHeight(tree.header().sizeHint().height() + 3 * self.fontMetrics().lineSpacing() + 14)
        details_layout = QVBoxLayout(self.details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addLayout(form)
        details_layout.addLayout(consent_row)
        details_layout.addWidget(self.history, 3)
        details_layout.addLayout(appear_row)
        details_layout.addWidget(self.appearances, 2)
        details_layout.addLayout(self.faces.row)
        details_layout.addWidget(self.faces.list)
        details_layout.addWidget(self.faces.alike)

        self.flags = QListWidget(self)
        self.flags.setObjectName("reelFlags")
        self.flags.itemDoubleClicked.connect(lambda item: self.reel_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.flags_title = QLabel(self)

        # One column, no inner scroll area: the details took about 50 px of a laptop's panel, with
        # the history, Withdraw, Appears in and Known faces in a tiny scroll area (issue 25). The
        # panel sits on the right, as tall as the window; only a window smaller than a laptop's
        # scrolls, the whole panel at once.
        self.list.setMinimumHeight(3 * self.fontMetrics().lineSpacing() + 12)
        self.flags.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 12)
        inner = QWidget(self)
        column = _Column(inner)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(top)
        column.addWidget(self.list, 2)
        column.addLayout(preview_row)
        column.addWidget(self.details, 8)
        column.addWidget(self.flags_title)
        column.addWidget(self.flags, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        bridge.changed.connect(self._on_changed)
        self.refresh()

    # -- reading -------------------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        """Only the people a change is about are read again (a consent record or an appearance
        names its person; a renamed film, the people who appear in it), and only their rows
        redrawn; the reels' consent flags are worked out again only when people, reels, or clips
        in reels change."""
        about_people = changes.touches(*PEOPLE_TABLES)
        named = set(changes.about("people"))
        if changes.touches("appearance_ranges"):  # a stretch of film names only its appearance
            named |= people_records.people_of_appearances(self.bridge.lib, changes.about("appearances"))
        films = changes.ids_of("films")
        named |= {p.id for p in self.records.values() if any(a.film_id in films for a in p.appearances)}
        if named:
            self.refresh_people(named)
        current = self.records.get(self.current_id())
        if current is not None and changes.touches("person_faces"):  # faces are not in the person's record
            self.faces.show_person(self.bridge.lib, current.id, current.name)
        clips = set(changes.ids_of("clips"))
        if about_people or changes.touches("reels", "reel_items") or (
                clips and people_records.any_in_reels(self.bridge.lib, clips)):
            self.refresh_flags()

    def refresh(self) -> None:
        self.refresh_people()
        self.refresh_flags()
        self._show_current()

    def refresh_people(self, ids: set[int] | None = None) -> None:
        """Read everyone again, or just the people ``ids``; rows of people not read stay as
        they are (the same list items), a new person's row is put in its place by name."""
        keep = self.current_id()
        old = dict(self.records)
        if ids is None:
            self.records = {p.id: p for p in people_records.people(self.bridge.lib)}
        else:
            fresh = {p.id: p for p in people_records.people(self.bridge.lib, ids)}
            self.records = {**{i: p for i, p in old.items() if i not in ids}, **fresh}
        order = [p.id for p in sorted(self.records.values(), key=lambda p: (p.name, p.id))]
        self._loading = True
        self.list.blockSignals(True)
        try:
            items = {self.list.item(r).data(Qt.ItemDataRole.UserRole): self.list.item(r)
                     for r in range(self.list.count())}
            for person_id in set(items) - set(order):  # gone (an add undone)
                self.list.takeItem(self.list.row(items.pop(person_id)))
            for row, person_id in enumerate(order):
                item = items.get(person_id)
                if item is None:
                    item = QListWidgetItem()
                    item.setData(Qt.ItemDataRole.UserRole, person_id)
                    self.list.insertItem(row, item)
                elif self.list.row(item) != row:  # renamed: moves to its place by name
                    self.list.insertItem(row, self.list.takeItem(self.list.row(item)))
                if old.get(person_id) != self.records[person_id] or person_id not in items:
                    self._fill(item, self.records[person_id])
            if keep in self.records:
                self.select(keep)
        finally:
            self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._loading = False
        if keep != self.current_id() or old.get(self.current_id()) != self.records.get(self.current_id()):
            self._show_current()

    @staticmethod
    def _fill(item: QListWidgetItem, p: PersonRecord) -> None:
        item.setText(f"{p.name}  —  {role_title(p.role)} · {consent_text(p)}")
        item.setForeground(QBrush(WITHDRAWN) if p.withdrawn else QBrush())

    def refresh_flags(self) -> None:
        flags, titles = people_records.flagged_reels(self.bridge.lib)
        self.flags.clear()
        for reel_id, why in sorted(flags.items()):
            item = QListWidgetItem(f"⚠ {titles.get(reel_id, reel_id)}: {why}", self.flags)
            item.setData(Qt.ItemDataRole.UserRole, reel_id)
            item.setForeground(QBrush(WITHDRAWN))
        self.flags_title.setText(f"<b>Reels that cannot go out as they are ({len(flags)})</b>" if flags
                                 else "<b>Reels</b>: every reel is within its people's consent")

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def select(self, person_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == person_id:
                self.list.setCurrentRow(row)

    def _show_current(self) -> None:
        p = self.records.get(self.current_id())
        self.details.setEnabled(p is not None)
        self._loading = True
        self.history.clear()
        self.appearances.clear()
        if p is None:
            for edit in (self.name, self.pseudonym, self.notes):
                edit.clear()
            self.consent.clear()
            self._loading = False
            return
        self.name.setText(p.name)
        self.pseudonym.setText(p.pseudonym)
        self.notes.setText(p.notes)
        self.role.setCurrentIndex(max(0, self.role.findData(p.role)))
        self.consent.setText(consent_text(p) + f"  ·  exports call them “{p.label}”")
        self.consent.setStyleSheet("color: #c0392b; font-weight: bold" if p.withdrawn else "")
        self.withdraw_button.setEnabled(not p.withdrawn)
        for h in p.history:
            what = "Withdrawn" if h.withdrawal else SCOPE_TITLES[h.scope]
            row = QTreeWidgetItem(self.history, [h.given_on or "undated", what, h.how, h.notes])
            if h.withdrawal:
                for col in range(4):
                    row.setForeground(col, QBrush(WITHDRAWN))
        for a in p.appearances:
            where = ", ".join(f"{timecode.format_short(s)}–{timecode.format_short(e)}" for s, e in a.ranges)
            row = QTreeWidgetItem(self.appearances, [a.film, where or "the whole film"])
            row.setData(0, Qt.ItemDataRole.UserRole, a.film_id)
        for col in range(3):  # date, consent, how: whole; the notes take the rest
            self.history.resizeColumnToContents(col)
        self.appearances.resizeColumnToContents(0)
        self.faces.show_person(self.bridge.lib, p.id, p.name)
        self._loading = False

    # -- changing ------------------------------------------------------------------------
    def _run(self, fn, *args, say=None, **kwargs):
        """Through the one runner: refusals shown the one way, what was done said (with Undo)."""
        result = self.bridge.runner.run(lambda lib: [fn(lib, *args, **kwargs)], self, say=say)
        if result is None:  # refused: show what is really there again
            self._show_current()
            return None
        return result[0]

    def _edit(self, **fields) -> None:
        p = self.records.get(self.current_id())
        if self._loading or p is None:
            return
        if all(getattr(p, k) == v for k, v in fields.items()):
            return
        self._run(people.edit, p.id, say=edit_said(p.name, fields), **fields)

    def add_person(self) -> None:
        dialog = AddPersonDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        v = dialog.values()
        person_id = self._run(people.add, v["name"], v["role"], v["consent"], given_on=v["given_on"], how=v["how"],
                              notes=v["notes"], pseudonym=v["pseudonym"],
                              say=f"Added {quoted(v['name'])} ({v['role']}, consent: {v['consent']}).")
        if person_id is not None:
            self.select(person_id)

    def new_consent(self) -> None:
        p = self.records.get(self.current_id())
        if p is None:
            return
        dialog = ConsentDialog(p.name, p.consent, p.withdrawn, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            v = dialog.values()
            self._run(people.give_consent, p.id, v["scope"], given_on=v["given_on"], how=v["how"], notes=v["notes"],
                      say=f"Recorded {possessive(p.name)} consent: {v['scope']}.")

    def withdraw(self) -> dict | None:
        p = self.records.get(self.current_id())
        if p is None or p.withdrawn:
            return None
        dialog = WithdrawDialog(p.name, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        v = dialog.values()
        report = self._run(people.withdraw, p.id, on=v["on"], how=v["how"], notes=v["notes"],
                           say=f"{possessive(p.name)} consent is withdrawn (final: it cannot be undone).")
        if report is not None:
            QMessageBox.information(self, "Consent withdrawn", withdrawal_summary(report))
        return report

    def add_appearance(self) -> None:
        p = self.records.get(self.current_id())
        if p is None:
            return
        films = films_to_choose(self.bridge.lib)
        dialog = AppearanceDialog(films, self.current_film(), self, rate_of=lambda f: film_rate(self.bridge.lib, f))
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.values()["film_id"] is None:
            return
        v = dialog.values()
        film_title = dict(films).get(v["film_id"], "the film")
        ranges = v["ranges"]  # read (and any mistyped time told) while the dialog was open
        self._run(people.appears, p.id, [v["film_id"]], ranges=ranges,
                  say=f"{p.name} appears in {quoted(film_title)}{' (the times given)' if ranges else ''}.")

    def add_face(self) -> None:
        """Pick this person's face in a frame (films they appear in first); exports then tell it apart."""
        from ui.people.face_picker import FacePickerDialog

        p = self.records.get(self.current_id())
        if p is None:
            return
        theirs = [a.film_id for a in p.appearances]
        films = sorted(films_to_choose(self.bridge.lib), key=lambda f: f[0] not in theirs)
        first = self.current_film() if self.current_film() in theirs else (theirs[0] if theirs else None)
        self.face_dialog = FacePickerDialog(self.bridge.runner, p.name, films, first, self)
        if self.face_dialog.exec() != QDialog.DialogCode.Accepted or self.face_dialog.values() is None:
            return
        film_id, time_us, number = self.face_dialog.values()
        self._run(faces.add_face, p.id, film_id, time_us, pick=number,
                  say=f"{possessive(p.name)} face is known (with more views of it from the same shot): exports cover "
                      "it and leave people who may be shown visible.")

    def remove_face(self) -> None:
        p = self.records.get(self.current_id())
        face_id = self.faces.current_face()
        if p is not None and face_id is not None:
            self._run(faces.remove_face, face_id, say=f"Removed a known face of {p.name}.")

    def preview_anonymised(self, audience: str = "public") -> None:
        """The selected clip as an anonymised export to ``audience`` covers it (the same consent
        decision and face plan): the menu on the button picks the audience."""
        from app import reads
        from ui.people.preview_window import preview_clip

        clip_id = self.current_clip()
        if clip_id is None:
            QMessageBox.information(self, "Anonymised preview", "Select a clip first (in the clip list or timeline).")
            return
        title = next((c.title for c in reads.clips(self.bridge.lib, [clip_id])), "the clip")
        self.preview_job = preview_clip(self, self.bridge.runner, clip_id, title, audience=audience, cover_all=False)

    def remove_appearance(self) -> None:
        p = self.records.get(self.current_id())
        row = self.appearances.currentItem()
        if p is not None and row is not None:
            self._run(people.remove_appearance, p.id, row.data(0, Qt.ItemDataRole.UserRole),
                      say=f"{p.name} is no longer listed in {quoted(row.text(0))}.")


def withdrawal_summary(report: dict) -> str:
    lines = [f"{report['person']}'s consent is withdrawn. Nothing with them can be exported or shown."]
    lines.append("Reels with them: " + (", ".join(r["title"] for r in report["reels"]) or "none"))
    lines.append("Reviews with them: " + ("; ".join(people.reviews_said(report["reviews"])) or "none"))
    lines += people.exported_said(report, bullet="  • ")
    return "\n".join(lines)
