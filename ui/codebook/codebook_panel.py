"""The codebook panel: tags grouped by kind with colours, keys and clip counts; add, rename,
recolour, merge, archive, reorder, assign keys 1–9, import and export. All undoable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QColorDialog, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel,
    QPushButton, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from app import reads
from app.changes import Changes
from app.records import TAG_KINDS
from app.codebook import codebook, codebook_files
from ui.kit.bridge import LibraryBridge
from ui.clips.key_tagging import clip_seconds
from ui.kit.save_dialog import ask_save_path, replace_agreed
from ui.kit.saying import quoted

KIND_TITLES = {"challenge": "Challenges", "opportunity": "Opportunities", "theme": "Themes"}
TAG_ROLE = Qt.ItemDataRole.UserRole


def swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class CodebookPanel(QWidget):
    tag_activated = Signal(int)  # double-click: show its clips

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("codebookTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Tag", "Key", "Clips"])
        self.tree.setColumnWidth(0, 230)
        self.tree.setColumnWidth(1, 40)
        self.tree.itemChanged.connect(self._renamed)
        self.tree.itemDoubleClicked.connect(self._activated)
        self.show_archived = QCheckBox("Show archived", self)
        self.show_archived.setToolTip("List archived tags too (greyed)")
        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.key_box = QComboBox(self)
        self.key_box.addItem("No key", None)
        for key in codebook.SHORTCUT_KEYS:
            self.key_box.addItem(f"Key {key}", key)
        self.key_box.setToolTip("Press this key while watching to tag (or make) a clip")
        self.key_box.activated.connect(lambda _i: self._set_key())
        buttons = {
            "Add…": self.add_tag, "Colour…": self.recolor, "Merge into…": self.merge, "Archive": self.archive,
            "Sub-tag of…": self.choose_parent,
            "↑": lambda: self.move(-1), "↓": lambda: self.move(1), "Import…": self.import_file,
            "Export…": self.export_file,
        }
        tips = {
            "Add…": "Add a challenge, opportunity or theme to the codebook",
            "Colour…": "Change the selected tag's colour (clips on the timeline take it)",
            "Merge into…": "Move every clip of the selected tag onto another tag, then remove it",
            "Archive": "Hide the selected tag from lists without losing its clips (again: bring it back)",
            "Sub-tag of…": "Place the selected tag under another of the same kind",
            "↑": "Move the selected tag up", "↓": "Move the selected tag down",
            "Import…": "Add tags from a codebook file (CSV or JSON)",
            "Export…": "Write the codebook to a CSV or JSON file to share",
        }
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for n, (text, slot) in enumerate(buttons.items()):
            button = QPushButton(text, self)
            button.setToolTip(tips[text])
            button.setObjectName(f"codebook{text.strip('…↑↓ ') or ('Up' if text == '↑' else 'Down')}")
            button.clicked.connect(lambda _checked=False, slot=slot: slot())  # `checked` is not an argument
            (row1 if n < 5 else row2).addWidget(button)
        row2.addWidget(self.key_box)
        self.clip_length = QDoubleSpinBox(self)
        self.clip_length.setObjectName("keyClipSeconds")
        self.clip_length.setRange(1, 600)
        self.clip_length.setSuffix(" s")
        self.clip_length.setValue(clip_seconds())
        self.clip_length.setToolTip("Length of the clip a tag key makes when no clip is selected")
        self.clip_length.valueChanged.connect(lambda v: QSettings().setValue("tagging/clip_seconds", v))
        row3 = QHBoxLayout()
        row3.addWidget(QLabel("A key with no clip selected makes a clip of", self))
        row3.addWidget(self.clip_length)
        row3.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addLayout(row3)
        layout.addWidget(self.show_archived)
        self.tree.currentItemChanged.connect(lambda *_: self._show_key())
        bridge.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes: Changes) -> None:
        """Only the tags a change names: a rename, colour or key redraws that row, a clip
        tagged recounts that tag; the tree is rebuilt only when its shape changes (a tag
        added, removed, moved, archived or placed under another)."""
        tag_ids = changes.ids_of("tags")
        recount = {key[1] for key in changes.ids_of("clip_tags")}
        if tag_ids and not self._redraw_tags(tag_ids):
            self.reload()
            return
        if recount & set(self.items):
            self._recount(recount & set(self.items))

    def reload(self) -> None:
        current = self.current_tag()
        self.tree.blockSignals(True)
        self.tree.clear()
        self.counts = reads.tag_counts(self.bridge.lib)
        tags = reads.tags(self.bridge.lib, include_archived=self.show_archived.isChecked())
        self.records = {tag.id: tag for tag in tags}
        self.groups = {kind: QTreeWidgetItem(self.tree, [KIND_TITLES[kind], "", ""]) for kind in TAG_KINDS}
        self.items = {}
        for tag in tags:
            self.items[tag.id] = item = QTreeWidgetItem()
            item.setData(0, TAG_ROLE, tag.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self._fill(item, tag)
        for tag in tags:
            parent = self.items.get(tag.parent_id) if tag.parent_id else None
            (parent or self.groups[tag.kind]).addChild(self.items[tag.id])
        for group in self.groups.values():
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
        self._show_totals()
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if current is not None:
            self.select_tag(current)

    def _fill(self, item: QTreeWidgetItem, tag) -> None:
        item.setText(0, tag.name)
        item.setText(1, tag.shortcut or "")
        item.setText(2, str(self.counts.get(tag.id, 0)))
        item.setIcon(0, swatch(tag.color))
        item.setToolTip(0, tag.description or tag.name)
        item.setData(0, Qt.ItemDataRole.ForegroundRole, QColor("#888") if tag.archived else None)

    def _show_totals(self) -> None:
        for kind, group in self.groups.items():
            group.setText(2, str(sum(self.counts.get(t.id, 0) for t in self.records.values() if t.kind == kind)))

    def _redraw_tags(self, tag_ids) -> bool:
        """Redraw these tags' rows in place; False when the tree's shape changes instead."""
        fresh = {t.id: t for t in reads.tags_by_id(self.bridge.lib, tag_ids)}
        archived_shown = self.show_archived.isChecked()
        for tag_id in tag_ids:
            old, new = self.records.get(tag_id), fresh.get(tag_id)
            listed = new is not None and (archived_shown or not new.archived)
            if old is None and not listed:
                continue  # neither shown before nor now (an archived tag, hidden)
            if old is None or not listed or (old.kind, old.parent_id, old.position) != (
                    new.kind, new.parent_id, new.position):
                return False
        self.tree.blockSignals(True)
        for tag_id, tag in fresh.items():
            if tag_id in self.items:
                self.records[tag_id] = tag
                self._fill(self.items[tag_id], tag)
        self.tree.blockSignals(False)
        if self.current_tag() in fresh:
            self._show_key()
        return True

    def _recount(self, tag_ids: set[int]) -> None:
        self.counts.update({tag_id: 0 for tag_id in tag_ids})
        self.counts.update(reads.tag_counts(self.bridge.lib, tag_ids))
        self.tree.blockSignals(True)
        for tag_id in tag_ids:
            self.items[tag_id].setText(2, str(self.counts[tag_id]))
        self._show_totals()
        self.tree.blockSignals(False)

    # -- selection ---------------------------------------------------------------------
    def current_tag(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, TAG_ROLE) if item is not None else None

    def select_tag(self, tag_id: int) -> None:
        for item in self._tag_items():
            if item.data(0, TAG_ROLE) == tag_id:
                self.tree.setCurrentItem(item)
                return

    def _tag_items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item.data(0, TAG_ROLE) is not None:
                yield item
            stack.extend(item.child(i) for i in range(item.childCount()))

    def _show_key(self) -> None:
        item = self.tree.currentItem()
        key = item.text(1) if item is not None and item.data(0, TAG_ROLE) is not None else ""
        self.key_box.setCurrentIndex(max(self.key_box.findData(key or None), 0))

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        tag_id = item.data(0, TAG_ROLE)
        if tag_id is not None and column != 0:
            self.tag_activated.emit(tag_id)

    # -- edits -------------------------------------------------------------------------
    def _name(self, tag_id: int) -> str:
        return quoted(reads.tag(self.bridge.lib, tag_id).name)

    def _do(self, fn, *args, say=None):
        """Change the codebook; ``say`` is what the status bar says it did (with Undo)."""
        done = self.bridge.runner.run(lambda lib: (fn(lib, *args), True)[1], parent=self, say=say)
        if done is None:
            self.reload()
        return done

    def _renamed(self, item: QTreeWidgetItem, column: int) -> None:
        tag_id = item.data(0, TAG_ROLE)
        if tag_id is not None and column == 0:
            old = self._name(tag_id)
            self._do(codebook.rename, tag_id, item.text(0),
                     say=lambda _d: f"Renamed tag {old} to {self._name(tag_id)}.")

    def add_tag(self) -> None:
        kinds = [KIND_TITLES[k] for k in TAG_KINDS]
        kind, ok = QInputDialog.getItem(self, "New tag", "Kind", kinds, 0, False)
        if not ok:
            return
        name, ok = QInputDialog.getText(self, "New tag", f"Name of the new {kind[:-1].lower()}")
        if ok and name.strip():
            self._do(codebook.add, name, TAG_KINDS[kinds.index(kind)],
                     say=f"Added {kind[:-1].lower()} {quoted(name.strip())} to the codebook.")

    def recolor(self) -> None:
        tag_id = self.current_tag()
        if tag_id is None:
            return
        color = QColorDialog.getColor(parent=self, title="Tag colour")
        if color.isValid():
            self.recolor_to(tag_id, color.name())

    def recolor_to(self, tag_id: int, color: str) -> None:
        self._do(codebook.recolor, tag_id, color,
                 say=lambda _d: f"{self._name(tag_id)} is now {color}; its clips show the new colour.")

    def merge(self) -> None:
        source = self.current_tag()
        if source is None:
            return
        others = [(t.id, f"{KIND_TITLES[t.kind][:-1]}: {t.name}") for t in reads.tags(self.bridge.lib) if t.id != source]
        label, ok = QInputDialog.getItem(self, "Merge tags", "Move every clip of this tag onto:",
                                         [o[1] for o in others], 0, False)
        if ok:
            self.merge_into(source, others[[o[1] for o in others].index(label)][0])

    def merge_into(self, source: int, target: int) -> None:
        gone = self._name(source)
        self._do(codebook.merge, source, target,
                 say=lambda _d: f"Merged {gone} into {self._name(target)}: its clips now carry {self._name(target)}.")

    def choose_parent(self) -> None:
        tag_id = self.current_tag()
        if tag_id is None:
            return
        tags = reads.tags(self.bridge.lib)
        kind = next((t.kind for t in tags if t.id == tag_id), None)
        others = [(t.id, t.name) for t in tags if t.id != tag_id and t.kind == kind]
        labels = ["(top level)"] + [name for _id, name in others]
        label, ok = QInputDialog.getItem(self, "Sub-tag", "Place this tag under:", labels, 0, False)
        if ok:
            parent = None if label == labels[0] else others[labels.index(label) - 1][0]
            self._do(codebook.set_parent, tag_id, parent,
                     say=lambda _d: f"{self._name(tag_id)} is now "
                                    f"{'a top-level tag' if parent is None else 'under ' + self._name(parent)}.")

    def archive(self) -> None:
        tag_id = self.current_tag()
        if tag_id is not None:
            archived = self.bridge.runner.run(lambda lib: reads.tag(lib, tag_id).archived, parent=self)
            if archived is None:
                return
            self._do(codebook.set_archived, tag_id, not archived,
                     say=lambda _d: f"Archived {self._name(tag_id)} (its clips keep it; “Show archived” lists it)."
                     if not archived else f"Brought back {self._name(tag_id)}.")

    def move(self, steps: int) -> None:
        tag_id = self.current_tag()
        if tag_id is not None:
            self._do(codebook.move, tag_id, steps,
                     say=lambda _d: f"Moved {self._name(tag_id)} {'up' if steps < 0 else 'down'}.")

    def _set_key(self) -> None:
        tag_id = self.current_tag()
        if tag_id is not None:
            key = self.key_box.currentData()
            self._do(codebook.set_shortcut, tag_id, key,
                     say=lambda _d: f"Key {key} now tags {self._name(tag_id)}." if key
                     else f"{self._name(tag_id)} has no key now.")

    def import_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import a codebook", "", "Codebook (*.json *.csv)")
        if name:
            self._do(codebook_files.read_file, Path(name), say=f"Codebook {Path(name).name} imported.")

    def export_file(self) -> None:
        path = ask_save_path(self, "Export the codebook", "codebook.csv", "Spreadsheet (*.csv);;JSON (*.json)",
                             self.bridge.lib.exports_dir)
        if path is not None and self._do(codebook_files.write_file, path, replace_agreed(path), say=False):
            self.bridge.runner.announce_file(path, "Codebook exported")
