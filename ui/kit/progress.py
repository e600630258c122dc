"""A window-modal progress dialog bound to a worker Job: progress and message, Cancel, and
closed when the job ends however it ends.

The bar is moved directly, never through ``QProgressDialog.setValue``: on a modal dialog that
runs a nested event loop (``processEvents``) on every call, in which the job's end, the views'
refreshes and other jobs' progress all ran inside one progress report (the GUI stalled, and
code re-entered itself). The dialog shows itself after its minimum duration by a timer."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget

from ui.kit.workers import Job


def show_progress(job: Job, parent: QWidget, title: str, text: str, name: str) -> QProgressDialog:
    dialog = QProgressDialog(text, "Cancel", 0, 1000, parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    bar = QProgressBar(dialog)
    bar.setRange(0, 1000)
    bar.setValue(0)
    dialog.setBar(bar)
    dialog.canceled.connect(job.cancel)
    state = {"open": True}
    QTimer.singleShot(dialog.minimumDuration(), dialog, lambda: state["open"] and dialog.show())
    dialog.reset()  # a fresh QProgressDialog starts its own show timer: stopped, ours decides

    def on_progress(fraction: float, message: str) -> None:
        if state["open"]:
            dialog.setLabelText(message or text)
            bar.setValue(int(fraction * 1000))

    def close() -> None:
        if not state["open"]:
            return
        state["open"] = False
        dialog.close()
        dialog.deleteLater()

    job.progress.connect(on_progress)
    job.done.connect(close)
    return dialog
