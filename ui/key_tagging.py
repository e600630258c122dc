"""Tagging that keeps up with playback: a tag's key (1–9) tags the selected clip, or, when
no clip is selected, makes a clip ending at the playhead (10 s by default) and tags it."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from media import timecode
from app.models import ClipTag, Tag
from app.ops import clips, codebook

DEFAULT_SECONDS = 10


def clip_seconds() -> float:
    value = QSettings().value("tagging/clip_seconds", DEFAULT_SECONDS)
    try:
        return max(float(value), 0.5)
    except (TypeError, ValueError):
        return DEFAULT_SECONDS


class KeyTagger:
    def __init__(self, window) -> None:
        self.w = window

    def selected_clips(self) -> list[int]:
        return list(self.w.selection.ids)

    def tag_by_key(self, key: str) -> int | None:
        """Returns the clip tagged (or made), None when nothing happened."""
        w = self.w
        tag_id = codebook.shortcut_tag(w.lib, key)
        if tag_id is None:
            w.statusBar().showMessage(f"No tag has key {key} yet: give one a key in the Codebook panel.", 5000)
            return None
        with w.lib.read() as s:
            tag = s.get(Tag, tag_id)
            label = tag.name
        selected = self.selected_clips()
        if selected:
            with w.lib.read() as s:
                have = all(s.get(ClipTag, (c, tag_id)) is not None for c in selected)
            # The key toggles: pressing it again on a tagged clip takes the tag off.
            (clips.remove_tag if have else clips.add_tag)(w.lib, selected, tag_id)
            w.statusBar().showMessage(f"{'Removed' if have else 'Tagged'} “{label}”", 3000)
            return selected[0]
        film = w.player.film
        if film is None or film.missing:
            return None
        end = min(timecode.frame_start_us(w.player.frame_index + 1, w.player.fps), film.duration_us)
        start = max(0, end - int(clip_seconds() * timecode.US))
        clip_id = clips.add(w.lib, film.id, start, end, tags=[str(tag_id)])
        w.statusBar().showMessage(f"New clip tagged “{label}”", 3000)
        return clip_id
