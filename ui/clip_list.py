"""The clip list: a table model over clip ids with a lazy row cache (fast at 20,000 clips).

Filtering runs one query for ids (app.queries, the same layer as the CLI); records for the
rows on screen load in batches as the view asks for them.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget,
)

from app import queries, timecode
from app.changes import Changes
from app.ops import clips as clip_ops
from app.queries import ClipFilter
from app.records import ClipRecord
from ui.bridge import LibraryBridge
from ui.errors import show_error

COLUMNS = ("Title", "Film", "In", "Out", "Length", "Tags", "Prototypes")
BATCH = 200
CLIP_MIME = "application/x-protoreel-clip-ids"
RELEVANT = ("clips", "clip_tags", "clip_prototypes", "tags", "prototypes", "films", "events", "appearances")


def short_time(us: int) -> str:
    """``1:02.48`` under an hour, ``1:02:03.48`` beyond: what fits a narrow column."""
    text = timecode.format_clock(us, 2)
    return text[3:].lstrip("0").rjust(7, "0") if us < 3_600_000_000 else text


class ClipListModel(QAbstractTableModel):
    def __init__(self, bridge: LibraryBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.filter = ClipFilter()
        self.ids: list[int] = []
        self._rows: dict[int, ClipRecord] = {}  # clip id -> record, for rows seen so far
        bridge.changed.connect(self._on_changed)
        self.refresh()

    # -- data source -------------------------------------------------------------------
    def set_filter(self, filt: ClipFilter) -> None:
        self.filter = filt
        self.refresh()

    def refresh(self) -> None:
        with self.bridge.lib.read() as s:
            ids = queries.clip_ids(s, self.filter)
        if ids == self.ids:
            self._rows.clear()
            if ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self.ids, self._rows = ids, {}
        self.endResetModel()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(*RELEVANT):
            self.refresh()

    def record(self, row: int) -> ClipRecord | None:
        clip_id = self.ids[row]
        if clip_id not in self._rows:
            start = max(row - BATCH // 4, 0)
            wanted = [i for i in self.ids[start:start + BATCH] if i not in self._rows]
            with self.bridge.lib.read() as s:
                for rec in queries.clip_records(s, wanted):
                    self._rows[rec.id] = rec
        return self._rows.get(clip_id)

    def row_of(self, clip_id: int) -> int | None:
        try:
            return self.ids.index(clip_id)
        except ValueError:
            return None

    # -- Qt model ----------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def flags(self, index):
        base = super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 0 else base

    def mimeTypes(self) -> list[str]:
        return [CLIP_MIME]

    def mimeData(self, indexes) -> QMimeData:
        """Clips dragged onto a reel (or, later, a prototype) travel as their ids."""
        ids = list(dict.fromkeys(self.ids[i.row()] for i in indexes if i.isValid()))
        mime = QMimeData()
        mime.setData(CLIP_MIME, QByteArray(json.dumps(ids).encode()))
        return mime

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return None
        rec = self.record(index.row())
        if rec is None:
            return None
        col = index.column()
        if col == 0:
            return rec.title
        if col == 1:
            return rec.film
        if col == 2:
            return short_time(rec.start_us)
        if col == 3:
            return short_time(rec.end_us)
        if col == 4:
            return f"{rec.duration_us / timecode.US:.1f} s"
        if col == 5:
            return ", ".join(t["name"] for t in rec.tags)
        return ", ".join(rec.prototypes)

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 0:
            return False
        title = str(value).strip()
        if not title:
            return False
        try:
            clip_ops.update(self.bridge.lib, self.ids[index.row()], title=title)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(None, exc)
            return False
        return True


class ClipList(QWidget):
    clip_activated = Signal(int)  # double-click: play it
    clip_selected = Signal(object)  # clip id or None

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.model = ClipListModel(bridge)
        self.search = QLineEdit(self)
        self.search.setObjectName("clipSearch")
        self.search.setPlaceholderText("Search titles, notes and quotes…")
        self.search.setClearButtonEnabled(True)
        self.tag_box = QComboBox(self)
        self.tag_box.setObjectName("clipTagFilter")
        self.count = QLabel(self)
        self.view = QTableView(self)
        self.view.setObjectName("clipTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 110), (2, 64), (3, 64), (4, 52), (5, 150), (6, 110)):
            header.resizeSection(col, width)
        self.view.doubleClicked.connect(self._on_double_click)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.tag_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.count)
        # Instant as you type, without a query per keystroke of a fast typist.
        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.tag_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.modelReset.connect(self._update_count)
        bridge.changed.connect(lambda c: self._fill_tags() if c.touches("tags") else None)
        self._fill_tags()
        self._update_count()

    def _fill_tags(self) -> None:
        current = self.tag_box.currentData()
        self.tag_box.blockSignals(True)
        self.tag_box.clear()
        self.tag_box.addItem("All tags", None)
        with self.bridge.lib.read() as s:
            for tag in queries.tags(s):
                self.tag_box.addItem(f"{tag.kind[0].upper()} · {tag.name}", tag.id)
        index = self.tag_box.findData(current)
        self.tag_box.setCurrentIndex(max(index, 0))
        self.tag_box.blockSignals(False)

    def show_tag(self, tag_id: int) -> None:
        """Filter the list to one tag (double-click in the codebook)."""
        index = self.tag_box.findData(tag_id)
        if index >= 0:
            self.tag_box.setCurrentIndex(index)

    def apply_filter(self) -> None:
        tag_id = self.tag_box.currentData()
        self.model.set_filter(ClipFilter(tags_all=[tag_id] if tag_id else [], text=self.search.text()))
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count.setText(f"{n} clip{'s' if n != 1 else ''}")

    def _on_double_click(self, index: QModelIndex) -> None:
        # Double-click plays; rename with F2 or a second click on a selected title.
        self.clip_activated.emit(self.model.ids[index.row()])

    def _on_current(self, current: QModelIndex, _previous) -> None:
        self.clip_selected.emit(self.model.ids[current.row()] if current.isValid() else None)

    def selected_ids(self) -> list[int]:
        return [self.model.ids[i.row()] for i in self.view.selectionModel().selectedRows()]

    def select_clip(self, clip_id: int | None) -> None:
        row = self.model.row_of(clip_id) if clip_id is not None else None
        if row is None:
            self.view.clearSelection()
            return
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
