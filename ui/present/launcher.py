"""File → Present (F5): choose what to present and to whom, then run the presentation.

What can be presented: a reel, a prototype's evidence board, an event's films, or the clips
the clip list shows now (its filters as set). The review is created in the core first (the
words on its screens checked for names, what consent withholds now noted), and the gate is
asked again for every item as it is shown.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QRadioButton, QWidget,
)

from app import reads
from app.reviews import reviews
from ui.kit.bridge import LibraryBridge
from ui.kit.operations import OperationRunner
from ui.kit.saying import plural


class PresentDialog(QDialog):
    def __init__(self, bridge: LibraryBridge, clip_ids: list[int], parent: QWidget | None = None,
                 prototype_id: int | None = None, reel_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presentDialog")
        self.setWindowTitle("Present at a review")
        lib = bridge.lib
        reels = [(r.title, r.id) for r in reads.reels(lib)]
        protos = [(p.name, p.id) for p in reads.prototypes(lib)]
        events = [(e.name, e.id) for e in reads.events(lib)]
        self.clip_ids = clip_ids
        self.group = QButtonGroup(self)
        form = QFormLayout(self)
        self.choices: dict[str, tuple[QRadioButton, QComboBox | None]] = {}
        for key, label, items, current in (("reel", "A reel", reels, reel_id),
                                           ("prototype", "A prototype's evidence", protos, prototype_id),
                                           ("event", "An event's films", events, None)):
            radio = QRadioButton(label, self, objectName=f"present_{key}")
            box = QComboBox(self, objectName=f"present_{key}_choice")
            for name, item_id in items:
                box.addItem(name, item_id)
            if current is not None:
                box.setCurrentIndex(max(box.findData(current), 0))
            radio.setEnabled(bool(items))
            box.setEnabled(bool(items))
            box.activated.connect(lambda _i, r=radio: r.setChecked(True))
            self.group.addButton(radio)
            form.addRow(radio, box)
            self.choices[key] = (radio, box)
        clips = QRadioButton(f"The {plural(len(clip_ids), 'clip')} the clip list shows", self, objectName="present_clips")
        clips.setEnabled(bool(clip_ids))
        self.group.addButton(clips)
        form.addRow(clips)
        self.choices["clips"] = (clips, None)
        self.audience = QComboBox(self, objectName="presentAudience")
        self.audience.addItem("The collaborative (people who use services, carers, partners)", "collaborative")
        self.audience.addItem("The team only", "team")
        form.addRow("Who is in the room", self.audience)
        self.discuss = QLineEdit(self, objectName="presentDiscuss",
                                 placeholderText="e.g. What would have helped here? (optional, after every clip)")
        form.addRow("Question after each clip", self.discuss)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Present")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        preferred = "reel" if reel_id else "prototype" if prototype_id else "clips" if clip_ids else "reel"
        for key in (preferred, "reel", "prototype", "event", "clips"):
            if self.choices[key][0].isEnabled():
                self.choices[key][0].setChecked(True)
                break

    def start_review(self, lib) -> int:
        """Create the review the dialog describes; returns its id."""
        key = next(k for k, (radio, _box) in self.choices.items() if radio.isChecked())
        audience, discuss = self.audience.currentData(), self.discuss.text().strip()
        if key == "clips":
            return reviews.start(lib, clip_ids=self.clip_ids, audience=audience, discuss=discuss)
        ref = str(self.choices[key][1].currentData())
        return reviews.start(lib, audience=audience, discuss=discuss, **{key: ref})


class PresentLauncher(QObject):
    """Owns the running presentation (one at a time)."""

    started = Signal(int)
    ended = Signal(int)

    def __init__(self, bridge: LibraryBridge, runner: OperationRunner, window: QWidget,
                 clip_ids: Callable[[], list[int]],
                 prototype_id: Callable[[], int | None] = lambda: None,
                 reel_id: Callable[[], int | None] = lambda: None) -> None:
        super().__init__(window)
        self.bridge, self.runner, self.window = bridge, runner, window
        self._clip_ids, self._prototype_id, self._reel_id = clip_ids, prototype_id, reel_id
        self.presentation = None
        self.dialog: PresentDialog | None = None

    def choose(self) -> None:
        """F5: the dialog; Present starts at once."""
        if self.presentation is not None and self.presentation.active:
            self.presentation.resume()
            return
        self.dialog = PresentDialog(self.bridge, self._clip_ids(), self.window, self._prototype_id(),
                                    self._reel_id())
        self.dialog.accepted.connect(self._from_dialog)
        self.dialog.open()

    def _from_dialog(self) -> None:
        review_id = self.runner.run(self.dialog.start_review, self.window, say=False)  # the presentation opens
        if review_id is not None:
            self.present(review_id)

    def present(self, review_id: int, start_item: int | None = None) -> None:
        from ui.present.session import Presentation

        if self.presentation is not None and self.presentation.active:
            self.presentation.leave()
        laptop = self.window.screen() if self.window.isVisible() else None
        self.presentation = Presentation(self.bridge.lib, review_id, start_item=start_item, laptop=laptop,
                                         runner=self.runner, parent=self, elsewhere=self.bridge.changed_elsewhere)
        self.presentation.finished.connect(self.ended)
        self.presentation.start()
        self.started.emit(review_id)
