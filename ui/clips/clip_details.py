"""Clip details: title, tags (type to add, with completion), notes, a quote, the prototypes
it supports, the people who appear in its film and the safeguarding flag. Every edit is
saved at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, QStringListModel
from PySide6.QtWidgets import (
    QComboBox, QCompleter, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from app import reads
from media import timecode
from app.changes import Changes
from app.clips import clips
from app.prototypes import prototypes
from ui.kit.bridge import LibraryBridge
from ui.clips.safeguarding_box import SafeguardingBox
from ui.kit.saying import edit_said, quoted


class NoteEdit(QPlainTextEdit):
    """Saves when focus leaves it (every edit is kept, without a save button)."""

    def __init__(self, on_done, parent=None) -> None:
        super().__init__(parent)
        self.on_done = on_done

    def focusOutEvent(self, event) -> None:
        self.on_done()
        super().focusOutEvent(event)


class ClipDetails(QWidget):
    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.clip_id: int | None = None
        self._read: dict = {}  # field -> (version, value) it showed: what an edit of it is made from
        self.heading = QLabel("Select a clip to see its details.", self)
        self.heading.setWordWrap(True)
        self.title = QLineEdit(self)
        self.title.setObjectName("clipTitle")
        self.tags = QListWidget(self)
        self.tags.setObjectName("clipTags")
        self.tags.setMaximumHeight(90)
        self.tag_entry = QLineEdit(self)
        self.tag_entry.setObjectName("clipTagEntry")
        self.tag_entry.setPlaceholderText("Type a tag and press Enter (kind:name makes a new one)")
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tag_entry.setCompleter(completer)
        self.completer = completer
        # A suggestion picked in the list (click, or arrow and Enter) tags the clip at once.
        completer.activated.connect(lambda text: self.add_typed_tag(text))
        remove = QPushButton("Remove tag", self)
        remove.setToolTip("Take the selected tag off this clip")
        remove.clicked.connect(self.remove_tag)
        self.note = NoteEdit(lambda: self._save(note=self.note.toPlainText()), self)
        self.note.setObjectName("clipNote")
        self.note.setPlaceholderText("Notes: what happened, what it shows")
        self.quote = QLineEdit(self)
        self.quote.setObjectName("clipQuote")
        self.quote.setPlaceholderText("A line said word for word")
        self.protos = QListWidget(self)
        self.protos.setMaximumHeight(70)
        self.proto_box = QComboBox(self)
        link = QPushButton("Link", self)
        link.setToolTip("Link this clip to the prototype chosen beside it")
        link.clicked.connect(self.link_prototype)
        unlink = QPushButton("Unlink", self)
        unlink.setToolTip("Unlink this clip from the prototype selected above")
        unlink.clicked.connect(self.unlink_prototype)
        self.people = QLabel(self)
        self.people.setWordWrap(True)
        self.safeguarding = SafeguardingBox(bridge, self)
        form = QFormLayout()
        form.addRow("Title", self.title)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tag_entry, 1)
        tag_row.addWidget(remove)
        form.addRow("Tags", self.tags)
        form.addRow("", tag_row)
        form.addRow("Notes", self.note)
        form.addRow("Quote", self.quote)
        proto_row = QHBoxLayout()
        proto_row.addWidget(self.proto_box, 1)
        proto_row.addWidget(link)
        proto_row.addWidget(unlink)
        form.addRow("Prototypes", self.protos)
        form.addRow("", proto_row)
        form.addRow("People", self.people)
        form.addRow("Safeguarding", self.safeguarding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addStretch(1)
        self.title.editingFinished.connect(lambda: self._save(title=self.title.text()))
        self.quote.editingFinished.connect(lambda: self._save(quote=self.quote.text()))
        self.tag_entry.returnPressed.connect(lambda: self.add_typed_tag())
        bridge.changed.connect(self._on_changed)
        self.rec = None
        self.people_ids: set[int] = set()
        self._fill_tag_names()
        self._fill_prototypes()
        self.show_clip(None)

    def _on_changed(self, changes: Changes) -> None:
        """Refresh only for what a change names: the codebook's names when tags change, the
        prototype choices when prototypes do, and the clip shown only when the change is about
        it (its row, tags, prototypes, film, or the people of its film)."""
        about_it = self.rec is not None and self._is_about_shown_clip(changes)  # by the names it shows now
        if changes.touches("tags"):
            self._fill_tag_names()
        if changes.touches("prototypes"):
            self._fill_prototypes()
        if about_it:
            self.show_clip(self.clip_id)

    def _is_about_shown_clip(self, changes: Changes) -> bool:
        rec = self.rec
        return (rec.id in changes.ids_of("clips") or rec.film_id in changes.ids_of("films")
                or any(key[0] == rec.id for t in ("clip_tags", "clip_prototypes") for key in changes.ids_of(t))
                or bool(changes.ids_of("tags") & {self.tag_ids.get((t["kind"], t["name"])) for t in rec.tags})
                or bool(changes.ids_of("prototypes") & {self.proto_ids.get(n) for n in rec.prototypes})
                or bool(changes.ids_of("people") & self.people_ids) or changes.touches("appearances"))

    def reload(self) -> None:
        """Read everything shown again (the library was changed by another process)."""
        self._fill_tag_names()
        self._fill_prototypes()
        self.show_clip(self.clip_id)

    def _fill_tag_names(self) -> None:
        tags = reads.tags(self.bridge.lib, include_archived=True)
        self.tag_ids = {(t.kind, t.name): t.id for t in tags}
        tag_names = [f"{t.kind}:{t.name}" for t in tags if not t.archived]
        self.completions.setStringList(tag_names + [t.split(":", 1)[1] for t in tag_names])

    def _fill_prototypes(self) -> None:
        protos = reads.prototypes(self.bridge.lib)
        self.proto_ids = {p.name: p.id for p in protos}
        chosen = self.proto_box.currentData()
        self.proto_box.clear()
        for proto in protos:
            self.proto_box.addItem(proto.name, proto.id)
        self.proto_box.setCurrentIndex(max(self.proto_box.findData(chosen), 0))

    def show_clip(self, clip_id: int | None) -> None:
        lib = self.bridge.lib
        found = reads.clips(lib, [clip_id]) if clip_id is not None else []
        rec = self.rec = found[0] if found else None
        self.clip_id = rec.id if rec is not None else None
        self.safeguarding.show_clip(rec)
        for w in (self.title, self.tags, self.tag_entry, self.note, self.quote, self.protos, self.proto_box):
            w.setEnabled(rec is not None)
        if rec is None:
            self.heading.setText("Select a clip to see its details.")
            for w in (self.title, self.quote):
                w.clear()
            self.note.setPlainText("")
            self.tags.clear()
            self.protos.clear()
            self.people.clear()
            return
        film_people = reads.film_people(lib, rec.film_id)
        self.people_ids = {p.id for p in film_people}
        people = [f"{p.name} ({p.role.replace('_', ' ')}, {'withdrew consent' if p.withdrawn else 'consent: ' + p.consent})"
                  for p in film_people]
        self.heading.setText(f"{rec.film} · {timecode.format_short(rec.start_us)}–{timecode.format_short(rec.end_us)}")
        another = self._read.pop("clip", None) != rec.id
        if another:
            self._read = {}
        self._read["clip"] = rec.id
        # What each field showed, and at which version of the clip, is what an edit of it was
        # made from: someone else's change of the same field meanwhile makes it a conflict.
        if another or not self.title.hasFocus():
            self.title.setText(rec.title)
            self._read["title"] = (rec.version, rec.title)
        if another or not self.quote.hasFocus():
            self.quote.setText(rec.quote)
            self._read["quote"] = (rec.version, rec.quote)
        if another or not self.note.hasFocus():
            self.note.setPlainText(rec.note)
            self._read["note"] = (rec.version, rec.note)
        self.tags.clear()
        for t in rec.tags:
            item = QListWidgetItem(f"{t['kind']}: {t['name']}")
            item.setData(Qt.ItemDataRole.UserRole, f"{t['kind']}:{t['name']}")
            self.tags.addItem(item)
        self.protos.clear()
        for name in rec.prototypes:
            self.protos.addItem(name)
        self.people.setText("\n".join(people) or "Nobody recorded for this film yet.")

    def _save(self, **fields) -> None:
        if self.clip_id is None:
            return
        clip_id = self.clip_id

        titled = []  # the clip as it was called before this edit
        made_from = {f: self._read[f] for f in fields if f in self._read}
        version = min((v for v, _ in made_from.values()), default=None)

        def save(lib) -> bool:
            clip = reads.clip(lib, clip_id)
            titled.append(clip.title)
            if any(getattr(clip, k) != v for k, v in fields.items()):
                clips.update(lib, clip_id, version=version, read={f: v for f, (_, v) in made_from.items()}, **fields)
            return True

        saved = self.bridge.runner.run(save, parent=self,
                                       say=lambda _d: edit_said(f"Clip {quoted(titled[0])}", fields))
        if self.clip_id == clip_id:
            # Saved: the next edit is made from this. Refused (someone else's change): from theirs,
            # which the message named; the text typed stays, to be saved again if it still applies.
            now = reads.clips(self.bridge.lib, [clip_id])
            for f in fields:
                if now:
                    self._read[f] = (now[0].version, getattr(now[0], f))
            if not saved and now:
                self.rec = now[0]

    def typed_tag(self, text: str) -> str | None:
        """What Enter in the tag box means: a tag of the codebook named so (any case), a new
        ``kind:name``, or else the first suggestion the list shows for what was typed ("Plain"
        is "Plain language"); None when nothing in the codebook matches."""
        text = text.strip()
        names = {n.lower(): n for n in self.completions.stringList()}
        if text.lower() in names:
            return names[text.lower()]
        if ":" in text:
            return text  # kind:name makes a new tag (the core refuses a near miss, naming it)
        self.completer.setCompletionPrefix(text)
        if self.completer.completionCount():
            self.completer.setCurrentRow(0)
            return self.completer.currentCompletion()
        return None

    def add_typed_tag(self, text: str | None = None) -> None:
        typed = (self.tag_entry.text() if text is None else text).strip()
        if self.clip_id is None or not typed:
            return
        ref = self.typed_tag(typed)
        self.completer.popup().hide()
        if ref is None:  # said beside the box, not in a window to close
            near = reads.closest_tags(self.bridge.lib, typed)
            closest = f" (closest: {', '.join(quoted(n.split(':', 1)[1]) for n in near)})" if near else ""
            self.bridge.runner.say(f"No tag {quoted(typed)} in the codebook{closest}: pick one from the list, or type "
                                   "kind:name (challenge:, opportunity:, theme:) to make one.")
            return
        clip_id = self.clip_id
        name = ref.split(":", 1)[1] if ":" in ref else ref
        self.tag_entry.clear()
        if not self.bridge.runner.run(lambda lib: clips.tag_with(lib, [clip_id], ref) or True, parent=self,
                                      say=f"Tagged the clip {quoted(name)}."):
            self.tag_entry.setText(typed)

    def remove_tag(self) -> None:
        item = self.tags.currentItem()
        if self.clip_id is None or item is None:
            return
        kind, name = item.data(Qt.ItemDataRole.UserRole).split(":", 1)
        tag_id = self.tag_ids.get((kind, name))
        clip_id = self.clip_id
        if tag_id is not None:
            self.bridge.runner.run(lambda lib: clips.remove_tag(lib, [clip_id], tag_id), parent=self,
                                   say=f"Took {quoted(name)} off the clip.")

    def link_prototype(self) -> None:
        clip_id, proto_id = self.clip_id, self.proto_box.currentData()
        if clip_id is not None and proto_id is not None:
            self.bridge.runner.run(lambda lib: prototypes.link(lib, proto_id, [clip_id]), parent=self,
                                   say=f"Linked the clip to {quoted(self.proto_box.currentText())}.")

    def unlink_prototype(self) -> None:
        item = self.protos.currentItem()
        if self.clip_id is None or item is None:
            return
        proto_id = self.proto_ids.get(item.text())
        clip_id = self.clip_id
        if proto_id is not None:
            self.bridge.runner.run(lambda lib: prototypes.unlink(lib, proto_id, [clip_id]), parent=self,
                                   say=f"Unlinked the clip from {quoted(item.text())}.")
