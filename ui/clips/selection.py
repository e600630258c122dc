"""The one clip selection of the workspace, shared by the clip list, the timeline and the
Clip panel, so that a tag key or Delete always acts on what every view highlights."""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QObject, Signal


class ClipSelection(QObject):
    changed = Signal(object)  # tuple of clip ids, in the order they were chosen

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: tuple[int, ...] = ()

    @property
    def ids(self) -> tuple[int, ...]:
        return self._ids

    @property
    def current(self) -> int | None:
        """The clip the Clip panel shows: the first chosen."""
        return self._ids[0] if self._ids else None

    def set(self, ids: Iterable[int]) -> None:
        new = tuple(dict.fromkeys(int(i) for i in ids if i is not None))
        if new != self._ids:
            self._ids = new
            self.changed.emit(new)

    def select(self, clip_id: int | None) -> None:
        self.set([] if clip_id is None else [clip_id])

    def clear(self) -> bool:
        """True if something was selected."""
        had = bool(self._ids)
        self.set(())
        return had

    def forget(self, gone: Iterable[int]) -> None:
        """Clips that no longer exist leave the selection."""
        gone = set(gone)
        if gone & set(self._ids):
            self.set(i for i in self._ids if i not in gone)
