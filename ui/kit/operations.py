"""The one way the GUI runs an operation (Anki's ``CollectionOp``/``QueryOp``, Picard's task
counter): every action that changes the library goes through ``run`` (quick, on the GUI
thread) or ``start`` (long, on a worker); failures are shown by ``ui.kit.errors.show_error`` and
nowhere else; every worker is tracked so closing the window can cancel and wait for all.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar, Union

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.changes import Changes
from app.library import Library
from ui.kit.errors import show_error
from ui.kit.workers import Job

log = logging.getLogger(__name__)
T = TypeVar("T")
Say = Union[str, Callable[[Any], str], bool, None]  # see OperationRunner.run


class OperationRunner(QObject):
    job_started = Signal(object)  # Job
    job_finished = Signal(object)

    def __init__(self, lib: Library, window: QWidget) -> None:
        super().__init__(window)
        self.lib = lib
        self.window = window
        self.jobs: list[Job] = []
        self.closing = False
        self.feedback = None  # ui.kit.feedback.Feedback, set by the main window
        self._said: dict[int, tuple[object, str]] = {}  # id(step) -> (step, what was said when it was done)

    # -- saying what happened ------------------------------------------------------------
    def say(self, text: str, actions=()) -> None:
        if self.feedback is not None:
            self.feedback.say(text, list(actions))

    def undo(self) -> None:
        """Undo the last step (the Undo button beside a message, Edit → Undo) and say what was
        undone, in the words said when it was done ("Undone: Linked the clip to “Welcome desk”."),
        not the step's bare name ("Undo Link clips to prototype: done." named nothing)."""
        self._step_back_or_forth(self.lib.undo_stack.next_undo, lambda lib: lib.undo(), "Undone")

    def redo(self) -> None:
        self._step_back_or_forth(self.lib.undo_stack.next_redo, lambda lib: lib.redo(), "Redone")

    def _step_back_or_forth(self, step, op, word: str) -> None:
        said = self._said.get(id(step), (None, None)) if step is not None else (None, None)
        what = said[1] if said[0] is step else None

        def saying(changes) -> str:
            if what:
                return f"{word}: {what}"
            name = changes.name.split(" ", 1)[1] if " " in changes.name else changes.name  # "Undo X" -> "X"
            return f"{word}: {name[0].lower()}{name[1:]}."
        self.run(op, say=saying, remember=False)

    def _remember(self, text: str) -> None:
        """The words said for the step just pushed, for its Undo and Redo to say again."""
        step = self.lib.undo_stack.next_undo
        if step is not None:
            self._said[id(step)] = (step, text)
            while len(self._said) > 500:  # the history keeps fewer steps than this
                self._said.pop(next(iter(self._said)))

    def announce_file(self, path: Path, what: str, after: str = "") -> None:
        """Every export and report ends here: what was written, where, and a way to it
        (``after``: what else is worth saying about it)."""
        from ui.kit.desktop import show_in_folder

        self.say(f"{what}: {Path(path).name} in {Path(path).parent}{after}",
                 [("Show in folder", lambda: show_in_folder(path))])

    def run(self, op: Callable[[Library], T], parent: QWidget | None = None,
            on_success: Callable[[T], Any] | None = None, say: Say = None, remember: bool = True) -> T | None:
        """Run a quick change now; returns its result, or None after showing why it failed.

        Every change says what it did in the status bar, with Undo when it can be undone:
        ``say`` is the text (or makes it from the result); left out, the change's own name is
        said; ``False`` when the caller says it itself or it is an autosave nobody asked for."""
        reported: list[Changes] = []
        before = self.lib.undo_stack.pushed
        here = threading.get_ident()  # a worker's change meanwhile is not this action's
        unsubscribe = self.lib.subscribe(lambda c: reported.append(c) if threading.get_ident() == here else None)
        try:
            result = op(self.lib)
        except Exception as exc:  # noqa: BLE001 - the one place operation errors are shown
            show_error(parent or self.window, exc)
            return None
        finally:
            unsubscribe()
        if on_success is not None:
            on_success(result)
        if reported and say is not False:
            text = say(result) if callable(say) else say or f"{reported[-1].name}: done."
            undoable = self.lib.undo_stack.pushed > before
            if undoable and remember:
                self._remember(text)
            self.say(text, [("Undo", self.undo)] if undoable else ())
        return result

    def start(self, fn: Callable, *, parent: QWidget | None = None, on_success: Callable | None = None,
              on_failure: Callable | None = None, on_progress: Callable | None = None,
              on_cancelled: Callable | None = None, on_done: Callable | None = None,
              dialog: tuple[str, str, str] | None = None, stop: Callable[[], None] | None = None,
              title: str = "ProtoReel") -> Job:
        """Run ``fn(progress, cancel)`` on a worker; errors are shown (in a box titled ``title``)
        unless ``on_failure`` takes them, and never while the window closes. ``dialog`` =
        (title, text, object name) shows a progress dialog with Cancel. ``stop`` is called
        beside the cancel token when the job is cancelled (closing included)."""
        job = Job(fn, self, stop=stop)
        if dialog is not None:
            from ui.kit.progress import show_progress

            show_progress(job, parent or self.window, *dialog)
        if on_progress is not None:
            job.progress.connect(on_progress)
        if on_success is not None:
            job.succeeded.connect(on_success)
        job.failed.connect(on_failure or (lambda exc: self.show_error(exc, parent, title)))
        if on_cancelled is not None:
            job.cancelled.connect(on_cancelled)
        job.done.connect(lambda: self._finished(job))
        if on_done is not None:
            job.done.connect(on_done)
        self.jobs.append(job)
        self.job_started.emit(job)
        return job.start()

    def show_error(self, exc: BaseException, parent: QWidget | None = None, title: str = "ProtoReel") -> None:
        """How a job's failure is shown (nothing while closing: the window is going)."""
        if not self.closing:
            show_error(parent or self.window, exc, title)

    def _finished(self, job: Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        self.job_finished.emit(job)

    def busy(self) -> bool:
        return any(job.is_running() for job in self.jobs)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel every job and wait for each to stop; True if all did in time."""
        self.closing = True
        for job in list(self.jobs):
            job.cancel()
        stopped = True
        for job in list(self.jobs):
            if not job.wait(timeout_ms):
                log.error("a job did not stop within %d ms of closing", timeout_ms)
                stopped = False
        return stopped
