"""The reel's Export dialog: what consent allows for the reel's audience, and anonymising.

It says before anything is written whether everyone in the reel consented to its audience.
When someone's consent falls short, it offers to cover faces (blurred or pixelated; only in
the clips where such a person appears, or every face) and to mask voices, with a preview of a
clip exactly as the export will show it. A clip with someone who withdrew cannot go out even
anonymised: the dialog names it and does not export. The export itself asks the consent
policy again when it runs, so this dialog is advice, never the gate.
"""

from __future__ import annotations

import html

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel,
    QPushButton, QRadioButton, QVBoxLayout,
)

from app.reels.reel_consent import ReelConsent

AUDIENCE_WORDS = {"team": "the team", "collaborative": "the collaborative", "public": "the public"}
STYLES = (("blur", "Blur"), ("pixelate", "Pixelate"))


@dataclass(frozen=True)
class ExportChoice:
    """What the facilitator chose: passed straight to the core's export_reel."""

    anonymise: bool = False
    cover_all: bool = False
    style: str = "blur"
    mask_voice: bool = False

    @property
    def covering(self) -> bool:
        return self.anonymise or self.cover_all


def _listing(clips) -> str:
    return "<br>".join(f"{c.position}. {c.title} — {', '.join(c.who)}" for c in clips)


class ReelExportDialog(QDialog):
    """``preview(clip_position, choice)`` is called by "Preview anonymised…"."""

    def __init__(self, title: str, consent: ReelConsent, preview=None, covering: bool | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Export “{title}”")
        self.setObjectName("reelExportDialog")
        self.consent = consent
        self._preview = preview
        who = AUDIENCE_WORDS.get(consent.audience, consent.audience)
        self.summary = QLabel(self)
        self.summary.setObjectName("consentSummary")
        self.summary.setWordWrap(True)
        if not consent.exportable:
            self.summary.setText(f"<b>This reel cannot be exported to {who}, even anonymised:</b><br>"
                                 f"{_listing(consent.withheld)}<br>Take these clips out of the reel first.")
        elif consent.needs_covering:
            self.summary.setText(f"<b>Some people in this reel did not consent to {who}.</b> It can go out "
                                 f"only with faces covered in their clips:<br>{_listing(consent.to_cover)}")
        else:
            self.summary.setText(f"Everyone who appears in this reel has consented to {who}.")

        self.anonymise = QGroupBox("Anonymise (video only)", self)
        self.anonymise.setObjectName("anonymiseBox")
        self.anonymise.setCheckable(True)
        self.anonymise.setToolTip("Cover faces on this computer before the video is written; nothing is uploaded")
        self.only_restricted = QRadioButton(f"Faces of people whose consent does not reach {who}",
                                            self.anonymise)
        self.only_restricted.setToolTip("Where their face is known (People panel, Add face…), only their face and "
                                        "any face the app cannot tell apart are covered; where it is not, every "
                                        "face in their clips")
        self.only_restricted.setObjectName("coverRestricted")
        self.every_face = QRadioButton("Every face in the reel", self.anonymise)
        self.every_face.setObjectName("coverAll")
        group = QButtonGroup(self)
        group.addButton(self.only_restricted)
        group.addButton(self.every_face)
        (self.only_restricted if consent.needs_covering else self.every_face).setChecked(True)
        self.style = QComboBox(self.anonymise)
        self.style.setObjectName("coverStyle")
        for key, label in STYLES:
            self.style.addItem(label, key)
        self.mask_voice = QCheckBox("Mask voices in the covered clips (pitch shift)", self.anonymise)
        self.mask_voice.setObjectName("maskVoice")
        self.preview_button = QPushButton("Preview anonymised…", self.anonymise)
        self.preview_button.setObjectName("previewAnonymised")
        self.preview_button.setToolTip("Play a clip of this reel as the anonymised export will show it "
                                       "(rendered inside the library; nothing leaves it)")
        self.preview_clip = QComboBox(self.anonymise)
        self.preview_clip.setObjectName("previewClip")
        self.preview_button.clicked.connect(self._ask_preview)
        self.face_notes = QLabel("<br>".join(html.escape(n, quote=False) for n in consent.face_notes), self.anonymise)
        self.face_notes.setObjectName("faceNotes")
        self.face_notes.setWordWrap(True)
        self.face_notes.setVisible(bool(consent.face_notes))
        box = QFormLayout(self.anonymise)
        box.addRow(self.only_restricted)
        box.addRow(self.face_notes)
        box.addRow(self.every_face)
        box.addRow("Style", self.style)
        box.addRow(self.mask_voice)
        box.addRow(self.preview_clip, self.preview_button)
        self.anonymise.setChecked(consent.needs_covering if covering is None else covering)

        self.warning = QLabel(self)
        self.warning.setObjectName("consentWarning")
        self.warning.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton("Choose file and export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportChosen")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.anonymise.toggled.connect(lambda _on: self._update())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.anonymise)
        layout.addWidget(self.warning)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self._update()

    def set_clips(self, titles: list[str]) -> None:
        """The reel's clips, for the preview's choice (covered ones first)."""
        self.preview_clip.clear()
        first = {c.position for c in self.consent.to_cover}
        order = sorted(range(1, len(titles) + 1), key=lambda n: (n not in first, n))
        for n in order:
            self.preview_clip.addItem(f"{n}. {titles[n - 1]}", n)

    def choice(self) -> ExportChoice:
        if not self.anonymise.isChecked():
            return ExportChoice()
        return ExportChoice(anonymise=True, cover_all=self.every_face.isChecked(),
                            style=self.style.currentData(), mask_voice=self.mask_voice.isChecked())

    def _ask_preview(self) -> None:
        if self._preview is not None and self.preview_clip.currentData() is not None:
            self._preview(self.preview_clip.currentData(), self.choice())

    def _update(self) -> None:
        who = AUDIENCE_WORDS.get(self.consent.audience, self.consent.audience)
        if not self.consent.exportable:
            self.warning.setText("")
            self.export_button.setEnabled(False)
        elif self.consent.needs_covering and not self.anonymise.isChecked():
            self.warning.setText(f"Without covering faces this reel cannot go to {who}: the export will refuse. "
                                 "Only a video can be anonymised.")
            self.export_button.setEnabled(True)
        else:
            self.warning.setText("Only a video (.mp4) can be anonymised." if self.anonymise.isChecked() else "")
            self.export_button.setEnabled(True)
