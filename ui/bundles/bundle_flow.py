"""File → Export Bundle… and File → Import Bundle…: clips handed to a partner organisation's
ProtoReel and taken in from one.

Export asks what to bundle (the reel open in the reel builder, the prototype picked in the
Prototypes panel, or the event selected in the library, preselected), for whom, and whether
to cover faces where someone's consent falls short. Before a file is chosen it says which
clips cannot go to that audience (by their place and title) and offers to leave them out;
then where to save it (the save dialog's replace rule). Both run on the one runner, with
progress and Cancel, and end in the status bar: the exported file with "Show in folder", or
what the import added with Undo. The consent check itself is the core's gate
(app/bundles/bundle_export.py): this dialog only asks, and says beforehand what it will answer.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QRadioButton,
    QWidget,
)

from app import reads
from ui.kit.bridge import LibraryBridge
from ui.kit.name_notes import NameNotes
from ui.kit.saying import plural
from ui.kit.save_dialog import ask_save_path, last_folder, remember, replace_agreed
from ui.kit.workers import Job
from media.oslayer import safe_file_name
from media.errors import ProtoReelError


def _bundles():
    """The bundle writer and reader, loaded when first used (with the import pipeline they
    bring numpy and the film decoders: more than half a second of every start-up)."""
    from app.bundles import bundle_export, bundle_import  # noqa: F401

    import app.bundles as bundles
    return bundles

BUNDLE_FILTER = "ProtoReel bundle (*.protoreel)"
COVER_LABEL = "Cover the faces of people whose consent does not reach them"
LEAVE_OUT_LABEL = "Leave out the clips that cannot go"
# A refusal for a short consent points at this dialog's tick boxes, not at a command-line flag.
COVER_HINT = (f"tick \u201c{COVER_LABEL}\u201d in the Export Bundle dialog to cover their faces "
              f"(never those of someone who withdrew), or \u201c{LEAVE_OUT_LABEL}\u201d")
AUDIENCES = (("collaborative", "The collaborative (a partner organisation)"), ("team", "The team only"),
             ("public", "The public"))


class BundleDialog(QDialog):
    """What to bundle and for whom. ``choice()`` gives the keyword arguments of export_bundle."""

    def __init__(self, lib, reel_id: int | None, prototype_id: int | None, event: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundleDialog")
        self.setWindowTitle("Export bundle")
        reels = reads.reels(lib)
        self.reel_audience = {r.id: r.audience for r in reels}
        sources = (("reel", "A reel", [(r.title, r.id) for r in reels], reel_id),
                   ("prototype", "A prototype's evidence", [(p.name, p.id) for p in reads.prototypes(lib)], prototype_id),
                   ("event", "An event's clips", [(e.name, e.name) for e in reads.events(lib)], event))
        form = QFormLayout(self)
        form.addRow(QLabel("A bundle carries clips (only their stretch of film), their tags, notes and prototypes, "
                           "and the people in them by pseudonym or role with their consent, for another "
                           "ProtoReel library. Names stay here.", self, wordWrap=True))
        self.group = QButtonGroup(self)
        self.choices: dict[str, tuple[QRadioButton, QComboBox]] = {}
        for key, label, items, current in sources:
            radio = QRadioButton(label, self, objectName=f"bundle_{key}")
            box = QComboBox(self, objectName=f"bundle_{key}_choice")
            for name, value in items:
                box.addItem(name, value)
            if current is not None and box.findData(current) >= 0:
                box.setCurrentIndex(box.findData(current))
            radio.setEnabled(bool(items))
            box.setEnabled(bool(items))
            box.activated.connect(lambda _i, r=radio: r.setChecked(True))
            radio.toggled.connect(lambda _on: self._follow_reel())
            box.currentIndexChanged.connect(lambda _i: self._follow_reel())
            self.group.addButton(radio)
            form.addRow(radio, box)
            self.choices[key] = (radio, box)
        self.audience = QComboBox(self, objectName="bundleAudience")
        for value, label in AUDIENCES:
            self.audience.addItem(label, value)
        form.addRow("Who will see it", self.audience)
        self.anonymise = QCheckBox(COVER_LABEL, self,
                                   objectName="bundleAnonymise")
        self.anonymise.setToolTip("Faces are covered on this computer before the bundle is written; someone who "
                                  "withdrew consent is never bundled, covered or not")
        form.addRow(self.anonymise)
        self.style = QComboBox(self, objectName="bundleStyle")
        self.style.addItem("Blur", "blur")
        self.style.addItem("Pixelate", "pixelate")
        form.addRow("Covering", self.style)
        self.style.setEnabled(False)
        self.anonymise.toggled.connect(self.style.setEnabled)
        self.consent = QLabel(self, objectName="bundleConsent", wordWrap=True)
        form.addRow(self.consent)
        self.leave_out = QCheckBox(LEAVE_OUT_LABEL, self, objectName="bundleLeaveOut")
        self.leave_out.setToolTip("The bundle carries the other clips; the clips listed above stay here")
        form.addRow(self.leave_out)
        self.lib = lib
        self.said = None  # the core's bundle_consent for what is chosen now
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Choose file and export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("bundleExportChosen")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        preferred = "reel" if reel_id else "prototype" if prototype_id else "event" if event else "reel"
        for key in (preferred, "reel", "prototype", "event"):
            if self.choices[key][0].isEnabled():
                self.choices[key][0].setChecked(True)
                break
        for radio, box in self.choices.values():
            radio.toggled.connect(lambda _on: self.check_consent())
            box.currentIndexChanged.connect(lambda _i: self.check_consent())
        self.audience.currentIndexChanged.connect(lambda _i: self.check_consent())
        self.anonymise.toggled.connect(lambda _on: self.check_consent())
        self.leave_out.toggled.connect(lambda _on: self.check_consent())
        self.check_consent()

    def check_consent(self) -> None:
        """Say which clips cannot go to the chosen audience, by place and title, before any file
        is chosen; export only when every clip can go, or those that cannot are left out."""
        if not any(r.isChecked() for r, _b in self.choices.values()):
            self.export_button.setEnabled(False)
            return
        key, value, _text = self.subject()
        try:
            self.said = _bundles().bundle_export.bundle_consent(self.lib, audience=self.audience.currentData(),
                                                     anonymise=self.anonymise.isChecked(), **{key: str(value)})
        except ProtoReelError as exc:  # nothing to bundle there
            self.said = None
            self.consent.setText(str(exc))
            self.leave_out.setEnabled(False)
            self.export_button.setEnabled(False)
            return
        said = self.said
        short = said.cannot_go
        if not short:
            self.consent.setText(f"{'The' if said.count == 1 else 'All'} {plural(said.count, 'clip')} can go to {said.audience}.")
        else:
            listing = "<br>".join(html.escape(f"{c.position}. {c.title} — {', '.join(c.who)}") for c in short)
            could = (" Covering faces would let the clips without a withdrawal go."
                     if said.covering_helps and not self.anonymise.isChecked() else "")
            self.consent.setText(f"<b>{len(short)} of {plural(said.count, 'clip')} cannot go to {said.audience}:</b><br>"
                                 f"{listing}<br>{html.escape(could)}")
        self.leave_out.setEnabled(bool(short) and len(short) < said.count)
        if not self.leave_out.isEnabled():
            self.leave_out.setChecked(False)
        self.export_button.setEnabled(not short or self.leave_out.isChecked())

    def _follow_reel(self) -> None:
        """A reel goes to its own audience unless the facilitator picks another."""
        radio, box = self.choices["reel"]
        if radio.isChecked() and box.currentData() in self.reel_audience:
            self.audience.setCurrentIndex(self.audience.findData(self.reel_audience[box.currentData()]))

    def subject(self) -> tuple[str, object, str]:
        key = next(k for k, (radio, _box) in self.choices.items() if radio.isChecked())
        box = self.choices[key][1]
        return key, box.currentData(), box.currentText()

    def choice(self) -> dict:
        key, value, _text = self.subject()
        return {key: str(value), "audience": self.audience.currentData(), "anonymise": self.anonymise.isChecked(),
                "style": self.style.currentData(), "leave_out": self.leave_out.isChecked()}


class BundleFlow(QObject):
    def __init__(self, bridge: LibraryBridge, window: QWidget, reel_id: Callable[[], int | None],
                 prototype_id: Callable[[], int | None]) -> None:
        super().__init__(window)
        self.bridge, self.runner, self.window = bridge, bridge.runner, window
        self._reel_id, self._prototype_id = reel_id, prototype_id
        self.current_event: str | None = None  # the event selected in the library (LibraryPanel.event_current)
        self.dialog: BundleDialog | None = None
        self.job: Job | None = None

    def set_event(self, name: str) -> None:
        self.current_event = name or None

    def choose_export(self) -> None:
        self.dialog = BundleDialog(self.bridge.lib, self._reel_id(), self._prototype_id(), self.current_event, self.window)
        self.dialog.accepted.connect(self._export_chosen)
        self.dialog.open()

    def _export_chosen(self) -> None:
        _key, _value, text = self.dialog.subject()
        path = ask_save_path(self.window, "Export bundle", safe_file_name(text, ".protoreel", fallback="clips"), BUNDLE_FILTER,
                             self.bridge.lib.exports_dir)
        if path is not None:
            self.export_to(path, self.dialog.choice())

    def export_to(self, path: Path, choice: dict) -> Job:
        if path.suffix.lower() != ".protoreel":
            path = path.with_name(path.name + ".protoreel")
        runner, lib = self.runner, self.bridge.lib
        notes = NameNotes()
        self.job = runner.start(
            lambda progress, cancel: _bundles().bundle_export.export_bundle(lib, path, replace=replace_agreed(path),
                                                                 progress=progress, cancel=cancel, note=notes,
                                                                 cover_hint=COVER_HINT, **choice),
            parent=self.window, on_success=lambda out: (runner.announce_file(out, "Bundle exported"),
                                                        notes.show(self.window)),
            on_cancelled=lambda: runner.say(f"Bundle export cancelled: no {path.name} was written."),
            dialog=("Export bundle", f"Exporting {path.name}…", "bundleExportProgress"), title="Export bundle")
        return self.job

    def choose_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Import bundle", str(last_folder(Path.home())),
                                              BUNDLE_FILTER + ";;All files (*)")
        if name:
            remember(Path(name))
            self.import_from(Path(name))

    def import_from(self, path: Path) -> Job:
        runner, lib = self.runner, self.bridge.lib
        self.job = runner.start(
            lambda progress, cancel: _bundles().bundle_import.import_bundle(lib, path, progress=progress, cancel=cancel),
            parent=self.window, on_success=self._imported,
            on_cancelled=lambda: runner.say(f"Import of {path.name} cancelled: nothing was added."),
            dialog=("Import bundle", f"Importing {path.name}…", "bundleImportProgress"), title="Import bundle")
        return self.job

    def _imported(self, report) -> None:
        undo = [] if report.already else [("Undo", self.runner.undo)]
        self.runner.say(report.summary() + ".", undo)
