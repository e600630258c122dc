"""The progress dialog of a long job shows itself, follows the job and closes with it, and a
progress report never runs the event loop inside itself (a modal QProgressDialog.setValue
does: the job's end and the views' refreshes used to run nested in one report)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressBar, QProgressDialog


def test_a_progress_report_runs_nothing_else(qtbot, window):
    release = threading.Event()
    job = window.runner.start(lambda progress, cancel: release.wait(10),
                              dialog=("Working", "Working on it…", "testProgress"))
    dialog = window.findChild(QProgressDialog, "testProgress")
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)  # shown after its minimum duration
    ran = []
    QTimer.singleShot(0, lambda: ran.append("timer"))
    job.progress.emit(0.5, "half-way")  # delivered here, on the GUI thread
    assert ran == []
    assert dialog.labelText() == "half-way" and dialog.findChild(QProgressBar).value() == 500
    qtbot.waitUntil(lambda: ran == ["timer"])  # it runs later, from the window's own loop
    release.set()
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog, "testProgress") is None, timeout=5_000)
    assert not job.is_running()
