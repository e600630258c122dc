"""The one way the GUI runs an operation (Anki's ``CollectionOp``/``QueryOp``, Picard's task
counter): every action that changes the library goes through ``run`` (quick, on the GUI
thread) or ``start`` (long, on a worker); failures are shown by ``ui.errors.show_error`` and
nowhere else; every worker is tracked so closing the window can cancel and wait for all.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.library import Library
from ui.errors import show_error
from ui.workers import Job

log = logging.getLogger(__name__)
T = TypeVar("T")


class OperationRunner(QObject):
    job_started = Signal(object)  # Job
    job_finished = Signal(object)

    def __init__(self, lib: Library, window: QWidget) -> None:
        super().__init__(window)
        self.lib = lib
        self.window = window
        self.jobs: list[Job] = []
        self.closing = False
        self.feedback = None  # ui.feedback.Feedback, set by the main window

    # -- saying what happened ------------------------------------------------------------
    def say(self, text: str, actions=()) -> None:
        if self.feedback is not None:
            self.feedback.say(text, list(actions))

    def undo(self) -> None:
        """Undo the last step (the Undo button beside a message) and say what was undone."""
        changes = self.run(lambda lib: lib.undo())
        if changes is not None:
            self.say(f"{changes.name}: done.")

    def announce_file(self, path: Path, what: str) -> None:
        """Every export and report ends here: what was written, where, and a way to it."""
        from ui.desktop import show_in_folder

        self.say(f"{what}: {Path(path).name} in {Path(path).parent}", [("Show in folder", lambda: show_in_folder(path))])

    def run(self, op: Callable[[Library], T], parent: QWidget | None = None,
            on_success: Callable[[T], Any] | None = None) -> T | None:
        """Run a quick change now; returns its result, or None after showing why it failed."""
        try:
            result = op(self.lib)
        except Exception as exc:  # noqa: BLE001 - the one place operation errors are shown
            show_error(parent or self.window, exc)
            return None
        if on_success is not None:
            on_success(result)
        return result

    def start(self, fn: Callable, *, parent: QWidget | None = None, on_success: Callable | None = None,
              on_failure: Callable | None = None, on_progress: Callable | None = None,
              on_cancelled: Callable | None = None, on_done: Callable | None = None,
              dialog: tuple[str, str, str] | None = None) -> Job:
        """Run ``fn(progress, cancel)`` on a worker; errors are shown unless ``on_failure`` takes them.
        ``dialog`` = (title, text, object name) shows a progress dialog with Cancel."""
        job = Job(fn, self)
        if dialog is not None:
            from ui.progress import show_progress

            show_progress(job, parent or self.window, *dialog)
        if on_progress is not None:
            job.progress.connect(on_progress)
        if on_success is not None:
            job.succeeded.connect(on_success)
        job.failed.connect(on_failure or (lambda exc: None if self.closing else show_error(parent or self.window, exc)))
        if on_cancelled is not None:
            job.cancelled.connect(on_cancelled)
        job.done.connect(lambda: self._finished(job))
        if on_done is not None:
            job.done.connect(on_done)
        self.jobs.append(job)
        self.job_started.emit(job)
        return job.start()

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
