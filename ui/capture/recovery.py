"""Takes interrupted by a crash or a power cut, offered back when the window next starts."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.films import takes
from media.capture.recorder import interrupted
from ui.kit.saying import plural, plural_of


def offer(parent: QWidget, lib, runner, feedback) -> QMessageBox | None:
    """Ask (without blocking) whether to bring the interrupted takes into the library; the box
    shown, or None when no take is waiting. A take this process is recording is not one of them."""
    waiting = interrupted(takes.recordings_dir(lib))
    if not waiting:
        return None
    box = QMessageBox(QMessageBox.Icon.Question, "Recover recordings",
                      f"{plural(len(waiting), 'recording')} {plural_of('was', len(waiting))} interrupted (the app closed "
                      "or the computer stopped while recording). Bring what was recorded into the library now?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("recoverBox")
    box.button(QMessageBox.StandardButton.Yes).clicked.connect(
        lambda: runner.start(lambda progress, cancel: takes.recover(lib),
                             on_success=lambda results: feedback.say(_said(results))))
    box.open()
    return box


def _said(results) -> str:
    brought = [film_id for _take, film_id, _why in results if film_id is not None]
    failed = [f"{take.name}: {why}" for take, film_id, why in results if film_id is None]
    return (f"Brought {plural(len(brought), 'interrupted recording')} into the library."
            + (f" Not recovered: {'; '.join(failed)}" if failed else ""))
