"""A window-modal progress dialog bound to a worker Job: progress and message, Cancel, and
closed when the job ends however it ends."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.workers import Job


def show_progress(job: Job, parent: QWidget, title: str, text: str, name: str) -> QProgressDialog:
    dialog = QProgressDialog(text, "Cancel", 0, 1000, parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(job.cancel)
    state = {"open": True, "updating": False, "close_after": False}

    def on_progress(fraction: float, message: str) -> None:
        # setValue can run the event loop, in which the job may end: the dialog is then closed
        # once setValue has returned (deleting it inside setValue crashed a quick job).
        if not state["open"]:
            return
        state["updating"] = True
        try:
            dialog.setLabelText(message or text)
            dialog.setValue(int(fraction * 1000))
        finally:
            state["updating"] = False
        if state["close_after"]:
            close()

    def close() -> None:
        if state["updating"]:
            state["close_after"] = True
            return
        if not state["open"]:
            return
        state["open"] = False
        dialog.close()
        dialog.deleteLater()

    job.progress.connect(on_progress)
    job.done.connect(close)
    return dialog
