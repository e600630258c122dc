"""Prototypes and their evidence boards.

Create and edit prototypes (name, summary, stage); drop clips from the clip list onto a
prototype to link them; the board below gathers the selected prototype's clips by challenge
and opportunity with counts, pictures and quotes; play a group in order; export the board
as CSV or as a printable HTML report with stills.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from app.prototypes import evidence
from app import reads
from app.changes import Changes
from media.errors import BadInput
from app.records import PROTOTYPE_STAGES
from app.prototypes import prototypes
from app.reels import reels
from ui.kit.bridge import LibraryBridge
from ui.clips.clip_list import CLIP_MIME
from ui.kit.name_notes import NameNotes
from ui.kit.save_dialog import ask_save_path, replace_agreed
from ui.kit.saying import edit_said, plural, quoted
from ui.kit.workers import Job
from ui.timeline.film_media import load_film_media

KIND_COLOURS = {"challenge": "#d94841", "opportunity": "#2f9e6e", "theme": "#7e6bc4", "": "#888888"}


EVIDENCE_AUDIENCES = [
    ("The team", ("team", False)),
    ("The collaborative", ("collaborative", False)),
    ("The public", ("public", False)),
    ("The collaborative, faces blurred where consent is short", ("collaborative", True)),
    ("The public, faces blurred where consent is short", ("public", True)),
]


class PrototypeList(QListWidget):
    """Accepts clips dropped from the clip list: they become evidence for that prototype."""

    clips_dropped = Signal(int, list)  # prototype id, clip ids

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(CLIP_MIME):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        if event.mimeData().hasFormat(CLIP_MIME) and item is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        if item is None or not event.mimeData().hasFormat(CLIP_MIME):
            return
        ids = json.loads(bytes(event.mimeData().data(CLIP_MIME)).decode())
        self.clips_dropped.emit(item.data(Qt.ItemDataRole.UserRole), ids)
        event.acceptProposedAction()


class PrototypesPanel(QWidget):
    play_clips = Signal(list)  # clip ids, in order
    clip_activated = Signal(int)
    reel_made = Signal(int)  # reel id

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.list = PrototypeList(self)
        self.list.setObjectName("prototypeList")
        self.list.setMaximumHeight(130)
        self.list.clips_dropped.connect(self.link)
        self.list.currentItemChanged.connect(lambda *_: self.show_current())
        self.name = QLineEdit(self)
        self.summary = QLineEdit(self)
        self.stage = QComboBox(self)
        for stage in PROTOTYPE_STAGES:
            self.stage.addItem(stage.capitalize(), stage)
        new = QPushButton("New prototype", self)
        new.setObjectName("newPrototype")
        new.setToolTip("Add a prototype (a service idea being tested); then drag clips from the Clips list onto it")
        new.clicked.connect(self.new_prototype)
        self.empty = QLabel("No prototypes yet.\n\nPress “New prototype” to add the service idea you are testing, "
                            "then drag clips from the Clips list onto its name here to link them as evidence.", self)
        self.empty.setObjectName("prototypesEmpty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; padding: 8px;")
        self.board = QTreeWidget(self)
        self.board.setObjectName("evidenceBoard")
        self.board.setHeaderLabels(["Evidence", "Quote"])
        self.board.setIconSize(QSize(80, 45))
        self.board.setColumnWidth(0, 260)
        # A title wraps beside its picture (two or three lines fit its height), and a title too
        # long even so loses its middle, not its end: two takes cut at the right looked the same.
        self.board.setWordWrap(True)
        self.board.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.board.setUniformRowHeights(False)
        self.board.header().setStretchLastSection(False)
        self.board.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.board.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.board.header().resizeSection(1, 150)
        self.board.itemDoubleClicked.connect(self._board_activated)
        play = QPushButton("Play group", self)
        play.setToolTip("Play the clips of the selected group (a challenge or opportunity) one after another")
        play.clicked.connect(self.play_group)
        csv_button = QPushButton("Export CSV…", self)
        csv_button.setToolTip("A spreadsheet of this board: one row per clip in each group")
        csv_button.clicked.connect(lambda: self.export("csv"))
        report = QPushButton("Export report…", self)
        report.setToolTip("A printable web page of this board, with a still of each clip")
        report.clicked.connect(lambda: self.export("html"))
        make_reel = QPushButton("Make a reel", self)
        make_reel.setObjectName("reelFromBoard")
        make_reel.setToolTip("A reel of this board's clips, challenges first, then opportunities")
        make_reel.clicked.connect(self.make_reel)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Summary", self.summary)
        form.addRow("Stage", self.stage)
        buttons = QHBoxLayout()
        for b in (play, make_reel, csv_button, report):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(new)
        layout.addLayout(form)
        layout.addWidget(self.board, 3)
        layout.addLayout(buttons)
        self.name.editingFinished.connect(lambda: self._edit(name=self.name.text()))
        self.summary.editingFinished.connect(lambda: self._edit(summary=self.summary.text()))
        self.stage.activated.connect(lambda _i: self._edit(stage=self.stage.currentData()))
        self._icons: dict[int, QIcon] = {}
        self.current_board = None
        bridge.changed.connect(self._on_changed)
        self.reload()

    # -- list ------------------------------------------------------------------------------
    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def reload(self) -> None:
        current = self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        self.names: dict[int, str] = {}
        for proto in reads.prototypes(self.bridge.lib):
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, proto.id)
            self._fill(item, proto)
            self.list.addItem(item)
            if proto.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.empty.setVisible(self.list.count() == 0)
        self.show_current()

    def _fill(self, item: QListWidgetItem, proto) -> None:
        self.names[proto.id] = proto.name
        item.setText(f"{proto.name}  ·  {proto.stage}  ·  {plural(proto.clip_count, 'clip')}")
        item.setToolTip(f"{proto.summary}\n\nDrop clips here to link them to “{proto.name}”."
                        if proto.summary else f"Drop clips here to link them to “{proto.name}”.")

    def _on_changed(self, changes: Changes) -> None:
        """Only the prototypes a change names are read again (their rows redrawn in place; the
        list is rebuilt when one is added, removed or renamed, which moves it), and the
        evidence board only when the change is about the prototype shown or its clips."""
        for clip_id in changes.ids_of("clips"):
            self._icons.pop(clip_id, None)  # a trimmed clip starts on another picture
        named = set(changes.ids_of("prototypes")) | {key[1] for key in changes.ids_of("clip_prototypes")}
        if named and not self._redraw(named):
            self.reload()
            return
        if self._is_about_board(changes, named):
            self.show_current()

    def _redraw(self, proto_ids: set[int]) -> bool:
        fresh = {p.id: p for p in reads.prototypes(self.bridge.lib, proto_ids)}
        items = {self.list.item(r).data(Qt.ItemDataRole.UserRole): self.list.item(r) for r in range(self.list.count())}
        if any((i in items) != (i in fresh) or (i in fresh and fresh[i].name != self.names.get(i)) for i in proto_ids):
            return False
        for proto_id, proto in fresh.items():
            self._fill(items[proto_id], proto)
        return True

    def _is_about_board(self, changes: Changes, named: set[int]) -> bool:
        board = getattr(self, "current_board", None)
        if self.current_id() is None or board is None:
            return False
        clip_ids = {c.id for g in board.groups for c in g.clips}
        film_ids = {c.film_id for g in board.groups for c in g.clips}
        return (self.current_id() in named or bool(changes.ids_of("clips") & clip_ids)
                or any(key[0] in clip_ids for key in changes.ids_of("clip_tags"))
                or bool(changes.ids_of("films") & film_ids) or (changes.touches("tags") and bool(clip_ids)))

    def select(self, prototype_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == prototype_id:
                self.list.setCurrentRow(row)

    # -- edits -------------------------------------------------------------------------
    def new_prototype(self) -> None:
        taken = {p.name for p in reads.prototypes(self.bridge.lib)}
        name = next(f"New prototype {n}" if n else "New prototype" for n in range(100)
                    if (f"New prototype {n}" if n else "New prototype") not in taken)
        proto_id = self.bridge.runner.run(lambda lib: prototypes.add(lib, name), parent=self,
                                          say=f"Added prototype {quoted(name)}: type its name and summary.")
        if proto_id is None:
            return
        self.select(proto_id)
        self.name.setFocus()
        self.name.selectAll()

    def _edit(self, **fields) -> None:
        proto_id = self.current_id()
        if proto_id is None:
            return
        proto = self.bridge.runner.run(lambda lib: reads.prototype(lib, proto_id), parent=self)
        if proto is None:
            return
        now = {"name": proto.name, "summary": proto.summary, "stage": proto.stage}
        if all(now[k] == v for k, v in fields.items()):
            return
        name = fields.get("name", proto.name)
        if self.bridge.runner.run(lambda lib: prototypes.update(lib, proto_id, **fields) or True, parent=self,
                                  say=edit_said(f"Prototype {quoted(name)}", fields)) is None:
            self.show_current()

    def link(self, prototype_id: int, clip_ids: list[int]) -> None:
        if self.bridge.runner.run(
                lambda lib: prototypes.link(lib, prototype_id, clip_ids) or True, parent=self,
                say=lambda _d: f"Linked {plural(len(clip_ids), 'clip')} to "
                               f"{quoted(reads.prototype(self.bridge.lib, prototype_id).name)}."):
            self.select(prototype_id)

    # -- evidence board ----------------------------------------------------------------
    def show_current(self) -> None:
        proto_id = self.current_id()
        self.board.clear()
        for w in (self.name, self.summary, self.stage):
            w.setEnabled(proto_id is not None)
        if proto_id is None:
            self.current_board = None
            return
        b = evidence.board(self.bridge.lib, proto_id)
        self.name.setText(b.name)
        self.summary.setText(b.summary)
        self.stage.setCurrentIndex(self.stage.findData(b.stage))
        self.current_board = b
        for group in b.groups:
            label = f"{group.kind.capitalize()}: {group.tag}" if group.kind else group.tag
            top = QTreeWidgetItem(self.board, [f"{label}  ({len(group.clips)})", ""])
            top.setFirstColumnSpanned(True)
            top.setForeground(0, QColor(KIND_COLOURS.get(group.kind, "#888888")))
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for clip in group.clips:
                child = QTreeWidgetItem(top, [clip.title, f"“{clip.quote}”" if clip.quote else ""])
                child.setData(0, Qt.ItemDataRole.UserRole, clip.id)
                child.setIcon(0, self._picture(clip))
                child.setToolTip(0, f"{clip.title}\n{clip.film}" + (f"\n{clip.note}" if clip.note else ""))
        self.board.expandAll()

    def _picture(self, clip) -> QIcon:
        if clip.id not in self._icons:
            lib = self.bridge.lib
            film = reads.film_or_none(lib, clip.film_id)
            tile = load_film_media(lib, film).tile_at(clip.start_us) if film is not None else None
            self._icons[clip.id] = QIcon(tile) if tile is not None else QIcon()
        return self._icons[clip.id]

    def _board_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        clip_id = item.data(0, Qt.ItemDataRole.UserRole)
        if clip_id is not None:
            self.clip_activated.emit(clip_id)

    def play_group(self) -> None:
        item = self.board.currentItem()
        if item is None:
            return
        group = item if item.parent() is None else item.parent()
        ids = [group.child(i).data(0, Qt.ItemDataRole.UserRole) for i in range(group.childCount())]
        if ids:
            self.play_clips.emit(ids)

    def make_reel(self) -> int | None:
        proto_id = self.current_id()
        if proto_id is None:
            return None
        b = evidence.board(self.bridge.lib, proto_id)
        ids = list(dict.fromkeys(c.id for g in b.groups for c in g.clips))

        def make(lib):
            if not ids:
                raise BadInput(f"prototype {b.name!r}: link some clips to it first")
            made = reels.create(lib, reels.free_title(lib, f"{b.name}: evidence"), [str(i) for i in ids])
            reels.update(lib, made, subtitle=b.summary)
            return made

        reel_id = self.bridge.runner.run(
            make, parent=self, say=lambda rid: f"Made reel {quoted(reads.reel(self.bridge.lib, rid).title)} of "
                                               f"{plural(len(ids), 'clip')} from {quoted(b.name)}'s evidence.")
        if reel_id is not None:
            self.reel_made.emit(reel_id)
        return reel_id

    def export(self, kind: str) -> None:
        proto_id = self.current_id()
        if proto_id is None:
            self.current_board = None
            return
        b = evidence.board(self.bridge.lib, proto_id)
        suffix = ".csv" if kind == "csv" else ".html"
        path = ask_save_path(self, "Export evidence", f"{b.name} evidence{suffix}",
                             "Spreadsheet (*.csv)" if kind == "csv" else "Web page (*.html)", self.bridge.lib.exports_dir)
        if path is None:
            return
        choices = dict(EVIDENCE_AUDIENCES if kind == "html" else EVIDENCE_AUDIENCES[:3])
        choice, ok = QInputDialog.getItem(self, "Export evidence", "Who will see it? Clips of people whose consent "
                                          "does not cover them are left out.", list(choices), 0, False)
        if ok:
            self.export_to(b, path, *choices[choice])

    def export_to(self, b, path: Path, audience: str = "team", anonymise: bool = False) -> Job | None:
        runner = self.bridge.runner
        notes = NameNotes()
        if path.suffix.lower() == ".csv":
            if runner.run(lambda lib: evidence.write_csv(b, path, lib, audience=audience, replace=replace_agreed(path),
                                                         note=notes),
                          parent=self, say=False) is not None:  # announced with its file below
                runner.announce_file(path, "Evidence exported")
                notes.show(self)
            return None
        # A still per clip is decoded from its film: a worker's job, with progress.
        self.job = runner.start(lambda progress, cancel: evidence.write_html(runner.lib, b, path, progress, cancel,
                                                                             audience=audience, anonymise=anonymise,
                                                                             replace=replace_agreed(path), note=notes),
                                parent=self, on_success=lambda out: (runner.announce_file(out, "Evidence report written"),
                                                                     notes.show(self)),
                                on_cancelled=lambda: runner.say("Evidence report cancelled: nothing was written."),
                                dialog=("Evidence report", f"Writing {path.name}…", "reportProgress"))
        return self.job
