"""The clip list: the search, the filters, the count and the table of matching clips (the model,
read a page at a time as rows come into view: ``ui/clips/clip_model.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QTableView, QVBoxLayout, QWidget,
)

from app import reads
from app.changes import Changes
from app.prototypes import prototypes as prototype_ops
from app.queries import ClipFilter
from ui.clips.clip_model import (  # noqa: F401  (the list's names, as before the model had its file)
    CLIP_MIME, COLUMNS, ClipListModel, short_time, warning_icon, warning_text,
)
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import plural, quoted
from ui.clips.selection import ClipSelection
from ui.clips.time_of_day_box import TimeOfDayBox
from ui.transcripts.said_list import SaidList

NO_CLIPS = ("No clips yet.\n\nOpen a film from the Library, press I at a moment's first frame and O at its last, "
            "then Enter. Or, while it plays, press a tag's key (1–9): that makes a clip of the last 10 seconds "
            "and tags it.")
NO_MATCH = "No clips match these filters. Clear the search or pick “Any …” to see them all."


class ClipList(QWidget):
    clip_activated = Signal(int)  # double-click: play it
    delete_requested = Signal()  # the window deletes the selection and says so, with Undo

    def __init__(self, bridge: LibraryBridge, selection: ClipSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.selection = selection
        self._showing_selection = False
        self.model = ClipListModel(bridge)
        self.search = QLineEdit(self)
        self.search.setObjectName("clipSearch")
        self.search.setPlaceholderText("Search titles, notes, quotes and what was said…")
        self.search.setClearButtonEnabled(True)
        self.tag_box = QComboBox(self)
        self.tag_box.setObjectName("clipTagFilter")
        self.tag_model = QStandardItemModel(self)
        self.tag_box.setModel(self.tag_model)
        self.tag_box.view().pressed.connect(self._toggle_tag)
        # The box says "Tags…" or "3 tags"; sized to the longest tag name it made the clip
        # list (and so the window) too wide for a 1366-pixel laptop. The list opens full width.
        self.tag_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag_box.setMinimumContentsLength(8)
        self.match = QComboBox(self)
        self.match.addItem("all of", "all")
        self.match.addItem("any of", "any")
        self.match.setToolTip("Clips with every ticked tag, or with at least one")
        self.kind_box = self._combo("clipKindFilter", "Any kind", [(k.capitalize(), k) for k in ("challenge", "opportunity", "theme")])
        self.proto_box = self._combo("clipPrototypeFilter", "Any prototype", [])
        self.event_box = self._combo("clipEventFilter", "Any event", [])
        self.person_box = self._combo("clipPersonFilter", "Anyone", [])
        self.at_box = TimeOfDayBox(self)
        self.count = QLabel(self)
        self.empty = QLabel(self)
        self.empty.setObjectName("clipsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; padding: 8px;")
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
        header.setStretchLastSection(False)
        # A title too long for its column loses its middle, not its end (where a take's number
        # and the clip's time are): cut at the right, two takes read the same.
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Times wide enough for a clip hours into a day-long recording, in this screen's font.
        timed = self.view.fontMetrics().horizontalAdvance(short_time(5 * 3_600_000_000 + 59 * 60_000_000)) + 10
        self.widths = {1: 150, 2: 52, 3: timed, 4: timed, 5: 64, 6: 110, 7: 110}  # as wide as they need
        for col, width in self.widths.items():
            header.resizeSection(col, width)
        self.view.viewport().installEventFilter(self)  # the Title takes the room as the panel resizes
        self.view.doubleClicked.connect(self._on_double_click)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.model.modelReset.connect(lambda: self._show_selection(self.selection.ids))
        selection.changed.connect(self._show_selection)
        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.at_box)
        top.addWidget(self.match)
        top.addWidget(self.tag_box, 2)
        second = QHBoxLayout()
        for box in (self.kind_box, self.proto_box, self.event_box, self.person_box):
            second.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.view)
        layout.addWidget(self.empty, 1)
        self.said = SaidList(bridge, self)  # the moments the searched words were said, clipped or not
        layout.addWidget(self.said)
        layout.addWidget(self.count)
        # Instant as you type, without a query per keystroke of a fast typist.
        # The words are looked for off the GUI thread; a keystroke meanwhile asks again.
        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(lambda: self.apply_filter(wait=False))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.at_box.textChanged.connect(lambda _t: self._debounce.start())
        for box in (self.match, self.kind_box, self.proto_box, self.event_box, self.person_box):
            box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.counted.connect(self._update_count)
        bridge.changed.connect(self._refill)
        self._fill_tags()
        self._fill_choices()
        self._update_count()

    def _combo(self, name: str, everything: str, choices: list[tuple[str, object]]) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.addItem(everything, None)
        for label, value in choices:
            box.addItem(label, value)
        return box

    def _refill(self, changes: Changes) -> None:
        if changes.touches("tags"):
            self._fill_tags()
        if changes.touches("prototypes", "events", "people"):
            self._fill_choices()

    def _fill_tags(self) -> None:
        ticked = set(self.ticked_tags())
        self.tag_model.clear()
        header = QStandardItem("Tags…")
        header.setSelectable(False)
        self.tag_model.appendRow(header)
        for tag in reads.tags(self.bridge.lib):
            item = QStandardItem(f"{tag.kind[0].upper()} · {tag.name}")
            item.setData(tag.id, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setCheckState(Qt.CheckState.Checked if tag.id in ticked else Qt.CheckState.Unchecked)
            self.tag_model.appendRow(item)
        self.tag_box.view().setMinimumWidth(self.tag_box.view().sizeHintForColumn(0) + 24)
        self._label_tags()

    def _fill_choices(self) -> None:
        lib = self.bridge.lib
        lists = {
            self.proto_box: [(p.name, p.id) for p in reads.prototypes(lib)],
            self.event_box: [(e.name, e.id) for e in reads.events(lib)],
            self.person_box: [(p.name, p.id) for p in reads.people(lib)],
        }
        for box, choices in lists.items():
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for label, value in choices:
                box.addItem(label, value)
            box.setCurrentIndex(max(box.findData(current), 0))
            box.blockSignals(False)

    def _toggle_tag(self, index) -> None:
        item = self.tag_model.itemFromIndex(index)
        if item is None or not item.isCheckable():
            return
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
        self._label_tags()
        self.apply_filter()

    def _label_tags(self) -> None:
        n = len(self.ticked_tags())
        self.tag_model.item(0).setText("Tags…" if n == 0 else f"{n} tag{'s' if n > 1 else ''}")
        self.tag_box.setCurrentIndex(0)

    def ticked_tags(self) -> list[int]:
        return [self.tag_model.item(r).data(Qt.ItemDataRole.UserRole) for r in range(1, self.tag_model.rowCount())
                if self.tag_model.item(r).checkState() == Qt.CheckState.Checked]

    def set_tags(self, tag_ids: list[int], wait: bool = True) -> None:
        """Tick just these tags and show their clips (``wait`` False: read off the GUI thread)."""
        for r in range(1, self.tag_model.rowCount()):
            item = self.tag_model.item(r)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in tag_ids
                               else Qt.CheckState.Unchecked)
        self._label_tags()
        self.apply_filter(wait=wait)

    def show_tag(self, tag_id: int) -> None:
        """Filter the list to one tag (double-click in the codebook): its clips are read off the
        GUI thread and shown when read (a common tag at 100,000 clips held the window up)."""
        self.set_tags([tag_id], wait=False)

    def current_filter(self) -> ClipFilter:
        tags = self.ticked_tags()
        any_mode = self.match.currentData() == "any"

        def one(box):
            return [box.currentData()] if box.currentData() is not None else []

        return ClipFilter(
            tags_all=[] if any_mode else tags, tags_any=tags if any_mode else [],
            kinds=one(self.kind_box), prototype_ids=one(self.proto_box), event_ids=one(self.event_box),
            person_ids=one(self.person_box), text=self.search.text(), at_minute=self.at_box.minute())

    def apply_filter(self, wait: bool = True) -> None:
        """Show the clips matching the filters: at once, or (``wait`` False, as words are
        typed) when read off the GUI thread."""
        self.model.set_filter(self.current_filter(), wait=wait)
        self._update_count()
        self.said.search(self.search.text())

    def _update_count(self) -> None:
        n = self.model.total
        if n is None:  # counted off the GUI thread: the rows come first
            self.count.setText(f"More than {len(self.model.ids)} clips (counting…)")
            n = len(self.model.ids)
        else:
            self.count.setText(plural(n, "clip") + self.at_box.describe())
        if n == 0:
            self.empty.setText(NO_MATCH if not self.current_filter().is_empty() else NO_CLIPS)
        self.empty.setVisible(n == 0)
        self.view.setVisible(n > 0)

    TITLE_SHARE = 0.40  # of the list's width, at least: the column that tells clips apart
    TAGS_LEAST = 96  # the Tags column, however narrow the panel: a tag's first words

    def eventFilter(self, obj, event) -> bool:
        if obj is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.share_columns()
        return super().eventFilter(obj, event)

    def share_columns(self) -> None:
        """A wide panel gives every column what it needs and the Title the rest. A narrow one
        (a laptop's side panel) keeps, in this order: the Title at least ``TITLE_SHARE`` of the
        width; the Tags what is left before Out's end, at least ``TAGS_LEAST`` (it had 48 px at
        1366x768: two letters of a tag); the times their width; Length, Film and Prototypes
        after them, a scroll away (a few letters each, their whole text in the tooltip)."""
        width = self.view.viewport().width()
        header = self.view.horizontalHeader()
        w = self.widths
        fixed = sum(w[c] for c in (2, 3, 4, 5))
        need = w[1] + fixed + w[6] + w[7]
        title_least = int(width * self.TITLE_SHARE)
        header.blockSignals(True)
        try:
            if width - need >= title_least:
                sizes = {c: w[c] for c in (1, 6, 7)}
            else:
                to_out = width - title_least - w[2] - w[3] - w[4]  # room for the Tags before Out's end
                tags = min(w[1], max(to_out, self.TAGS_LEAST))
                room = max(width - title_least - tags - fixed, 0)
                scale = min(1.0, room / (w[6] + w[7]))
                sizes = {1: tags, 6: max(int(w[6] * scale), 48), 7: max(int(w[7] * scale), 48)}
            for col, size in sizes.items():
                header.resizeSection(col, size)
            used = sum(header.sectionSize(c) for c in range(1, len(COLUMNS)))
            header.resizeSection(0, max(width - used, title_least))
        finally:
            header.blockSignals(False)

    def _on_double_click(self, index: QModelIndex) -> None:
        # Double-click plays; rename with F2 or a second click on a selected title.
        self.clip_activated.emit(self.model.ids[index.row()])

    def _on_view_selection(self, *_args) -> None:
        if self._showing_selection:
            return
        rows = self.view.selectionModel().selectedRows()
        current = self.view.currentIndex().row()
        # The row clicked last comes first: it is the clip the Clip panel shows.
        ordered = sorted(rows, key=lambda i: (i.row() != current, i.row()))
        self.selection.set(self.model.ids[i.row()] for i in ordered)

    def _show_selection(self, ids) -> None:
        """Highlight the shared selection (made here, on the timeline or by a new clip)."""
        self._showing_selection = True
        try:
            rows = [r for r in (self.model.row_of(i) for i in ids) if r is not None]
            model = self.view.selectionModel()
            if sorted(i.row() for i in model.selectedRows()) == sorted(rows):
                return
            self.view.clearSelection()
            for n, row in enumerate(rows):
                flags = model.SelectionFlag.Select | model.SelectionFlag.Rows
                if n == 0:
                    model.setCurrentIndex(self.model.index(row, 0), flags)
                else:
                    model.select(self.model.index(row, 0), flags)
            if rows:
                self.view.scrollTo(self.model.index(rows[0], 0))
        finally:
            self._showing_selection = False

    def _menu(self, pos) -> None:
        """Right-click: play, link the selected clips to a prototype, delete."""
        ids = self.selected_ids()
        if not ids:
            return
        menu = QMenu(self)
        menu.addAction("Play", lambda: self.clip_activated.emit(ids[0]))
        link = menu.addMenu("Link to prototype")
        run = self.bridge.runner.run
        protos = [(p.id, p.name) for p in reads.prototypes(self.bridge.lib)]
        for proto_id, name in protos:
            link.addAction(name, lambda proto_id=proto_id, name=name: run(
                lambda lib: prototype_ops.link(lib, proto_id, ids),
                say=f"Linked {plural(len(ids), 'clip')} to {quoted(name)}."))
        link.setEnabled(bool(protos))
        menu.addSeparator()
        menu.addAction("Delete", self.delete_requested.emit)
        self.last_menu = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def selected_ids(self) -> list[int]:
        return list(self.selection.ids)

    def selected_in_list_order(self) -> list[int]:
        """The selected clips from the top of the list down, as it shows them (what a reel made
        of them plays in; the shared selection puts the clip clicked last first). A selected clip
        the list does not show (a filter hides it) comes after them."""
        rows = {clip_id: row for row, clip_id in enumerate(self.model.ids)}
        ids = self.selection.ids
        return sorted((i for i in ids if i in rows), key=rows.__getitem__) + [i for i in ids if i not in rows]

    def select_clip(self, clip_id: int | None) -> None:
        self.selection.select(clip_id)
