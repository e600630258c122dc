"""Tagging that keeps up with playback: a tag's key (1–9) tags the selected clip, or, when
no clip is selected, makes a clip ending at the playhead (10 s by default) and tags it.

The tagger is given what it needs (the library's runner, the shared selection, the player)
rather than the main window, so it can be driven and tested on its own."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from media import timecode
from app import reads
from app.clips import clips
from app.codebook import codebook

DEFAULT_SECONDS = 10


def clip_seconds() -> float:
    value = QSettings().value("tagging/clip_seconds", DEFAULT_SECONDS)
    try:
        return max(float(value), 0.5)
    except (TypeError, ValueError):
        return DEFAULT_SECONDS


class KeyTagger:
    """``tag_by_key(key)`` is the whole interface; it reports what it did through the runner."""

    def __init__(self, runner, selection, player) -> None:
        self.runner = runner  # ui.kit.operations.OperationRunner
        self.selection = selection  # ui.clips.selection.ClipSelection
        self.player = player  # ui.player.player.Player: the film and frame on screen

    def tag_by_key(self, key: str) -> int | None:
        """Returns the clip tagged (or made), None when nothing happened."""
        lib, say = self.runner.lib, self.runner.say
        tag_id = codebook.shortcut_tag(lib, key)
        if tag_id is None:
            say(f"No tag has key {key} yet: give one a key in the Codebook panel.")
            return None
        label = reads.tag(lib, tag_id).name
        selected = list(self.selection.ids)
        if selected:
            # The key toggles: pressing it again on a tagged clip takes the tag off.
            have = reads.clips_all_have_tag(lib, selected, tag_id)
            change = clips.remove_tag if have else clips.add_tag
            if self.runner.run(lambda lib: change(lib, selected, tag_id) or True,
                               say=f"{'Removed' if have else 'Tagged'} “{label}”"
                                   f"{'' if len(selected) == 1 else f' on {len(selected)} clips'}.") is None:
                return None
            return selected[0]
        film = self.player.film
        if film is None:
            say(f"Key {key} tags a clip: open a film first.")
            return None
        if film.missing:
            say(f"Key {key}: “{film.title}” is missing; relink it (File menu) to tag it.")
            return None
        end = self.player.frame_end_us
        start = max(0, end - int(clip_seconds() * timecode.US))
        return self.runner.run(
            lambda lib: clips.add(lib, film.id, start, end, tags=[str(tag_id)]),
            say=lambda clip_id: f"New clip “{reads.clip(lib, clip_id).title}” tagged “{label}” "
                                "(Esc, then a key, makes another).")
