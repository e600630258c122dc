"""Drawing the timeline's ruler, in/out marks, clip boxes and playhead (the media band has
its own module). Functions of what is shown; none keeps state."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF

from app.records import ClipRecord
from media import timecode
from ui.timeline.bands import RULER_H, clip_rect
from ui.timeline.lanes import clip_kind_color
from ui.timeline.viewport import Viewport

RULER_STEPS_US = (40_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000,
                  30_000_000, 60_000_000, 300_000_000, 600_000_000)
MARK, PLAYHEAD, LABEL = "#ffd54f", "#ff5252", "#9aa0a6"


def paint_ruler(p: QPainter, view: Viewport, font_family: str) -> None:
    p.setPen(QColor(LABEL))
    p.setFont(QFont(font_family, 8))
    span = view.width_px * view.us_per_px
    step = next((s for s in RULER_STEPS_US if span / s <= 12), 1_800_000_000)
    t = (view.left_us // step) * step
    while t <= view.left_us + span:
        x = view.x_of(t)
        p.drawLine(QPointF(x, RULER_H - 6), QPointF(x, RULER_H))
        p.drawText(QPointF(x + 3, RULER_H - 7), timecode.format_short(t, 0 if step >= 1_000_000 else 2))
        t += step


def paint_marks(p: QPainter, view: Viewport, shaded: tuple[int, int] | None, marks: tuple, height: int) -> None:
    if shaded is None:
        return
    shade = QColor(MARK)
    shade.setAlpha(60)
    x1, x2 = view.x_of(shaded[0]), view.x_of(shaded[1])
    p.fillRect(QRectF(x1, RULER_H, x2 - x1, height - RULER_H), shade)
    p.setPen(QPen(QColor(MARK), 2))
    for us in marks:
        if us is not None:
            p.drawLine(QPointF(view.x_of(us), RULER_H), QPointF(view.x_of(us), height))


def paint_clips(p: QPainter, view: Viewport, clips: list[ClipRecord], lanes: dict[int, int],
                selected: frozenset, font_family: str, exposed: list[tuple[float, float]] | None = None) -> None:
    """``exposed``: the strips being repainted, each from x to x (under the old and the new
    playhead as a film plays): clips outside them are not drawn (Qt would clip them away, but a
    film's hundreds of clips cost milliseconds of the GUI thread a frame)."""
    p.setFont(QFont(font_family, 8))
    strips = [(max(left, 0) - 2, min(right, view.width_px) + 2)  # the selected clip's 2 px outline
              for left, right in (exposed if exposed is not None else [(0, view.width_px)])]
    spans = [(view.us_at(left - 4), view.us_at(right + 4)) for left, right in strips]  # in film time, a bit wider
    for clip in clips:
        if not any(clip.end_us >= first and clip.start_us <= last for first, last in spans):
            continue  # nowhere near the strips: no box to work out
        rect = clip_rect(view, lanes.get(clip.id, 0), clip.start_us, clip.end_us)
        if not any(rect.right() >= left and rect.left() <= right for left, right in strips):
            continue
        color = QColor(clip_kind_color(clip))
        chosen = clip.id in selected
        fill = QColor(color)
        fill.setAlpha(200 if chosen else 140)
        p.setPen(QPen(QColor("#ffffff") if chosen else color.darker(130), 2 if chosen else 1))
        p.setBrush(fill)
        p.drawRoundedRect(rect, 3, 3)
        p.setPen(QColor("#ffffff"))
        p.drawText(rect.adjusted(5, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter, clip.title)


def paint_playhead(p: QPainter, x: float, height: int) -> None:
    p.setPen(QPen(QColor(PLAYHEAD), 2))
    p.drawLine(QPointF(x, 0), QPointF(x, height))
    p.setBrush(QColor(PLAYHEAD))
    p.drawPolygon(QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 8)]))


PLAYHEAD_HALF_W = 8  # the widest part of the playhead, for repainting only around it
