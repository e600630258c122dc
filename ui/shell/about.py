"""Help → About: which ProtoReel this is (the version people quote when they report a problem)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.version import version


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, "About ProtoReel",
                      f"ProtoReel {version()}\n\nFilm, mark, tag and share the role-plays of "
                      "co-production workshops.", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("aboutBox")
    box.open()  # not exec(): the window goes on (and tests can read the box)
    return box
