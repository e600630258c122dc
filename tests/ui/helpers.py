"""Helpers for driving the real main window in tests."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

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
