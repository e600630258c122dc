"""Under the clip list, while you search: the moments the words were said in any transcribed film,
best first (clips or not). A click (or Enter) opens the film at the moment, with the words
chosen in the Transcript panel, ready to be clipped. The moments are looked for off the GUI thread
(every transcript's words: 100,000 clips' worth of films); a newer search drops an older one's
moments unshown."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app import reads
from app.changes import Changes
from media import timecode
from ui.kit.bridge import LibraryBridge
from ui.kit.later import Later
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
        self._shown = 0  # the search whose moments are shown
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
        self._asked = 0
        self._later = Later("said")
        self._later.done.connect(self._arrived)
        bridge.changed.connect(self._on_changed)
        self.hide()

    @property
    def pending(self) -> bool:
        """A search's moments are being looked for."""
        return self._shown != self._asked

    def search(self, words: str) -> None:
        """Look for the moments ``words`` were said, off the GUI thread; shown when found unless
        a newer search was asked for meanwhile. No words: nothing shown, at once."""
        self.words = words
        self._asked += 1
        asked = self._asked
        if not words.strip():
            self._show(asked, [])
            return
        lib = self.bridge.lib
        self._later.run(asked, lambda: reads.said(lib, words, limit=LIMIT, prefix_last=True))

    def _arrived(self, asked: int, result) -> None:
        if asked != self._asked:
            return  # a newer search was asked for meanwhile
        self._show(asked, [] if isinstance(result, BaseException) else result)  # the library closed under it

    def _show(self, asked: int, moments: list) -> None:
        self._shown = asked
        self.moments = moments
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
