"""Preview a reel without rendering: the player plays each clip's range back to back."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app import reads
from app.library import Library
from media.export.plan import PlanItem
from ui.player.player import Player


class ReelPreview(QObject):
    item_started = Signal(int)  # position in the reel
    finished = Signal()

    def __init__(self, lib: Library, player: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lib = lib
        self.player = player
        self.items: list[PlanItem] = []
        self.index = -1
        self._advancing = False  # loading the next film stops the player: not a user's pause
        player.position_changed.connect(self._on_position)
        player.playing_changed.connect(self._on_playing)

    @property
    def active(self) -> bool:
        return 0 <= self.index < len(self.items)

    def start(self, items: list[PlanItem]) -> None:
        self.items = items
        self.index = -1
        self._next()

    def stop(self) -> None:
        if self.active:
            self.index = -1
            self.player.pause()
            self.finished.emit()

    def _next(self) -> None:
        self.index += 1
        if self.index >= len(self.items):
            self.index = -1
            self.player.pause()
            self.finished.emit()
            return
        item = self.items[self.index]
        self._advancing = True
        try:
            if self.player.film is None or self.player.film.id != item.film_id:
                record = reads.film_or_none(self.lib, item.film_id)
                index = reads.frame_index(self.lib, record) if record is not None and record.has_video else None
                self.player.load(record, item.start_us, index)
            else:
                self.player.seek_us(item.start_us)
            self.item_started.emit(self.index)
            self.player.play()
        finally:
            self._advancing = False

    def _on_position(self, us: int) -> None:
        if self.active and self.player.is_playing() and us >= self.items[self.index].end_us - 1:
            self._next()

    def _on_playing(self, playing: bool) -> None:
        # Paused by hand (Space, K): the preview ends; the film stays where it is.
        if self.active and not playing and not self._advancing:
            self.index = -1
            self.finished.emit()
