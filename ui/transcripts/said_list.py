"""Under the clip list, while you search: the moments the words were said in any transcribed film,
best first (clips or not). A click (or Enter) opens the film at the moment, with the words
chosen in the Transcript panel, ready to be clipped."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app import reads
from app.changes import Changes
from media import timecode
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import plural

LIMIT = 30
ROWS_SHOWN = 5


class SaidList(QWidget):
    moment_activated = Signal(object)  # app.transcripts.search.Moment

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saidList")
        self.bridge = bridge
        self.words = ""
        self.moments: list = []
        self.title = QLabel(self)
        self.title.setObjectName("saidTitle")
        self.list = QListWidget(self)
        self.list.setObjectName("saidMoments")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.itemActivated.connect(self._activate)
        self.list.itemClicked.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        bridge.changed.connect(self._on_changed)
        self.hide()

    def search(self, words: str) -> None:
        self.words = words
        self.moments = reads.said(self.bridge.lib, words, limit=LIMIT, prefix_last=True) if words.strip() else []
        self.list.clear()
        for m in self.moments:
            who = f"{m.speaker}: " if m.speaker else ""
            item = QListWidgetItem(f"{m.film}  {timecode.format_short(m.start_us, 2)}\n{who}“{m.text}”")
            item.setToolTip(f"Said at {timecode.format_short(m.start_us, 2)} in {m.film}: click to go there")
            self.list.addItem(item)
        self.title.setText(f"Said in films: {plural(len(self.moments), 'moment')}"
                           + (" (the first)" if len(self.moments) == LIMIT else ""))
        if self.moments:
            rows = min(len(self.moments), ROWS_SHOWN)
            self.list.setMaximumHeight(rows * (self.list.sizeHintForRow(0) + 2) + 6)
        self.setVisible(bool(self.moments))

    def _activate(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if 0 <= row < len(self.moments):
            self.moment_activated.emit(self.moments[row])

    def _on_changed(self, changes: Changes) -> None:
        if self.words and changes.touches("transcripts", "transcript_segments", "films"):
            self.search(self.words)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.currentItem() is not None:
            self._activate(self.list.currentItem())
            return
        super().keyPressEvent(event)
