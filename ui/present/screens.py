"""Which screen the room sees: the projector when there are two (a screen that is not the
laptop's primary one), else the only screen, with the presenter view laid over it."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget


def pick_screens(laptop: QScreen | None = None) -> tuple[QScreen, QScreen | None]:
    """(audience screen, presenter screen or None for the one-screen overlay)."""
    screens = QGuiApplication.screens()
    laptop = laptop or QGuiApplication.primaryScreen()
    others = [s for s in screens if s is not laptop]
    if not others:
        return laptop, None
    # The biggest other screen: a projector or TV rather than, say, a small tablet display.
    projector = max(others, key=lambda s: s.geometry().width() * s.geometry().height())
    return projector, laptop


def full_screen_on(widget: QWidget, screen: QScreen) -> None:
    widget.setGeometry(screen.geometry())
    widget.create()
    handle = widget.windowHandle()
    if handle is not None:
        handle.setScreen(screen)
    widget.move(screen.geometry().topLeft())
    widget.showFullScreen()


def maximised_on(widget: QWidget, screen: QScreen) -> None:
    widget.create()
    handle = widget.windowHandle()
    if handle is not None:
        handle.setScreen(screen)
    widget.setGeometry(screen.availableGeometry())
    widget.showMaximized()
