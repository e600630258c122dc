"""The window fits the screen it opens on: all of it on a laptop (1366x768 leaves nothing cut
off), most of it on a large monitor, and a size saved on another screen is pulled back on."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QMainWindow

LARGEST = (2200, 1300)  # beyond this, a window is easier to use than a wall of panels


def fitted(available: QRect) -> QRect:
    """The window's frame for a screen's available area: all of it, up to ``LARGEST``, centred."""
    width, height = min(available.width(), LARGEST[0]), min(available.height(), LARGEST[1])
    box = QRect(0, 0, width, height)
    box.moveCenter(available.center())
    return box


def fit_to_screen(window: QMainWindow, restored: bool) -> None:
    screen = window.screen()
    if screen is None:
        return
    available = screen.availableGeometry()
    if restored and available.contains(window.frameGeometry()):
        return  # a saved size that still fits this screen is kept
    frame = fitted(available)
    # Leave room for the window manager's frame (its size is known only once it is shown).
    extra_w = max(window.frameGeometry().width() - window.width(), 0)
    extra_h = max(window.frameGeometry().height() - window.height(), 0)
    window.setGeometry(frame.adjusted(0, extra_h, -extra_w, 0))
