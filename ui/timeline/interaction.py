"""What the mouse does on the timeline: click a clip to select it, drag its edge to trim
(snapped to frames, saved on release), click or drag elsewhere to seek."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF

from app.records import ClipRecord
from ui.timeline.bands import clip_rect
from ui.timeline.viewport import Viewport

EDGE_GRAB_PX = 6


@dataclass
class EdgeDrag:
    clip_id: int
    edge: str  # "start" or "end"
    start_us: int
    end_us: int


def hit(view: Viewport, clips: list[ClipRecord], lanes: dict[int, int],
        pos: QPointF) -> tuple[ClipRecord | None, str | None]:
    """The clip under ``pos`` and which edge ("start", "end" or None for its body)."""
    for clip in reversed(clips):
        rect = clip_rect(view, lanes.get(clip.id, 0), clip.start_us, clip.end_us)
        if rect.top() <= pos.y() <= rect.bottom():
            if abs(pos.x() - rect.left()) <= EDGE_GRAB_PX:
                return clip, "start"
            if abs(pos.x() - rect.right()) <= EDGE_GRAB_PX:
                return clip, "end"
            if rect.left() <= pos.x() <= rect.right():
                return clip, None
    return None, None


def clamped(view: Viewport, us: int) -> int:
    return min(max(us, 0), view.duration_us - 1)


def drag_to(drag: EdgeDrag, view: Viewport, x: float) -> int:
    """Move the dragged edge to ``x`` (snapped, at least one frame long); returns where to seek
    so the picture shows the clip's new first or last frame."""
    index = view.index
    edge_us = index.nearest_boundary(clamped(view, view.us_at(x)))
    if drag.edge == "start":
        last = index.at(drag.end_us - 1)  # at least the clip's last frame stays
        drag.start_us = min(max(edge_us, 0), index.start(last))
        return drag.start_us
    drag.end_us = max(min(edge_us, view.duration_us), index.end(index.at(drag.start_us)))
    return index.start(index.at(max(drag.end_us - 1, 0)))
