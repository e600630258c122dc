"""The one place the UI shows errors: plain message, the thing named, what to do."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from media.errors import ProtoReelError
from ui.kit.logs import log_file

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: BaseException, title: str = "ProtoReel") -> None:
    if isinstance(error, ProtoReelError):
        text = str(error)
    else:
        if not getattr(error, "__logged__", False):
            log.error("unexpected error", exc_info=error)
        text = (f"Something went wrong: {error}. Your library has not been changed by this.\n\n"
                f"The details are in {log_file()}")
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.open()  # not exec(): never blocks a worker's progress or a test
