"""The timeline's horizontal bands, top to bottom, and where a clip's box sits."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from ui.timeline.viewport import Viewport

RULER_H, THUMB_H, WAVE_H, LANE_H = 20, 54, 36, 22
MEDIA_TOP = RULER_H  # thumbnails then waveform
MEDIA_H = THUMB_H + WAVE_H
LANES_TOP = RULER_H + THUMB_H + WAVE_H + 4


def height_for(lane_count: int) -> int:
    return LANES_TOP - 4 + max(lane_count, 2) * LANE_H + 8


def clip_rect(view: Viewport, lane: int, start_us: int, end_us: int) -> QRectF:
    top = LANES_TOP + lane * LANE_H
    x1, x2 = view.x_of(start_us), view.x_of(end_us)
    return QRectF(x1, top, max(x2 - x1, 2), LANE_H - 3)
