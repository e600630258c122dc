"""The clip list's model: the matching clips in the list's order, read a page at a time as
rows come into view (Qt's canFetchMore / fetchMore), how many match counted apart, and each
row's record read in batches for the rows drawn. What a keystroke or a change costs follows
what is on screen, not the library's size (100,000 clips: ``bench/workspace_bench.py``).

A change that names its clips (one made, tagged, moved or undone) reads just those clips'
places in the list (``reads.clip_keys``) and inserts, moves or removes their rows; the rows
already read keep their records.
"""

from __future__ import annotations

import bisect
import dataclasses
import json

from PySide6.QtCore import QAbstractTableModel, QByteArray, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app import reads
from app.changes import Changes
from app.clips import clips as clip_ops
from app.queries import ClipFilter
from app.records import ClipRecord
from app.reels.reel_plan import DEFAULT_WARNING
from media import timecode
from ui.kit.bridge import LibraryBridge
from ui.kit.later import Later
from ui.kit.saying import quoted

COLUMNS = ("Title", "Tags", "Filmed", "In", "Out", "Length", "Film", "Prototypes")  # what tells clips apart comes first
BATCH = 64  # records read at once as rows come into view: about two screens (200 took 0.1 s of GUI thread)
CLIP_MIME = "application/x-protoreel-clip-ids"
MEMBERSHIP = ("clips", "clip_tags", "clip_prototypes")  # which clips match can change
SHOWN = ("tags", "prototypes", "films", "events", "appearances")  # only what rows show can change


def warning_icon() -> QIcon:
    """The mark of a clip flagged as distressing (shown before its title)."""
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def warning_text(rec: ClipRecord) -> str:
    return rec.safeguarding_note or DEFAULT_WARNING


def short_time(us: int) -> str:
    return timecode.format_short(us, 2)


class ClipListModel(QAbstractTableModel):
    counted = Signal()  # ``total`` may have changed (rows inserted or removed, a new filter)

    def __init__(self, bridge: LibraryBridge) -> None:
        super().__init__()
        self.bridge = bridge
        self.filter = ClipFilter()
        self.ids: list[int] = []  # the rows read so far, in the list's order
        self._keys: list[tuple] | None = []  # each row's place (app.clips.listing); None: by time of day
        self.total: int | None = 0  # how many clips match, read or not (None: being counted)
        self.complete = True  # every matching clip is in ``ids``
        self._rows: dict[int, ClipRecord] = {}  # clip id -> record, for rows seen so far
        # Reads off the GUI thread (how many match; the rows of a search being typed): each
        # asks again for the newest, and a result asked for before it is dropped unread.
        self._asked = 0
        self._pending: ClipFilter | None = None  # a filter whose rows are being read
        self._pending_changed: set[int] | None = set()  # the records to drop when they arrive (None: all)
        self._later = Later("clip-list")  # the rows of a search being typed
        self._later.done.connect(self._arrived)
        self._counted = 0
        self._count_due: int | None = None  # the count asked for and not yet arrived
        self._counter = Later("clip-count")  # how many match
        self._counter.done.connect(self._count_arrived)
        bridge.changed.connect(self._on_changed)
        self.refresh()

    # -- data source -------------------------------------------------------------------
    def set_filter(self, filt: ClipFilter, wait: bool = True) -> None:
        """Show the clips matching ``filt``: at once (``wait``), or, as a search is typed, read
        off the GUI thread and shown when read, unless a newer filter was asked for meanwhile
        (the list shows the last filter's clips until then; ``pending`` says one is coming)."""
        if wait:
            self._asked += 1  # a search still being read is out of date
            self._pending, self._pending_changed = None, set()
            self.filter = filt
            self.refresh(changed=set(), keep_read=False)
            return
        from app.clips.listing import PAGE

        self._ask(filt, PAGE, changed=set())

    def _ask(self, filt: ClipFilter, at_least: int, changed: set[int] | None) -> None:
        """Read ``filt``'s first rows (``at_least``), their count and the records of the rows
        a view shows first, off the GUI thread; ``changed``: the records read before to drop
        when they arrive (None: all)."""
        self._asked += 1
        before = self._pending_changed if self._pending is not None else set()  # a read overtaken: its drops too
        self._pending_changed = None if changed is None or before is None else before | changed
        self._pending = filt
        asked, lib = self._asked, self.bridge.lib
        self._later.run(asked, lambda: (filt, self._read(lib, filt, at_least, counted=True, records=True)))

    @property
    def pending(self) -> bool:
        """Rows or a count asked for off the GUI thread have not arrived yet (the count shown
        meanwhile is the one before a clip was made, say)."""
        return self._pending is not None or self._count_due == self._counted

    @staticmethod
    def _read(lib, filt: ClipFilter, at_least: int, counted: bool, records: bool = False) -> tuple:
        """The first rows (``at_least`` of them, or all there are) and, when they are all or
        ``counted``, how many match (None: to be counted); with ``records``, the records of the
        first rows (what a view draws first: read here, off the GUI thread, not when painted)."""
        if filt.at_minute is not None:  # nearest first: ordered in Python (app/clips/time_of_day.py)
            ids = reads.clip_ids(lib, filt)
            keys, complete, total = None, True, len(ids)
        else:
            keys = reads.clip_page(lib, filt, limit=at_least)
            complete = len(keys) < at_least
            ids = [k[3] for k in keys]
            total = len(ids) if complete else reads.clip_count(lib, filt) if counted else None
        return ids, keys, complete, total, reads.clips(lib, ids[:BATCH]) if records else []

    def _count_later(self) -> None:
        """How many match, counted off the GUI thread (a search's words are looked for in
        every clip); ``total`` says the rows read so far until then."""
        self._counted += 1
        asked, lib, filt = self._counted, self.bridge.lib, self.filter
        self._count_due = asked
        self._counter.run(asked, lambda: reads.clip_count(lib, filt))

    def _count_arrived(self, asked: int, result) -> None:
        if asked != self._counted:
            return
        self._count_due = None
        if not isinstance(result, BaseException):
            self.total = result
            self.counted.emit()

    def _arrived(self, asked: int, result) -> None:
        if asked != self._asked or isinstance(result, BaseException):
            return  # a newer filter was asked for; or the library went away meanwhile
        filt, value = result
        changed, self._pending, self._pending_changed = self._pending_changed, None, set()
        self.filter = filt
        self._show(*value, changed=changed)

    def refresh(self, changed: set[int] | None = None, keep_read: bool = True, wait: bool = True) -> None:
        """Which clips match, read again from the first row (as many rows as were read, when
        ``keep_read``: the list stays where it was scrolled). A clip's record does not depend
        on the filter, so the records read so far are kept, except those of ``changed`` clips
        (None: every one, as after a change made outside). ``wait`` False: read off the GUI
        thread, the rows shown until then."""
        from app.clips.listing import PAGE

        at_least = max(PAGE, len(self.ids) if keep_read else 0)
        if self._pending is not None or not wait:  # (a newer filter's rows being read: read them again, after this change)
            self._ask(self.filter if self._pending is None else self._pending, at_least, changed)
            return
        self._show(*self._read(self.bridge.lib, self.filter, at_least, counted=False), changed=changed)

    def _show(self, ids: list[int], keys: list[tuple] | None, complete: bool, total: int | None,
              records: list[ClipRecord], changed: set[int] | None) -> None:
        if changed is None:
            self._rows.clear()
        else:
            for clip_id in changed:
                self._rows.pop(clip_id, None)
        self._rows.update((rec.id, rec) for rec in records)  # read after the change, with the rows
        self._counted += 1  # a count under way is of what was shown before
        self.complete, self.total = complete, total
        if total is None:
            self._count_later()
        if ids == self.ids:
            self._keys = keys
            if ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
            self.counted.emit()
            return
        present = set(ids)
        kept = {i: rec for i, rec in self._rows.items() if i in present}
        self.beginResetModel()
        self.ids, self._keys, self._rows = ids, keys, kept
        self.endResetModel()
        self.counted.emit()

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self.complete and bool(self._keys)

    def fetchMore(self, parent=QModelIndex()) -> None:
        """The next page, as the view scrolls to the last row read."""
        if not self.canFetchMore(parent):
            return
        from app.clips.listing import PAGE

        keys = reads.clip_page(self.bridge.lib, self.filter, after=self._keys[-1], limit=PAGE)
        self.complete = len(keys) < PAGE
        self._append(keys)
        if self.complete:
            self.total = len(self.ids)
            self.counted.emit()

    def _append(self, keys: list[tuple]) -> None:
        if not keys:
            return
        first = len(self.ids)
        self.beginInsertRows(QModelIndex(), first, first + len(keys) - 1)
        self.ids.extend(k[3] for k in keys)
        self._keys.extend(keys)
        self.endInsertRows()

    def _on_changed(self, changes: Changes) -> None:
        """Re-read which clips match only where that can have changed: a change naming its
        clips moves just their rows; one that can change any clip's place or match (a film
        renamed or removed, a tag or prototype filtered on, a person's appearances) reads the
        first rows again. Otherwise redraw the rows whose text changed (a renamed tag redraws
        every row read). Either way only the records a change can have altered are read again."""
        f = self.filter
        films = changes.ids_of("films")
        named = set(changes.ids_of("clips")) | {key[0] for table in ("clip_tags", "clip_prototypes")
                                                for key in changes.ids_of(table)}
        if changes.touches("tags", "prototypes"):
            stale = None  # a tag or prototype's name shows on any clip
        else:
            stale = named | {i for i, rec in self._rows.items() if rec.film_id in films}
        if self._pending is not None:  # a search's rows are being read: read them again after this
            for clip_id in (list(self._rows) if stale is None else stale):
                self._rows.pop(clip_id, None)
            self.set_filter(self._pending, wait=False)
            return
        everywhere = (films and self._films_have_clips(films) or changes.touches("events") and f.event_ids
                      or changes.touches("appearances", "appearance_ranges", "people") and f.person_ids
                      or changes.touches("transcripts", "transcript_segments") and f.text.strip()  # what was said
                      or changes.touches("tags") and (f.tags_all or f.tags_any or f.kinds)
                      or changes.touches("prototypes") and f.prototype_ids)
        if everywhere or (changes.touches(*MEMBERSHIP) and (self._keys is None or len(named) > BATCH)):
            self.refresh(changed=stale)
            return
        if changes.touches(*MEMBERSHIP) and named:
            self._move_rows(named)
        self._redraw(list(self._rows) if stale is None else [i for i in stale if i in self._rows])

    def _films_have_clips(self, films) -> bool:
        """Whether films a change names hold clips that match (a renamed film's clips move in
        the list, ordered by film title; a new film holds none): counted from the films' index."""
        wanted = sorted(set(films) & set(self.filter.film_ids)) if self.filter.film_ids else sorted(films)
        return bool(wanted) and reads.clip_count(self.bridge.lib, dataclasses.replace(self.filter, film_ids=wanted)) > 0

    def _move_rows(self, clip_ids: set[int]) -> None:
        """Put the rows of ``clip_ids`` where they now belong: removed when they no longer
        match (or are gone), inserted or moved by their key. A row past the last one read is
        left for ``fetchMore`` to bring."""
        fresh = reads.clip_keys(self.bridge.lib, self.filter, clip_ids)
        for clip_id in sorted(clip_ids):
            row = self._row_read(clip_id)
            key = fresh.get(clip_id)
            if row is not None and key == self._keys[row]:
                continue
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.ids[row], self._keys[row]
                self.endRemoveRows()
            if key is None:
                continue
            at = bisect.bisect_left(self._keys, key)
            if at < len(self._keys) or self.complete:
                self.beginInsertRows(QModelIndex(), at, at)
                self.ids.insert(at, clip_id)
                self._keys.insert(at, key)
                self.endInsertRows()
        if self.complete:
            self.total = len(self.ids)
        else:
            self._count_later()  # the rows past those read may have changed too
        self.counted.emit()

    def _row_read(self, clip_id: int) -> int | None:
        try:
            return self.ids.index(clip_id)
        except ValueError:
            return None

    def _redraw(self, clip_ids: list[int]) -> None:
        for clip_id in clip_ids:
            self._rows.pop(clip_id, None)
        wanted = set(clip_ids)
        rows = [r for r, clip_id in enumerate(self.ids) if clip_id in wanted]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))

    def record(self, row: int) -> ClipRecord | None:
        clip_id = self.ids[row]
        if clip_id not in self._rows:
            start = max(row - BATCH // 4, 0)
            wanted = [i for i in self.ids[start:start + BATCH] if i not in self._rows]
            for rec in reads.clips(self.bridge.lib, wanted):
                self._rows[rec.id] = rec
        return self._rows.get(clip_id)

    def row_of(self, clip_id: int) -> int | None:
        """The clip's row; a matching clip past the rows read so far brings the rows up to it
        (a clip picked on the timeline is shown in the list)."""
        row = self._row_read(clip_id)
        if row is not None or self.complete or not self._keys:
            return row
        key = reads.clip_keys(self.bridge.lib, self.filter, [clip_id]).get(clip_id)
        if key is None or key <= self._keys[-1]:
            return None
        self._append(reads.clip_page(self.bridge.lib, self.filter, after=self._keys[-1], upto=key))
        return self._row_read(clip_id)


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
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            rec = self.record(index.row())
            return warning_icon() if rec is not None and rec.safeguarding else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return None
        rec = self.record(index.row())
        if rec is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and column == "Title" and rec.safeguarding:
            return f"{rec.title}\nDistressing content: a warning comes first ({warning_text(rec)})"
        if column == "Title":
            return rec.title
        if column == "Tags":
            return ", ".join(t["name"] for t in rec.tags)
        if column == "In":
            return short_time(rec.start_us)
        if column == "Out":
            return short_time(rec.end_us)
        if column == "Length":
            return short_time(rec.duration_us)
        if column == "Film":
            return rec.film
        if column == "Filmed":  # the time of day, where it was filmed
            return rec.filmed_at or ""
        return ", ".join(rec.prototypes)

    def setData(self, index: QModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 0:
            return False
        title = str(value).strip()
        if not title:
            return False
        clip_id = self.ids[index.row()]
        shown = self.record(index.row())  # renamed from what the row showed: a rename meanwhile is a conflict
        made_from = {"version": shown.version, "read": {"title": shown.title}} if shown is not None else {}
        return self.bridge.runner.run(lambda lib: clip_ops.update(lib, clip_id, title=title, **made_from) or True,
                                      say=f"Renamed the clip {quoted(title)}.") is not None
