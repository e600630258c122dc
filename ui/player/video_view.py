"""Paints the player's current frame, upright and letterboxed.

Frames arrive from a QVideoSink; we keep the newest and convert it only when painting, so
frames that are replaced before the next paint cost nothing. Painting ourselves (rather than
QVideoWidget) keeps the picture visible to ``grab()`` offscreen and tells us exactly which
frame is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import QSizePolicy, QWidget


class VideoView(QWidget):
    frame_shown = Signal("qlonglong")  # start time (µs) of the frame now on screen (64-bit)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self._frame: QVideoFrame | None = None
        self._image: QImage | None = None
        self._message = ""
        self.frame_time_us: int | None = None
        self.field_order = ""  # the film playing is interlaced: "tff" or "bff"

    def sizeHint(self) -> QSize:
        return QSize(800, 450)

    def picture_box(self) -> tuple[int, int]:
        """The largest picture worth decoding for this view, in device pixels (at least 720p,
        so that a window made bigger later still looks sharp)."""
        ratio = self.devicePixelRatioF()
        return max(int(self.width() * ratio), 1280), max(int(self.height() * ratio), 720)

    def set_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        self._frame, self._image = frame, None
        self.frame_time_us = frame.startTime()
        self.frame_shown.emit(self.frame_time_us)
        self.update()

    def set_image(self, image: QImage, time_us: int) -> None:
        """An exact still from the frame server (the paused player)."""
        self._frame, self._image = None, image
        self.frame_time_us = time_us
        self.frame_shown.emit(time_us)
        self.update()

    def clear(self, message: str = "") -> None:
        self._frame, self._image, self._message = None, None, message
        self.frame_time_us = None
        self.update()

    def current_image(self) -> QImage | None:
        if self._image is None and self._frame is not None:
            self._image = self._frame.toImage()  # applies the film's rotation: upright
            if self.field_order and not self._image.isNull():
                self._image = one_field_image(self._image, self.field_order)
        return self._image

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#111"))
        image = self.current_image()
        if image is not None and not image.isNull():
            shape = image.size()
            if image.text("field") == "1":  # one field: the picture is twice as tall as its lines
                shape.setHeight(shape.height() * 2)
            size = shape.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (self.width() - size.width()) / 2
            y = (self.height() - size.height()) / 2
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(x, y, size.width(), size.height()), image)
        elif self._message:
            painter.setPen(QColor("#ddd"))
            painter.drawText(self.rect().adjusted(20, 20, -20, -20),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
        painter.end()


def one_field_image(image: QImage, order: str) -> QImage:
    """The first field of a woven frame (every other line, from the top for "tff", the second
    line for "bff"): drawn at the frame's height it shows the moment the field was filmed,
    without combs. Marked (text "field") so it is drawn at twice its height."""
    import numpy as np

    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = rgb.width(), rgb.height()
    lines = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes()).reshape(height, rgb.bytesPerLine())
    field = np.ascontiguousarray(lines[(0 if order == "tff" else 1)::2, : width * 4])
    out = QImage(field.data, width, field.shape[0], width * 4, QImage.Format.Format_RGB32).copy()
    out.setText("field", "1")
    return out
