"""The Clip panel's safeguarding control: flag a clip as distressing, with the warning the room
reads before it (a content-warning card in every reel and presentation of it).

One tick or one note is one undoable step (``app.clips.safeguarding``); the status bar says
what changed, with Undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QPlainTextEdit, QVBoxLayout, QWidget

from app.clips import safeguarding
from app.records import ClipRecord
from app.reels.reel_plan import DEFAULT_WARNING
from ui.kit.bridge import LibraryBridge

FLAG_LABEL = "Distressing content: show a warning first"


class WarningEdit(QPlainTextEdit):
    """The warning's words, wrapped so the whole sentence shows; Enter or leaving the field
    saves (one paragraph: it goes on a card)."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        lines = self.fontMetrics().lineSpacing()
        self.setFixedHeight(int(lines * 2.6 + 2 * self.frameWidth() + 8))

    def text(self) -> str:
        return " ".join(self.toPlainText().split())

    def setText(self, text: str) -> None:
        self.setPlainText(text)
        self.document().setModified(False)

    def isModified(self) -> bool:
        return self.document().isModified()

    def setModified(self, on: bool) -> None:
        self.document().setModified(on)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.done.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        self.done.emit()
        super().focusOutEvent(event)


class SafeguardingBox(QWidget):
    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.clip: ClipRecord | None = None
        self.flag = QCheckBox(FLAG_LABEL, self, objectName="clipSafeguard")
        self.flag.setToolTip("Reels and presentations put a content-warning card before this clip "
                             "(even when title cards are off)")
        self.note = WarningEdit(self)
        self.note.setObjectName("clipWarningNote")
        self.note.setPlaceholderText(f"Warning text (empty: “{DEFAULT_WARNING}”)")
        self.note.setToolTip("What the warning card says before this clip, e.g. “The next clip shows a "
                             "person in crisis.”")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.flag)
        layout.addWidget(self.note)
        self.flag.clicked.connect(self._flag_clicked)
        self.note.done.connect(self._note_done)
        self.show_clip(None)

    def show_clip(self, clip: ClipRecord | None) -> None:
        self.clip = clip
        flagged = clip is not None and clip.safeguarding
        self.flag.setEnabled(clip is not None)
        self.flag.setChecked(flagged)
        self.note.setEnabled(flagged)
        if not (flagged and self.note.hasFocus() and self.note.isModified()):  # keep words being typed
            self.note.setText(clip.safeguarding_note if flagged else "")

    def _flag_clicked(self, on: bool) -> None:
        if self.clip is None:
            return
        clip_id, title, note = self.clip.id, self.clip.title, self.note.text().strip() if on else ""
        if self._run(lambda lib: safeguarding.flag(lib, [clip_id], on=on, note=note)):
            if on:
                self._say(f"Content warning on “{title}”: reels and presentations show a warning card before it.")
                self.note.setEnabled(True)
                self.note.setFocus()  # the facilitator writes what the warning says next
            else:
                self._say(f"Content warning taken off “{title}”.")
        else:
            self.flag.setChecked(not on)

    def _note_done(self) -> None:
        clip = self.clip
        if clip is None or not clip.safeguarding:
            return
        note = self.note.text().strip()
        self.note.setModified(False)
        if note == clip.safeguarding_note:
            return
        if self._run(lambda lib: safeguarding.set_note(lib, clip.id, note)):
            shown = note or DEFAULT_WARNING
            self._say(f"Warning before “{clip.title}” now reads: {shown}")

    def _run(self, op) -> bool:
        return self.bridge.runner.run(lambda lib: op(lib) or True, parent=self) is not None

    def _say(self, text: str) -> None:
        self.bridge.runner.say(text, [("Undo", self.bridge.runner.undo)])
