"""The library panel: events and their films, with thumbnail, title, duration and state."""

from __future__ import annotations

import bisect
import datetime as dt

from PySide6.QtCore import QAbstractItemModel, QItemSelection, QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QInputDialog, QLabel, QMenu, QTreeView, QVBoxLayout, QWidget,
)

from app import reads
from media import timecode
from media.reading import interlace
from app.changes import Changes
from app.films import films
from app.records import FilmRecord
from ui.kit.bridge import LibraryBridge
from ui.library.film_pictures import FilmPictures
from ui.kit.saying import plural, quoted

NO_EVENT = "Not in an event"
COLUMNS = ("Film", "Length")
ICON_W, ICON_H = 48, 27  # one line per film: a laptop's library shows a dozen films, not three


def _utc(iso: str | None) -> dt.datetime:
    if iso is None:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.fromisoformat(iso)


def _order(film: FilmRecord) -> tuple:
    """Films of an event in the order they were filmed (unknown: as imported, last)."""
    return (film.recorded_at is None, _utc(film.recorded_at))


def _place(film: FilmRecord) -> tuple:
    return (film.event or NO_EVENT, _order(film))


def recorded_text(film: FilmRecord) -> str:
    """'Recorded Sat 28 Nov 2026 11:02 (UTC+01:00, from the phone's clock)'."""
    when = dt.datetime.fromisoformat(film.recorded_at)
    source = {"phone": "the phone's clock", "container": "the file's creation time",
              "file": "the file's date: a copy may have changed it",
              "corrected": "a time set by hand (its camera's clock was wrong)"}.get(film.recorded_from or "", "")
    zone = when.strftime("UTC%z")
    zone = zone[:-2] + ":" + zone[-2:] if len(zone) == 8 else zone
    return f"Recorded {when.strftime('%a %d %b %Y %H:%M')} ({zone}, from {source})"


class FilmTreeModel(QAbstractItemModel):
    """Two levels: events (internal id 0) and their films (internal id = 1 + event row)."""

    def __init__(self, bridge: LibraryBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.groups: list[tuple[str, list[FilmRecord]]] = []
        self._icons: dict[str, QIcon] = {}
        self._placeholder: QIcon | None = None
        self.pictures = FilmPictures(bridge, self)  # read off the GUI thread, for the rows drawn
        self.pictures.ready.connect(self._pictures_arrived)
        # Every row is this tall (the view's rows are uniform): laying out 500 films then asks
        # nothing per row, where measuring each row's text and picture read every film's strip.
        self.row_size = QSize(ICON_W, ICON_H + 4)
        self.import_progress: dict[int, float] = {}  # film id -> 0..1, while importing
        bridge.changed.connect(self._on_changed)
        self.reload()

    def reload(self, films: list[FilmRecord] | None = None) -> None:
        """Every film read again (``films``: already read, as they are now)."""
        films = reads.films(self.bridge.lib) if films is None else films
        by_event: dict[str, list[FilmRecord]] = {}
        for film in films:
            by_event.setdefault(film.event or NO_EVENT, []).append(film)
        for group in by_event.values():  # in the order they were filmed (unknown: as imported)
            group.sort(key=_order)
        self.beginResetModel()
        self.groups = sorted(by_event.items(), key=lambda kv: (kv[0] == NO_EVENT, kv[0].lower()))
        self.endResetModel()

    def _on_changed(self, changes: Changes) -> None:
        """Only the films a change names are read again: a film changed in place (renamed,
        importing on, found missing) redraws its row; a new film is inserted into its event.
        The tree is rebuilt only when its shape changes otherwise (an event's first or last
        film, a film moved to another event or place, a film removed). An event on its own
        shows nothing here: an event appears with its films."""
        film_ids = changes.ids_of("films")
        if not film_ids:
            return
        fresh = {f.id: f for f in reads.films(self.bridge.lib, list(film_ids))}
        for film_id in film_ids:
            if not self._update_in_place(film_id, fresh.get(film_id)):
                self.reload()
                return

    def _update_in_place(self, film_id: int, new: FilmRecord | None) -> bool:
        index = self.index_of(film_id)
        old = self.film(index)
        if old is None and new is None:
            return True
        if old is None:
            return self._insert(new)
        if new is None or _place(old) != _place(new):
            return False
        self.groups[index.internalId() - 1][1][index.row()] = new
        if old.sha256 != new.sha256 or old.importing != new.importing:
            self._forget_picture(old.sha256)
        self.dataChanged.emit(index, index.siblingAtColumn(len(COLUMNS) - 1))
        return True

    def _insert(self, film: FilmRecord) -> bool:
        """A new film joins its event's films in the order they were filmed; False when its
        event has no row yet."""
        name = film.event or NO_EVENT
        g = next((g for g, (group_name, _films) in enumerate(self.groups) if group_name == name), None)
        if g is None:
            return False
        group = self.groups[g][1]
        keys = [_order(f) for f in group]
        row = bisect.bisect_right(keys, _order(film))
        self.beginInsertRows(self.index(g, 0), row, row)
        group.insert(row, film)
        self.endInsertRows()
        return True

    # -- structure ---------------------------------------------------------------------
    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex) -> QModelIndex:
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=QModelIndex()) -> int:
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.groups[parent.row()][1])
        return 0

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def film(self, index: QModelIndex) -> FilmRecord | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        return self.groups[index.internalId() - 1][1][index.row()]

    def index_of(self, film_id: int) -> QModelIndex:
        for g, (_name, group) in enumerate(self.groups):
            for r, film in enumerate(group):
                if film.id == film_id:
                    return self.index(r, 0, self.index(g, 0))
        return QModelIndex()

    def film_count(self) -> int:
        return sum(len(films) for _n, films in self.groups)

    def set_import_progress(self, film_id: int, fraction: float, _message: str = "") -> None:
        """A film importing in the background moved on: its row says how far."""
        self.import_progress[film_id] = fraction
        index = self.index_of(film_id).siblingAtColumn(1)  # only its "importing n%" changes
        if index.isValid():
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    def refresh_picture(self, film_id: int) -> None:
        """More thumbnails arrived (or the film completed): draw its picture again."""
        index = self.index_of(film_id)
        film = self.film(index)
        if film is not None and film.importing:
            self._forget_picture(film.sha256)
            self.dataChanged.emit(index, index)

    def _forget_picture(self, sha256: str) -> None:
        self._icons.pop(sha256, None)
        self.pictures.forget(sha256)

    def _pictures_arrived(self, shas: list[str]) -> None:
        """Redraw just the rows whose picture arrived."""
        wanted = set(shas)
        for g, (_name, group) in enumerate(self.groups):
            for r, film in enumerate(group):
                if film.sha256 in wanted:
                    self._icons.pop(film.sha256, None)
                    index = self.index(r, 0, self.index(g, 0))
                    self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _importing_text(self, film: FilmRecord) -> str:
        fraction = self.import_progress.get(film.id)
        return "importing…" if fraction is None else f"importing {int(fraction * 100)}%"

    # -- data --------------------------------------------------------------------------
    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if self.film(index) is not None and index.column() == 0 else base

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        film = self.film(index)
        if film is None or role != Qt.ItemDataRole.EditRole or not str(value).strip():
            return False
        title = str(value)
        return self.bridge.runner.run(lambda lib: films.rename(lib, film.id, title) or True,
                                      say=f"Renamed film {quoted(film.title)} to {quoted(title.strip())}.") is not None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.SizeHintRole:
            return self.row_size
        film = self.film(index)
        if film is not None and role == Qt.ItemDataRole.EditRole:
            return film.title
        if film is None:
            name, films = self.groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{name}  ({len(films)})" if index.column() == 0 else ""
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return film.title
            if film.missing:
                return "missing"
            if film.importing:
                return self._importing_text(film)
            return timecode.format_short(film.duration_us)
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._icon(film)
        if role == Qt.ItemDataRole.ForegroundRole and film.missing:
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.ToolTipRole:
            facts = "audio only" if not film.has_video else f"{film.width}×{film.height}, {film.fps} fps"
            if film.rotation:
                facts += f", turned {film.rotation}°"
            if film.has_video and film.interlaced:
                facts += f", {interlace.said(film.interlaced)}"
            tip = f"{film.title}\n{facts}\n{film.path}"
            if film.recorded_at:
                tip += "\n" + recorded_text(film)
            if film.importing:
                tip += (f"\nStill {self._importing_text(film)}: you can play and mark it now; "
                        "thumbnails and waveform fill in as they are made.")
            return tip + ("\nThe file is missing: use File → Relink." if film.missing else "")
        if role == Qt.ItemDataRole.UserRole:
            return film.id
        return None

    def _icon(self, film: FilmRecord) -> QIcon:
        """A 48×27 picture: a frame from 10% in, or a sound mark for audio-only films; a plain
        dark box while the picture is being read."""
        if film.sha256 not in self._icons:
            at = film.duration_us // 10
            if not self.pictures.known(film, at):
                self.pictures.picture(film, at)  # asked for: the row is redrawn when it arrives
                if self._placeholder is None:
                    blank = QPixmap(ICON_W, ICON_H)
                    blank.fill(QColor("#1d2025"))
                    self._placeholder = QIcon(blank)
                return self._placeholder
            canvas = QPixmap(ICON_W, ICON_H)
            canvas.fill(QColor("#1d2025"))
            painter = QPainter(canvas)
            tile = self.pictures.picture(film, at)
            if tile is not None:
                picture = tile.scaled(
                    ICON_W, ICON_H, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
                painter.drawPixmap((ICON_W - picture.width()) // 2, (ICON_H - picture.height()) // 2, picture)
            else:
                painter.setPen(QColor("#5fb3d9"))
                for i, h in enumerate((4, 10, 16, 8, 14, 6, 12, 5)):
                    x = 14 + i * 5
                    painter.drawLine(x, ICON_H // 2 - h // 2, x, ICON_H // 2 + h // 2)
            painter.end()
            self._icons[film.sha256] = QIcon(canvas)
        return self._icons[film.sha256]


class LibraryPanel(QWidget):
    film_selected = Signal(int)  # film id
    event_current = Signal(str)  # the event of what is selected ("" for none): where a new take goes
    relink_requested = Signal(int)

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FilmTreeModel(bridge)
        self.view = QTreeView(self)
        self.view.setObjectName("filmTree")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Many films at once (Ctrl+A, Shift-click, Ctrl-click): moved to an event in one step.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setIconSize(QSize(ICON_W, ICON_H))
        # Uniform rows of one line beside a small picture: the view then never measures 500
        # rows to select or scroll to one (a GUI stall after an import), and a laptop's panel
        # shows a dozen films. A missing file says "missing" in the Length column, in red.
        self.view.setUniformRowHeights(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)  # the whole title is in the tooltip
        self.model.row_size = QSize(ICON_W, max(ICON_H, self.view.fontMetrics().lineSpacing()) + 6)
        self.view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # A fixed width that holds any length or "importing 100%": sized to its contents, the
        # column was measured again over every row at each import progress report (a stall).
        self.view.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        metrics = self.view.fontMetrics()
        self.view.header().resizeSection(1, max(metrics.horizontalAdvance(t) for t in (
            "importing 100%", "0:00:00.00", COLUMNS[1])) + 24)
        self.view.header().setStretchLastSection(False)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.empty_hint = QLabel("No films yet.\nDrag video files here, or use File → Import (Ctrl+I).", self)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.view)
        self.collapsed: set[str] = set()  # events folded away: they stay so when the tree is read again
        self.view.collapsed.connect(lambda index: self._fold(index, True))
        self.view.expanded.connect(lambda index: self._fold(index, False))
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        self.model.rowsInserted.connect(lambda *_a: self.empty_hint.setVisible(self.model.film_count() == 0))
        self._after_reset()
        self.setMinimumWidth(280)

    def _fold(self, index: QModelIndex, folded: bool) -> None:
        if index.isValid() and index.internalId() == 0 and not self._resetting:
            name = self.model.groups[index.row()][0]
            (self.collapsed.add if folded else self.collapsed.discard)(name)

    _resetting = False
    _kept: tuple[list[int], int | None, int] = ([], None, 0)

    def _before_reset(self) -> None:
        """The tree is read again (films moved, removed): what was selected, the current film
        and the scroll position are put back after, and folded events stay folded."""
        self._resetting = True
        self._kept = (self.selected_film_ids(), self.model.film(self.view.currentIndex()),
                      self.view.verticalScrollBar().value())

    def _after_reset(self) -> None:
        self.empty_hint.setVisible(self.model.film_count() == 0)
        for row, (name, _films) in enumerate(self.model.groups):
            self.view.setExpanded(self.model.index(row, 0), name not in self.collapsed)
        selected, current, scrolled = self._kept
        if selected or current is not None:
            selection = self.view.selectionModel()
            selection.blockSignals(True)  # the same film stays open: nothing to announce
            try:
                if current is not None and self.model.index_of(current.id).isValid():
                    selection.setCurrentIndex(self.model.index_of(current.id),
                                              QItemSelectionModel.SelectionFlag.NoUpdate)
                chosen = QItemSelection()
                for film_id in selected:
                    index = self.model.index_of(film_id)
                    if index.isValid():
                        chosen.select(index, index.siblingAtColumn(len(COLUMNS) - 1))
                selection.select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            finally:
                selection.blockSignals(False)
            self.view.viewport().update()
        self.view.verticalScrollBar().setValue(scrolled)
        self._kept = ([], None, 0)
        self._resetting = False

    def selected_film_ids(self) -> list[int]:
        """The films selected (Ctrl+A, Shift-click, Ctrl-click), in the order they are listed;
        an event's row selected stands for its films."""
        ids: list[int] = []
        for index in self.view.selectionModel().selectedRows(0):
            film = self.model.film(index)
            if film is not None:
                ids.append(film.id)
            elif index.isValid() and index.internalId() == 0:
                ids += [f.id for f in self.model.groups[index.row()][1]]
        order = {f.id: n for n, f in enumerate(f for _g, films_ in self.model.groups for f in films_)}
        return sorted(dict.fromkeys(ids), key=lambda i: order.get(i, 0))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        film = self.model.film(current)
        if film is not None:
            self.film_selected.emit(film.id)
            self.event_current.emit(film.event or "")
        elif current.isValid() and current.internalId() == 0:
            name = self.model.groups[current.row()][0]
            self.event_current.emit("" if name == NO_EVENT else name)

    def _menu(self, pos) -> None:
        """Right-click a film: rename (F2), move it (or every film selected) to an event,
        relink when its file is missing."""
        index = self.view.indexAt(pos)
        film = self.model.film(index)
        if film is None:
            return
        chosen = self.selected_film_ids()
        ids = chosen if film.id in chosen else [film.id]
        menu = QMenu(self)
        menu.setObjectName("filmMenu")
        menu.addAction("Rename (F2)", lambda: self.view.edit(index.siblingAtColumn(0)))
        what = "film" if len(ids) == 1 else plural(len(ids), "film")
        menu.addAction(f"Move {'the ' if len(ids) == 1 else ''}{what} to event…", lambda: self.move_to_event(ids))
        relink = menu.addAction("Relink missing file…", lambda: self.relink_requested.emit(film.id))
        relink.setEnabled(film.missing)
        self.last_menu = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def move_to_event(self, film_ids: int | list[int], name: str | None = None) -> None:
        ids = [film_ids] if isinstance(film_ids, int) else list(film_ids)
        if not ids:
            return
        lib = self.model.bridge.lib
        titles = {f.id: f.title for f in reads.films(lib, ids)}
        what = quoted(titles.get(ids[0], "the film")) if len(ids) == 1 else plural(len(ids), "film")
        if name is None:
            names = [e.name for e in reads.events(lib)]
            name, ok = QInputDialog.getItem(self, "Move to event", f"Move {what} to the event (type a new name to "
                                            "make one):", ["(none)"] + names, 0, True)
            if not ok:
                return
        event = None if name.strip() in ("", "(none)") else name.strip()
        self.model.bridge.runner.run(lambda lib: films.set_event(lib, ids, event), parent=self,
                                     say=f"Moved {what} to the event {quoted(event)}." if event
                                     else f"{what[0].upper()}{what[1:]} {'is' if len(ids) == 1 else 'are'} in no event now.")

    def reload(self, keep_film: int | None = None, films: list | None = None) -> None:
        """Read every film again (``films``: already read), keeping ``keep_film`` current without
        opening it anew (the player keeps its place)."""
        self.model.reload(films)
        if keep_film is not None:
            selection = self.view.selectionModel()
            selection.blockSignals(True)
            try:
                self.select_film(keep_film)
            finally:
                selection.blockSignals(False)

    def select_film(self, film_id: int) -> None:
        index = self.model.index_of(film_id)
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
