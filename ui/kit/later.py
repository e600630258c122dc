"""Reads off the GUI thread for a view (the clip list's rows and count, the moments a search's
words were said): the newest job only, its result brought back to the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class Later(QObject):
    """One thread for a view's reads off the GUI thread, newest first: a job asked for
    while another waits replaces it (the words typed since make it useless). ``done`` brings
    each result, or the exception, back to the GUI thread with the number it was asked as."""

    done = Signal(int, object)

    def __init__(self, name: str = "reads") -> None:
        super().__init__()
        self._name = name
        self._lock = threading.Lock()
        self._waiting: tuple[int, object] | None = None
        self._thread: threading.Thread | None = None

    def run(self, asked: int, job) -> None:
        with self._lock:
            self._waiting = (asked, job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=f"protoreel-{self._name}", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if self._waiting is None:
                    self._thread = None
                    return
                (asked, job), self._waiting = self._waiting, None
            try:
                result = job()
            except BaseException as exc:  # the library closed under it: the GUI drops it
                result = exc
            try:
                self.done.emit(asked, result)
            except RuntimeError:  # the list (its window) was closed meanwhile
                return
