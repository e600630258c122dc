"""Helpers for driving the real main window in tests."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.media_factory import read_index


def image_array(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    ptr = rgb.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=rgb.sizeInBytes()).reshape(rgb.height(), rgb.bytesPerLine())
    return arr[:, : rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).copy()


def shown_index(window) -> int | None:
    """The frame index painted in the video view, read from the frame's own bar code."""
    image = window.video.current_image()
    if image is None or image.isNull():
        return None
    return read_index(image_array(image))


def pump(ms: float) -> None:
    """Let Qt and the app's worker threads run for ``ms``. (QTest.qWait keeps the GIL, which
    starves Python worker threads such as the frame server and Qt's player threads.)"""
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def wait_until(condition, timeout_ms: int = 20_000) -> None:
    """Pump until ``condition()`` holds; fail naming it after ``timeout_ms``."""
    end = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {condition}"
        pump(10)
