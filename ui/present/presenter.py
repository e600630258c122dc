"""The presenter view on the facilitator's laptop: where the meeting is, what comes next, the
clip's own notes, a timer, and the places to capture what the room says (a note per clip,
quick marks, actions). Everything typed is saved as it is typed (``ui.present.debounce``).
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from app.reviews import present_sequence as seq
from app import reads
from app.library import Library
from app.reviews import reviews
from app.reviews.review_records import MARK_LABELS, ItemRecord, ReviewDetail
from ui.kit.operations import OperationRunner
from ui.present.debounce import Debounced

SLIDE_WORDS = {seq.CARD: "title card", seq.CLIP: "playing the clip", seq.DISCUSS: "discussion",
               seq.WITHHELD: "withheld", seq.WARNING: "content warning", seq.END: "end card",
               seq.OPENING: "the reel's opening card", seq.CLOSING: "the reel's closing card (credits)"}
MARK_KEYS = {"matters": "1", "surprising": "2", "action": "3"}


def clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


class PresenterView(QWidget):
    mark_pressed = Signal(str)

    def __init__(self, lib: Library, review_id: int, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presenterView")
        self.setWindowTitle("ProtoReel — presenter")
        self.lib, self.review_id, self.runner = lib, review_id, runner
        self.item: ItemRecord | None = None
        self.started = time.monotonic()
        self.item_started = time.monotonic()
        self.action_id: int | None = None

        big = QFont()
        big.setPointSize(15)
        big.setBold(True)
        self.now = QLabel(self, objectName="presenterNow", wordWrap=True)
        self.now.setFont(big)
        self.next = QLabel(self, objectName="presenterNext", wordWrap=True)
        self.timer_label = QLabel(self, objectName="presenterTimer")
        self.timer_label.setFont(big)
        self.clip_notes = QLabel(self, objectName="presenterClipNotes", wordWrap=True)
        self.clip_notes.setTextFormat(Qt.TextFormat.PlainText)
        self.clip_notes.setFrameShape(QFrame.Shape.StyledPanel)
        self.clip_notes.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.discuss = QLineEdit(self, objectName="presenterDiscuss", placeholderText="Question for the room after "
                                 "this clip (e.g. What would have helped here?)")
        self.note_label = QLabel("Notes on this clip", self)
        self.note = QPlainTextEdit(self, objectName="presenterNote",
                                   placeholderText="What the room says… (saved as you type)")
        self.mark_buttons: dict[str, QPushButton] = {}
        marks = QHBoxLayout()
        for kind, label in MARK_LABELS.items():
            button = QPushButton(self, objectName=f"mark_{kind}")
            button.setToolTip(f"Count a “{label}” for this clip (key {MARK_KEYS[kind]})")
            button.clicked.connect(lambda _c=False, k=kind: self.mark_pressed.emit(k))
            marks.addWidget(button)
            self.mark_buttons[kind] = button

        self.action_text = QLineEdit(self, objectName="actionText", placeholderText="Action agreed… (saved as typed)")
        self.action_owner = QLineEdit(self, objectName="actionOwner", placeholderText="Who")
        self.action_due = QLineEdit(self, objectName="actionDue", placeholderText="By (YYYY-MM-DD)")
        self.action_proto = QComboBox(self, objectName="actionPrototype")
        self.new_action = QPushButton("New action", self, objectName="newAction")
        self.delete_action = QPushButton("Delete", self, objectName="deleteAction")
        self.actions = QListWidget(self, objectName="actionList")
        self.actions.setWordWrap(True)
        self.actions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status = QLabel(self, objectName="presenterStatus")

        top = QGridLayout()
        top.addWidget(self.now, 0, 0)
        top.addWidget(self.timer_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        top.addWidget(self.next, 1, 0, 1, 2)
        top.setColumnStretch(0, 1)
        capture = QVBoxLayout()
        capture.addWidget(self.note_label)
        capture.addWidget(self.note, 2)
        capture.addLayout(marks)
        box = QGroupBox("Actions", self)
        form = QFormLayout(box)
        form.addRow(self.action_text)
        who = QHBoxLayout()
        for widget in (self.action_owner, self.action_due, self.action_proto):
            who.addWidget(widget)
        form.addRow(who)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_action)
        buttons.addWidget(self.delete_action)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.actions)
        left = QVBoxLayout()
        left.addWidget(QLabel("About this clip", self))
        left.addWidget(self.clip_notes, 1)
        left.addWidget(QLabel("Discuss card", self))
        left.addWidget(self.discuss)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(capture, 3)
        columns.addWidget(box, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)
        keys = QLabel("→ / Space / PageDown next · ← / PageUp back · R replay · P pause · B blackout · "
                      "F5 resume · 1 2 3 marks · Tab notes overlay · Esc leave", self)
        keys.setObjectName("presenterKeys")
        keys.setStyleSheet("color: #666")
        self.keys_help = keys  # a review's notes window opened again says its own keys
        layout.addWidget(keys)
        layout.addWidget(self.status)

        self.note_saver = Debounced(self._save_note, self)
        self.action_saver = Debounced(self._save_action, self)
        self.discuss_saver = Debounced(self._save_discuss, self)
        self.note.textChanged.connect(self.note_saver.changed)
        self.discuss.textEdited.connect(lambda _t: self.discuss_saver.changed())
        for field in (self.action_text, self.action_owner, self.action_due):
            field.textEdited.connect(lambda _t: self.action_saver.changed())
        self.action_proto.activated.connect(lambda _i: (self.action_saver.changed(), self.action_saver.flush()))
        self.new_action.clicked.connect(self.start_new_action)
        self.action_text.returnPressed.connect(self.start_new_action)
        self.delete_action.clicked.connect(self._delete_action)
        self.actions.currentItemChanged.connect(self._pick_action)
        self._tick = QTimer(self, interval=500)
        self._tick.timeout.connect(self._show_time)
        self._tick.start()
        self._fill_prototypes()

    # -- following the meeting -------------------------------------------------------------
    def show_slide(self, detail: ReviewDetail, slides: list[seq.Slide], index: int) -> None:
        slide = slides[index]
        item = detail.items[slide.item] if 0 <= slide.item < len(detail.items) else None
        if item is None or self.item is None or item.id != self.item.id:
            self.flush()
            self.item_started = time.monotonic()
            self._bind(item, detail)
        where = f"{slide.item + 1} of {len(detail.items)}" if item else (
            "the start" if slide.kind == seq.OPENING else "the end")
        self.now.setText(f"Now ({where}): {item.title if item else detail.review.title} — {SLIDE_WORDS[slide.kind]}")
        upcoming = next((s for s in slides[index + 1:] if s.item != slide.item), None)
        if upcoming is None or upcoming.kind == seq.END:
            self.next.setText("Next: the end card")
        else:
            nxt = detail.items[upcoming.item]
            self.next.setText(f"Next: {nxt.title}" + ("  (withheld)" if nxt.withheld else ""))
        self.refresh_marks(detail)

    def _bind(self, item: ItemRecord | None, detail: ReviewDetail) -> None:
        self.item = item
        about = []
        if item is not None:
            if item.withheld:
                about.append(f"Withheld from this meeting: {item.withheld_reason}")
            if item.tags:
                about.append("Tags: " + ", ".join(f"{t['kind']}: {t['name']}" for t in item.tags))
            if item.prototypes:
                about.append("Prototypes: " + ", ".join(item.prototypes))
            if item.quote:
                about.append(f"“{item.quote}”")
            if item.clip_note:
                about.append(item.clip_note)
        self.clip_notes.setText("\n\n".join(about) or "No notes on this clip.")
        on_clip = item is not None and item.clip_id is not None
        self.note_label.setText("Notes on this clip" if on_clip else "Notes on the meeting")
        self.note.blockSignals(True)
        self.note.setPlainText(item.note if on_clip else detail.meeting_note)
        self.note.blockSignals(False)
        self.discuss.setText(item.discuss if item else "")
        self.discuss.setEnabled(item is not None and not item.withheld)
        for button in self.mark_buttons.values():
            button.setEnabled(on_clip)
        default_proto = item.prototypes[0] if item and item.prototypes else None
        if default_proto and self.action_id is None:
            self.action_proto.setCurrentIndex(max(self.action_proto.findText(default_proto), 0))
        self.fill_actions(detail)

    def refresh_marks(self, detail: ReviewDetail) -> None:
        item = next((i for i in detail.items if self.item and i.id == self.item.id), None)
        for kind, button in self.mark_buttons.items():
            count = item.marks.get(kind, 0) if item else 0
            button.setText(f"{MARK_LABELS[kind].capitalize()} ({count})")

    def _show_time(self) -> None:
        now = time.monotonic()
        self.timer_label.setText(f"{clock(now - self.started)}   this item {clock(now - self.item_started)}")

    # -- saving as typed -------------------------------------------------------------------
    def flush(self) -> None:
        for saver in (self.note_saver, self.discuss_saver, self.action_saver):
            saver.flush()

    def _save_note(self) -> None:
        clip_id = self.item.clip_id if self.item is not None else None
        text = self.note.toPlainText()
        self.runner.run(lambda lib: reviews.set_note(lib, self.review_id, clip_id, text), self, say=False,
                        on_success=lambda _r: self.status.setText("Saved."))  # said here, where it was typed

    def _save_discuss(self) -> None:
        if self.item is not None:
            item_id, question = self.item.id, self.discuss.text().strip()
            self.runner.run(lambda lib: reviews.set_discuss(lib, item_id, question), self, say=False)

    def _fill_prototypes(self) -> None:
        names = [(p.name, p.id) for p in reads.prototypes(self.lib)]
        self.action_proto.clear()
        self.action_proto.addItem("No prototype", None)
        for name, proto_id in names:
            self.action_proto.addItem(name, proto_id)

    def _action_fields(self) -> dict:
        return {"text": self.action_text.text().strip(), "owner": self.action_owner.text().strip(),
                "prototype_id": self.action_proto.currentData()}

    def _save_action(self) -> None:
        fields = self._action_fields()
        due = self.action_due.text().strip()
        try:
            fields["due"] = reviews.parse_due(due)
            self.action_due.setStyleSheet("")
        except ValueError:  # half-typed date: keep the rest, the date follows when it is whole
            self.action_due.setStyleSheet("color: #b00")
        if self.action_id is None:
            if not fields["text"]:
                return
            clip_id = self.item.clip_id if self.item is not None else None
            self.action_id = self.runner.run(
                lambda lib: reviews.add_action(lib, self.review_id, clip_id=clip_id, **fields), self, say=False)
        else:
            action_id = self.action_id
            self.runner.run(lambda lib: reviews.update_action(lib, action_id, **fields), self, say=False)
        self.status.setText("Action saved.")

    def start_new_action(self) -> None:
        self.action_saver.flush()
        self.action_id = None
        self.actions.blockSignals(True)
        self.actions.clearSelection()
        self.actions.setCurrentItem(None)
        self.actions.blockSignals(False)
        for field in (self.action_text, self.action_owner, self.action_due):
            field.clear()
        self.action_text.setFocus()

    def _delete_action(self) -> None:
        if self.action_id is not None:
            self.action_saver.flush()
            action_id = self.action_id
            if self.runner.run(lambda lib: reviews.delete_action(lib, action_id), self, say=False) is not None:
                self.status.setText("Action deleted (Edit → Undo in the main window brings it back).")
            self.action_id = None
            self.start_new_action()

    def fill_actions(self, detail: ReviewDetail) -> None:
        self.actions.blockSignals(True)
        self.actions.clear()
        for a in detail.actions:
            bits = [a.owner or "nobody yet", f"by {a.due}" if a.due else "", a.prototype or ""]
            row = QListWidgetItem(f"{a.text} — " + ", ".join(b for b in bits if b))
            row.setData(Qt.ItemDataRole.UserRole, a)
            self.actions.addItem(row)
            if a.id == self.action_id:
                self.actions.setCurrentItem(row)
        self.actions.blockSignals(False)

    def _pick_action(self, row: QListWidgetItem | None, _previous=None) -> None:
        if row is None:
            return
        self.action_saver.flush()
        a = row.data(Qt.ItemDataRole.UserRole)
        self.action_id = a.id
        self.action_text.setText(a.text)
        self.action_owner.setText(a.owner)
        self.action_due.setText(a.due or "")
        self.action_proto.setCurrentIndex(max(self.action_proto.findData(a.prototype_id), 0))
