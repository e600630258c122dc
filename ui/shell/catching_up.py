"""Catching up with a change made outside the window (a person withdrawn on the command line, a
review held in another window): every view reads again what it shows, keeping the selection and
the film on screen where they still exist. The biggest reads (every film for the library, the
timeline film's clips, the clip list's first rows) are made off the GUI thread first; then one
view per event-loop turn takes what was read, or reads its own (issue 29: at 100,000 clips the
library's 500 films alone held the window up)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from app import reads
from ui.kit.later import Later


class CatchUp(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.steps: list = []
        self._asked = 0
        self._changes_seen = 0  # change notices in this window: what was read before one is stale
        self._reader = Later("catch-up")
        self._reader.done.connect(self._read)
        window.bridge.changed.connect(self._noticed)

    def _noticed(self, _changes) -> None:
        self._changes_seen += 1

    def start(self) -> None:
        """Read what the heavy views show off the GUI thread, then let each view catch up."""
        w, lib = self.window, self.window.lib
        self._asked += 1
        self.steps = []  # a round under way stops: a newer one starts when read
        shown = w.timeline.film.id if w.timeline.film is not None else None
        seen = self._changes_seen
        self._reader.run(self._asked, lambda: (seen, shown, reads.films(lib),
                                               reads.film_clips(lib, shown) if shown is not None else None))

    def _read(self, asked: int, result) -> None:
        w = self.window
        if asked != self._asked or w._closed:
            return
        films = clips = None
        if not isinstance(result, BaseException):
            seen, shown, films_read, clips_read = result
            if seen == self._changes_seen:  # nothing changed here meanwhile: what was read is as it is now
                films = films_read
                if w.timeline.film is not None and w.timeline.film.id == shown:
                    clips = clips_read
        film_id = w.current_film_id()
        steps = [
            lambda: w.library_panel.reload(keep_film=film_id, films=films),
            w.event_day.reload,
            lambda: w.clip_list.model.refresh(wait=False),  # read off the GUI thread
            lambda: w.timeline.reload_clips(clips),
            w.clip_details.reload,
            w.codebook_panel.reload,
            lambda: (w.prototypes_panel.reload(), w.prototypes_panel.show_current()),
            lambda: w.reel_builder.fill_reels(select=w.reel_builder.reel_id),
            w.people_panel.refresh,
            w.reviews_panel.reload,
            w.transcript_panel.reload,
            lambda: self._caught_up(film_id),
        ]
        self.steps = steps  # a further change outside meanwhile starts the round again

        def next_step() -> None:
            if self.steps is steps and steps and not w._closed:
                steps.pop(0)()
                QTimer.singleShot(0, self, next_step)

        next_step()

    def _caught_up(self, film_id: int | None) -> None:
        w = self.window
        if film_id is not None and reads.film_or_none(w.lib, film_id) is None:
            w.open_film(None)
        elsewhere = "another window, computer" if w.lib.team else "another window"
        w.feedback.say(f"The library was changed outside this window ({elsewhere} or the command line): "
                       "shown as it is now.")
