"""The library panel: events and their films, with thumbnail, title, duration and state."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget, QLabel

from app import queries, timecode
from app.changes import Changes
from app.records import FilmRecord
from media.thumbnails import load_strip
from ui.bridge import LibraryBridge

COLUMNS = ("Film", "Event", "Length", "Picture")


class FilmModel(QAbstractTableModel):
    def __init__(self, bridge: LibraryBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.films: list[FilmRecord] = []
        self._icons: dict[str, QIcon] = {}
        bridge.changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        lib = self.bridge.lib
        self.beginResetModel()
        with lib.read() as s:
            self.films = queries.film_records(s, lib.root)
        self.endResetModel()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("films", "events"):
            self.reload()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.films)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def film_at(self, row: int) -> FilmRecord:
        return self.films[row]

    def row_of(self, film_id: int) -> int | None:
        return next((i for i, f in enumerate(self.films) if f.id == film_id), None)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        film, col = self.films[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return film.title + ("  — file missing" if film.missing else "")
            if col == 1:
                return film.event or ""
            if col == 2:
                return timecode.format_clock(film.duration_us, 1)
            if col == 3:
                if not film.has_video:
                    return "audio only"
                return f"{film.width}×{film.height}" + (f" ↻{film.rotation}°" if film.rotation else "")
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._icon(film)
        if role == Qt.ItemDataRole.ForegroundRole and film.missing:
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return film.path + ("\nThe file is missing: use Relink to point to where it is now." if film.missing else "")
        if role == Qt.ItemDataRole.UserRole:
            return film.id
        return None

    def _icon(self, film: FilmRecord) -> QIcon:
        if film.sha256 not in self._icons:
            strip = load_strip(self.bridge.lib.cache_dir(film.sha256))
            icon = QIcon()
            if strip is not None:
                sheet = QPixmap(str(strip.jpeg))
                tile = strip.tile_for(film.duration_us // 10)
                icon = QIcon(sheet.copy(tile * strip.tile_width, 0, strip.tile_width, strip.tile_height))
            self._icons[film.sha256] = icon
        return self._icons[film.sha256]


class LibraryPanel(QWidget):
    film_activated = Signal(int)  # film id
    film_selected = Signal(int)

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FilmModel(bridge)
        self.view = QTableView(self)
        self.view.setObjectName("filmTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setIconSize(QSize(64, 36))
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(40)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.setSortingEnabled(False)
        self.view.doubleClicked.connect(lambda index: self.film_activated.emit(self.model.film_at(index.row()).id))
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.empty_hint = QLabel("No films yet. Drag video files here, or use File → Import (Ctrl+I).", self)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.view)
        self.model.modelReset.connect(self._update_hint)
        self._update_hint()

    def _update_hint(self) -> None:
        self.empty_hint.setVisible(self.model.rowCount() == 0)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.film_selected.emit(self.model.film_at(current.row()).id)

    def select_film(self, film_id: int) -> None:
        row = self.model.row_of(film_id)
        if row is not None:
            self.view.selectRow(row)
