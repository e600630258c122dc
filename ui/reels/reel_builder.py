"""The reel builder: pick or create a reel, order its clips by drag and drop, set cards,
captions, fades and the question discussed after each clip (at a review) per item, the reel's audience and look; preview it; export it.

Every edit is a core op (saved at once, undoable); the panel redraws from change reports.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QByteArray, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QListView, QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from app import reads
from app.reels import reel_plan
from app.reels.reel_consent import reel_consent
from app.reels.reel_plan import default_caption
from media import timecode
from app.changes import Changes
from media.errors import BadInput, ConsentRefused
from app.reels import export as export_ops
from app.reels import reels as reel_ops
from media.export import suffixes
from media.export.plan import PlanItem
from media.oslayer import safe_file_name
from ui.kit.bridge import LibraryBridge
from ui.clips.clip_list import CLIP_MIME
from ui.kit.name_notes import NameNotes
from ui.reels.reel_export_dialog import ExportChoice, ReelExportDialog
from ui.kit.save_dialog import ask_save_path, replace_agreed
from ui.kit.saying import edit_said, plural, quoted
from ui.kit.workers import Job

ITEM_MIME = "application/x-protoreel-reel-item"
AUDIENCES = (("team", "Team review"), ("collaborative", "The collaborative"), ("public", "Public"))
EXPORT_FILTER = ("Video (*.mp4);;OpenTimelineIO (*.otio);;Edit decision list (*.edl);;"
                 "Captions SRT (*.srt);;Captions WebVTT (*.vtt);;Spreadsheet (*.csv)")


class ReelItemsModel(QAbstractListModel):
    def __init__(self, bridge: LibraryBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.reel_id: int | None = None
        self.items: list[PlanItem] = []
        self.item_ids: list[int] = []
        self.questions: dict[int, str] = {}  # item id -> the question asked after it at a review

    def load(self, reel_id: int | None, items: list[PlanItem], item_ids: list[int],
             questions: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        self.reel_id, self.items, self.item_ids = reel_id, items, item_ids
        self.questions = questions or {}
        self.endResetModel()

    def question(self, row: int) -> str:
        return self.questions.get(self.item_ids[row], "")

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            details = [f"{item.duration_us / timecode.US:.1f} s"]
            if item.card_text:
                details.append(f"card “{item.card_text}” first")
            if item.speech:
                details.append("captions: what is said")
            if item.warning:
                details.append("content warning first")
            if item.fade:
                details.append("fades")
            if self.question(index.row()):
                details.append(f"asks “{self.question(index.row())}”")
            details.append(item.film_title)
            return f"{index.row() + 1}. {item.clip_title}\n     {' · '.join(details)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            people = ", ".join(f"{p.label} ({p.consent})" for p in item.people) or "nobody recorded"
            if item.speech:  # the captions carry what was said; the title goes on a card
                return (f"Captions: what is said ({len(item.speech)} cues, from the transcript)\n"
                        f"Title card (with cards on): {item.card_text or item.caption or '—'}\nPeople: {people}")
            return f"Caption: {item.caption or '—'}\nPeople: {people}"
        if role == Qt.ItemDataRole.UserRole:
            return self.item_ids[index.row()]
        return None

    # -- drag and drop: reorder items, or drop clips from the clip list ---------------
    def flags(self, index):
        base = super().flags(index) | Qt.ItemFlag.ItemIsDropEnabled
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [ITEM_MIME, CLIP_MIME]

    def mimeData(self, indexes) -> QMimeData:
        mime = QMimeData()
        ids = [self.item_ids[i.row()] for i in indexes if i.isValid()]
        mime.setData(ITEM_MIME, QByteArray(json.dumps(ids).encode()))
        return mime

    def dropMimeData(self, data: QMimeData, action, row: int, column: int, parent: QModelIndex) -> bool:
        if self.reel_id is None:
            return False
        position = row if row >= 0 else (parent.row() if parent.isValid() else len(self.items))
        reel_id, run = self.reel_id, self.bridge.runner.run
        if data.hasFormat(ITEM_MIME):
            (item_id, *_rest) = json.loads(bytes(data.data(ITEM_MIME)).decode())
            current = self.item_ids.index(item_id)
            run(lambda lib: reel_ops.move_item(lib, item_id, position - (1 if position > current else 0)),
                say=f"Moved {quoted(self.items[current].clip_title)} in the reel.")
        elif data.hasFormat(CLIP_MIME):
            clip_ids = json.loads(bytes(data.data(CLIP_MIME)).decode())
            run(lambda lib: reel_ops.add_clips(lib, reel_id, clip_ids, position),
                say=f"Added {plural(len(clip_ids), 'clip')} to the reel.")
        return False  # the change report redraws the list; the view must not move rows itself


class ReelBuilder(QWidget):
    preview_requested = Signal(list)  # [PlanItem]

    def __init__(self, bridge: LibraryBridge, selected_clips, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.selected_clips = selected_clips  # callable -> clip ids, in the clip list's order (top to bottom)
        self.job: Job | None = None
        self.reel_box = QComboBox(self)
        self.reel_box.setObjectName("reelBox")
        new = QPushButton("New from selected clips", self)
        new.setObjectName("newReel")
        new.setToolTip("Make a new reel of the clips selected in the clip list, in the order the list shows "
                       "them, top to bottom (drag them in the reel to change it)")
        new.clicked.connect(self.new_reel)
        self.title = QLineEdit(self)
        self.subtitle = QLineEdit(self)
        self.audience = QComboBox(self)
        for key, label in AUDIENCES:
            self.audience.addItem(label, key)
        self.height_box = QComboBox(self)
        self.height_box.addItem("720p", 720)
        self.height_box.addItem("1080p", 1080)
        self.rate_box = QComboBox(self)
        self.rate_box.setObjectName("reelRate")
        self.rate_box.setToolTip("Automatic: the standard frame rate most of the reel's clips were filmed at")
        self.rate_box.addItem("Automatic", None)
        for rate in reel_plan.REEL_RATES:
            self.rate_box.addItem(f"{float(rate):.3f}".rstrip("0").rstrip(".") + " fps", timecode.fps_str(rate))
        self.opening = QCheckBox("Opening title card", self)
        self.captions = QCheckBox("Captions on clips", self)
        self.opening.setToolTip("Start the reel with a card showing its title and subtitle")
        self.captions.setToolTip("Show each clip's caption at the bottom of the picture")
        self.credits = QLineEdit(self)
        self.credits.setPlaceholderText("Closing card: thanks and attributions (empty: none)")
        self.items_model = ReelItemsModel(bridge)
        self.items = QListView(self)
        self.items.setObjectName("reelItems")
        self.items.setModel(self.items_model)
        self.items.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.items.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.items.setDragEnabled(True)
        self.items.setAcceptDrops(True)
        self.items.setDropIndicatorShown(True)
        self.card = QLineEdit(self)
        self.card.setPlaceholderText("Title card before this clip (empty: none)")
        self.caption = QLineEdit(self)
        self.caption.setPlaceholderText("Caption (empty: the clip's title and tags)")
        self.discuss = QLineEdit(self)
        self.discuss.setObjectName("reelItemDiscuss")
        self.discuss.setPlaceholderText("Question for the room after this clip at a review (empty: none)")
        self.discuss.setToolTip("Presenting this reel (F5) shows this question on a “Let’s discuss” card after "
                                "the clip, e.g. “What would have helped here?”")
        self.fade = QCheckBox("Fade in and out", self)
        self.fade.setToolTip("Fade the selected clip in from black and out to black")
        add = QPushButton("Add selected clips", self)
        add.setToolTip("Add the clips selected in the clip list to the end of this reel, in the order the list "
                       "shows them")
        add.clicked.connect(self.add_selected)
        remove = QPushButton("Remove", self)
        remove.setToolTip("Take the selected item out of this reel (the clip itself stays)")
        remove.clicked.connect(self.remove_selected)
        preview = QPushButton("Preview", self)
        preview.setObjectName("previewReel")
        preview.setToolTip("Play the reel's clips back to back in the player, without rendering")
        preview.clicked.connect(self.preview)
        export = QPushButton("Export…", self)
        export.setObjectName("exportReel")
        export.setToolTip("Check consent for the reel's audience, choose whether to cover faces, then write the "
                          "reel as a video (.mp4), a timeline (.otio, .edl), captions (.srt, .vtt) or a "
                          "spreadsheet (.csv), by the file name's ending")
        export.clicked.connect(lambda: self.choose_export())
        self.length = QLabel(self)

        top = QHBoxLayout()
        top.addWidget(self.reel_box, 1)
        top.addWidget(new)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Subtitle", self.subtitle)
        form.addRow("Audience", self.audience)
        form.addRow("Size", self.height_box)
        form.addRow("Frame rate", self.rate_box)
        form.addRow("", self.opening)
        form.addRow("", self.captions)
        form.addRow("Credits", self.credits)
        item_form = QFormLayout()
        item_form.addRow("Card", self.card)
        item_form.addRow("Caption", self.caption)
        item_form.addRow("Discuss", self.discuss)
        item_form.addRow("", self.fade)
        buttons = QHBoxLayout()
        for b in (add, remove, preview, export):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(QLabel("Clips in order (drag to reorder, or drop clips from the list):", self))
        layout.addWidget(self.items, 1)
        layout.addLayout(item_form)
        layout.addWidget(self.length)
        layout.addLayout(buttons)

        self.reel_box.currentIndexChanged.connect(lambda _i: self.show_reel(self.reel_box.currentData()))
        self.title.editingFinished.connect(lambda: self._set(title=self.title.text()))
        self.subtitle.editingFinished.connect(lambda: self._set(subtitle=self.subtitle.text()))
        self.audience.activated.connect(lambda _i: self._set(audience=self.audience.currentData()))
        self.height_box.activated.connect(lambda _i: self._set(height=self.height_box.currentData()))
        self.rate_box.activated.connect(lambda _i: self._set(fps=self.rate_box.currentData()))
        self.opening.clicked.connect(lambda on: self._set(opening_card=bool(on)))
        self.captions.clicked.connect(lambda on: self._set(captions=bool(on)))
        self.credits.editingFinished.connect(lambda: self._set(credits=self.credits.text()))
        self.items.selectionModel().currentChanged.connect(lambda *_: self._show_item())
        self.card.editingFinished.connect(lambda: self._set_item(card_text=self.card.text().strip()))
        self.caption.editingFinished.connect(lambda: self._set_item(caption=self.caption.text().strip() or None))
        self.discuss.editingFinished.connect(lambda: self._set_item(discuss=self.discuss.text().strip()))
        self.fade.clicked.connect(lambda on: self._set_item(fade=bool(on)))
        bridge.changed.connect(self._on_changed)
        self.fill_reels()

    # -- which reel --------------------------------------------------------------------
    @property
    def reel_id(self) -> int | None:
        return self.items_model.reel_id

    def fill_reels(self, select: int | None = None) -> None:
        current = select if select is not None else self.reel_id
        self.reel_box.blockSignals(True)
        self.reel_box.clear()
        for reel in reads.reels(self.bridge.lib):
            self.reel_box.addItem(f"{reel.title}  ({plural(reel.item_count, 'clip')})", reel.id)
        index = self.reel_box.findData(current) if current is not None else 0
        self.reel_box.setCurrentIndex(max(index, 0))
        self.reel_box.blockSignals(False)
        self.show_reel(self.reel_box.currentData())

    def show_reel(self, reel_id: int | None) -> None:
        row = self.items.currentIndex().row()
        lib = self.bridge.lib
        reel = next((r for r in reads.reels(lib) if r.id == reel_id), None) if reel_id is not None else None
        plan = reads.reel_plan(lib, reel.id) if reel is not None else None  # built once per refresh
        self.items_model.load(reel.id if reel else None, plan.items if plan else [],
                              reads.reel_item_ids(lib, reel.id) if reel else [],
                              reads.reel_item_questions(lib, reel.id) if reel else {})
        enabled = self.items_model.reel_id is not None
        for w in (self.title, self.subtitle, self.audience, self.height_box, self.rate_box, self.opening, self.captions,
                  self.credits, self.items, self.card, self.caption, self.discuss, self.fade):
            w.setEnabled(enabled)
        if not enabled:
            self.length.setText("No reel yet: select clips and press “New from selected clips”.")
            return
        options = reel.settings
        self.title.setText(reel.title)
        self.subtitle.setText(reel.subtitle)
        self.audience.setCurrentIndex(self.audience.findData(reel.audience))
        self.height_box.setCurrentIndex(self.height_box.findData(reel.height))
        self.opening.setChecked(options.get("opening_card", True))
        self.captions.setChecked(options.get("captions", True))
        self.credits.setText(options.get("credits", ""))
        auto = reel_plan.reel_rate(plan.items)
        self.rate_box.setItemText(0, f"Automatic ({float(auto):.3f}".rstrip("0").rstrip(".") + " fps)")
        self.rate_box.setCurrentIndex(max(self.rate_box.findData(options.get("fps")), 0))
        self.length.setText(f"{plural(len(plan.items), 'clip')}, {timecode.format_short(plan.duration_us)} with cards, "
                            f"for {dict(AUDIENCES)[plan.audience].lower()}")
        if 0 <= row < self.items_model.rowCount():
            self.items.setCurrentIndex(self.items_model.index(row))
        self._show_item()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("reels"):
            self.fill_reels()
        elif changes.touches("reel_items", "clips", "clip_tags", "tags", "films", "appearances", "people"):
            self.show_reel(self.reel_id)

    # -- edits -------------------------------------------------------------------------
    def new_reel(self) -> None:
        clip_ids = self.selected_clips()

        def create(lib):
            if not clip_ids:
                raise BadInput("New reel: select one or more clips in the clip list first")
            return reel_ops.create(lib, reel_ops.free_title(lib, "New reel"), [str(c) for c in clip_ids])

        reel_id = self.bridge.runner.run(
            create, parent=self,
            say=lambda rid: f"Made reel {quoted(reads.reel(self.bridge.lib, rid).title)} of "
                            f"{plural(len(clip_ids), 'clip')}, in the clip list's order: give it a title.")
        if reel_id is None:
            return
        self.fill_reels(select=reel_id)
        self.title.setFocus()
        self.title.selectAll()

    def add_selected(self) -> None:
        reel_id, clip_ids = self.reel_id, self.selected_clips()
        if reel_id is None:
            self.bridge.runner.say("No reel to add to: make one with “New from selected clips”.")
        elif not clip_ids:
            self.bridge.runner.say("Nothing added: select clips in the clip list first.")
        else:
            self.bridge.runner.run(lambda lib: reel_ops.add_clips(lib, reel_id, clip_ids), parent=self,
                                   say=f"Added {plural(len(clip_ids), 'clip')} to the reel, in the clip list's order.")

    def remove_selected(self) -> None:
        ids = [self.items_model.item_ids[i.row()] for i in self.items.selectionModel().selectedIndexes()]
        if ids:
            self.bridge.runner.run(lambda lib: reel_ops.remove_items(lib, ids), parent=self,
                                   say=f"Removed {plural(len(ids), 'clip')} from the reel (the clips stay in the library).")

    def _set(self, **fields) -> None:
        if self.reel_id is None:
            return
        reel_id = self.reel_id

        def change(lib) -> bool:
            reel = reads.reel(lib, reel_id)
            current = {"title": reel.title, "subtitle": reel.subtitle, "audience": reel.audience,
                       "height": reel.height, **reel.settings}
            if any(current.get(k) != v for k, v in fields.items()):
                reel_ops.update(lib, reel_id, **fields)
            return True

        said = {k: dict(AUDIENCES)[v].lower() if k == "audience" else v for k, v in fields.items()}
        if self.bridge.runner.run(change, parent=self,
                                  say=lambda _r: edit_said(f"Reel {quoted(reads.reel(self.bridge.lib, reel_id).title)}",
                                                           said)) is None:
            self.show_reel(self.reel_id)

    def _current_item(self) -> tuple[int, PlanItem] | None:
        row = self.items.currentIndex().row()
        if 0 <= row < len(self.items_model.items):
            return self.items_model.item_ids[row], self.items_model.items[row]
        return None

    def _show_item(self) -> None:
        current = self._current_item()
        for w in (self.card, self.caption, self.discuss, self.fade):
            w.setEnabled(current is not None)
        if current is None:
            return
        item_id, item = current
        self.card.setText(item.card_text)
        # The default caption (the clip's title and tags) is shown as the field's hint, not as
        # text typed in it: typing starts a caption of one's own, emptying it goes back.
        default = default_caption(item.clip_title, item.tags)
        self.caption.setPlaceholderText(f"{default}  (the default: the clip's title and tags)")
        self.caption.setText("" if item.caption == default else item.caption)
        self.discuss.setText(self.items_model.questions.get(item_id, ""))
        self.fade.setChecked(item.fade)

    def _set_item(self, **fields) -> None:
        current = self._current_item()
        if current is None:
            return
        item_id, item = current
        now = {"card_text": item.card_text, "caption": item.caption, "fade": item.fade,
               "discuss": self.items_model.questions.get(item_id, "")}
        if "caption" in fields and fields["caption"] is None:
            default = default_caption(item.clip_title, item.tags)
            if item.caption == default:
                return
        if any(now.get(k) != v for k, v in fields.items()):
            said = {k: ("default" if k == "caption" and v is None else v) for k, v in fields.items()}
            if "discuss" in fields:  # said as a review will ask it
                asked = f"asks “{fields['discuss']}”" if fields["discuss"] else "asks no question"
                text = f"After “{item.clip_title}” a review of this reel {asked}."
            else:
                text = edit_said(f"Reel item {quoted(item.clip_title)}", said)
            self.bridge.runner.run(lambda lib: reel_ops.update_item(lib, item_id, **fields), parent=self, say=text)

    # -- preview and export --------------------------------------------------------------
    def preview(self) -> None:
        if self.items_model.items:
            self.preview_requested.emit(list(self.items_model.items))

    def choose_export(self, covering: bool | None = None) -> ReelExportDialog | None:
        """The Export dialog: consent for the reel's audience, anonymising; then the file."""
        if self.reel_id is None:
            return None
        reel_id = self.reel_id
        dialog = ReelExportDialog(self.title.text() or "reel", reel_consent(self.bridge.lib, reel_id),
                                  preview=lambda n, choice: self.preview_anonymised(reel_id, n, choice),
                                  covering=covering, parent=self)
        dialog.set_clips([item.clip_title for item in self.items_model.items])
        dialog.accepted.connect(lambda: self._export_chosen(dialog.choice()))
        dialog.open()
        self.export_dialog = dialog
        return dialog

    def _export_chosen(self, choice: ExportChoice) -> None:
        filters = "Video (*.mp4)" if choice.covering else EXPORT_FILTER  # only a video can hide faces
        path = ask_save_path(self, "Export reel", safe_file_name(self.title.text(), ".mp4", fallback="reel"), filters,
                             self.bridge.lib.exports_dir)
        if path is not None:
            self.export_to(path, choice)

    def preview_anonymised(self, reel_id: int, position: int, choice: ExportChoice) -> Job | None:
        """Item ``position`` (1-based) of the reel, rendered as the anonymised export shows it."""
        items = self.items_model.items if reel_id == self.reel_id else []
        if not 0 < position <= len(items):
            return None
        item = items[position - 1]
        dialog = getattr(self, "export_dialog", None)  # the preview is asked from the export dialog
        audience = dialog.consent.audience if dialog is not None else None
        from ui.people.preview_window import preview_clip  # the export's modules load when first asked for

        self.preview_job = preview_clip(self, self.bridge.runner, item.clip_id, item.clip_title, choice.style,
                                        choice.mask_voice, audience=audience, cover_all=choice.cover_all)
        return self.preview_job

    def export_to(self, path: Path, choice: ExportChoice | None = None) -> Job | None:
        choice = choice or ExportChoice()
        if path.suffix.lower() not in suffixes():
            path = path.with_suffix(".mp4")
        runner, reel_id = self.bridge.runner, self.reel_id
        notes = NameNotes()
        told: list[str] = []  # interlaced films: how they were deinterlaced, and why
        self.job = runner.start(
            lambda progress, cancel: export_ops.export_reel(
                runner.lib, reel_id, path, anonymise=choice.anonymise, cover_all=choice.cover_all,
                style=choice.style, mask_voice=choice.mask_voice, progress=progress, cancel=cancel,
                replace=replace_agreed(path), note=notes, told=told),
            parent=self, on_success=lambda out: (
                runner.announce_file(out, "Reel exported", "".join(f". {t[0].upper()}{t[1:]}" for t in told)),
                notes.show(self)),
            on_failure=lambda exc: self._export_failed(exc, path),
            on_cancelled=lambda: runner.say(f"Export cancelled: no {path.name} was written."),
            dialog=("Export", f"Exporting {path.name}…", "exportProgress"))
        return self.job

    def _export_failed(self, exc: BaseException, path: Path) -> None:
        """Refused for consent: offer the anonymised export rather than only saying no."""
        if self.bridge.runner.closing:
            return
        if isinstance(exc, ConsentRefused) and self.reel_id is not None:
            consent = reel_consent(self.bridge.lib, self.reel_id)
            if consent.exportable and consent.needs_covering:
                answer = QMessageBox.question(
                    self, "Export refused", f"{exc}\n\nExport it with their faces covered instead?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
                if answer == QMessageBox.StandardButton.Yes:
                    self.choose_export(covering=True)
                return
        self.bridge.runner.show_error(exc, self)
