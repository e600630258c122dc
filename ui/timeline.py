"""The timeline: thumbnails, waveform, clips as coloured ranges, playhead, in/out marks.

Click or drag to seek; drag a clip's edge to trim it (snapped to frame boundaries); wheel
or +/- to zoom around the pointer. Every change to a clip goes through the core op, so it
is saved at once and undoable.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import queries
from media import timecode
from app.changes import Changes
from app.ops import clips as clip_ops
from app.queries import ClipFilter
from app.records import ClipRecord, FilmRecord
from ui.bridge import LibraryBridge
from ui.errors import show_error
from ui.film_media import FilmMedia, load_film_media

KIND_COLORS = {"challenge": "#d94841", "opportunity": "#2f9e6e", "theme": "#7e6bc4", None: "#7a7f87"}
RULER_H, THUMB_H, WAVE_H, LANE_H = 20, 54, 36, 22
EDGE_GRAB_PX = 6
MAX_PX_PER_FRAME = 24


def clip_color(clip: ClipRecord) -> QColor:
    kind = clip.tags[0]["kind"] if clip.tags else None
    return QColor(KIND_COLORS.get(kind, KIND_COLORS[None]))


@dataclass
class _EdgeDrag:
    clip_id: int
    edge: str  # "start" or "end"
    start_us: int
    end_us: int


class Timeline(QWidget):
    seek_requested = Signal(int)  # µs
    clip_selected = Signal(object)  # clip id or None
    marks_changed = Signal()

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.bridge = bridge
        self.film: FilmRecord | None = None
        self.media: FilmMedia | None = None
        self.clips: list[ClipRecord] = []
        self.lanes: dict[int, int] = {}
        self.fps = Fraction(25)
        self.playhead_us = 0
        self.in_us: int | None = None
        self.out_us: int | None = None
        self.selected_clip: int | None = None
        self.us_per_px = 10_000.0
        self.left_us = 0
        self._fit = True
        self._drag: _EdgeDrag | None = None
        self._seeking = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        bridge.changed.connect(self._on_changed)

    def sizeHint(self) -> QSize:
        return QSize(900, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self._height())

    def _height(self) -> int:
        lanes = max(self.lanes.values(), default=0) + 1
        return RULER_H + THUMB_H + WAVE_H + max(lanes, 2) * LANE_H + 8

    # -- content -----------------------------------------------------------------------
    def set_film(self, film: FilmRecord | None) -> None:
        self.film = film
        self.fps = Fraction(film.fps) if film and film.fps else Fraction(25)
        self.media = load_film_media(self.bridge.lib, film) if film else None
        self.in_us = self.out_us = None
        self.selected_clip = None
        self._fit = True
        self._fit_zoom()
        self.reload_clips()
        self.marks_changed.emit()

    def reload_clips(self) -> None:
        if self.film is None:
            self.clips, self.lanes = [], {}
        else:
            with self.bridge.lib.read() as s:
                ids = queries.clip_ids(s, ClipFilter(film_ids=[self.film.id]))
                self.clips = sorted(queries.clip_records(s, ids), key=lambda c: (c.start_us, c.end_us))
            self.lanes = self._pack_lanes(self.clips)
        if self.selected_clip not in {c.id for c in self.clips}:
            self.selected_clip = None
        self.setFixedHeight(self._height())
        self.update()

    @staticmethod
    def _pack_lanes(clips: list[ClipRecord]) -> dict[int, int]:
        """Overlapping clips go on separate lanes (first lane free at the clip's start)."""
        lane_ends: list[int] = []
        lanes = {}
        for clip in clips:
            for lane, end in enumerate(lane_ends):
                if end <= clip.start_us:
                    lane_ends[lane] = clip.end_us
                    lanes[clip.id] = lane
                    break
            else:
                lanes[clip.id] = len(lane_ends)
                lane_ends.append(clip.end_us)
        return lanes

    def _on_changed(self, changes: Changes) -> None:
        if self.film is None:
            return
        if changes.touches("clips", "clip_tags", "tags"):
            self.reload_clips()
        if changes.touches("films") and self.film.id in changes.ids_of("films"):
            with self.bridge.lib.read() as s:
                found = queries.film_records(s, self.bridge.lib.root, [self.film.id])
            if not found:
                self.set_film(None)

    # -- geometry ----------------------------------------------------------------------
    @property
    def duration_us(self) -> int:
        return max(self.film.duration_us, 1) if self.film else 1

    def _fit_zoom(self) -> None:
        self.us_per_px = self.duration_us / max(self.width() - 2, 1)
        self.left_us = 0

    def resizeEvent(self, event) -> None:
        if self._fit:
            self._fit_zoom()
        super().resizeEvent(event)

    def x_of(self, us: int) -> float:
        return (us - self.left_us) / self.us_per_px

    def us_at(self, x: float) -> int:
        return int(round(self.left_us + x * self.us_per_px))

    def _clamp_view(self) -> None:
        visible = self.width() * self.us_per_px
        self.left_us = int(min(max(self.left_us, 0), max(self.duration_us - visible, 0)))

    def zoom(self, factor: float, around_x: float | None = None) -> None:
        if self.film is None:
            return
        around_x = self.x_of(self.playhead_us) if around_x is None else around_x
        anchor = self.us_at(around_x)
        fit = self.duration_us / max(self.width() - 2, 1)
        closest = float(timecode.US / self.fps) / MAX_PX_PER_FRAME
        self.us_per_px = min(max(self.us_per_px / factor, closest), fit)
        self._fit = self.us_per_px >= fit
        self.left_us = int(anchor - around_x * self.us_per_px)
        self._clamp_view()
        self.update()

    def zoom_in(self) -> None:
        self.zoom(1.5)

    def zoom_out(self) -> None:
        self.zoom(1 / 1.5)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(1.25 ** steps, event.position().x())
        event.accept()

    # -- playhead and marks ------------------------------------------------------------
    def set_playhead(self, us: int) -> None:
        self.playhead_us = us
        x = self.x_of(us)
        if not self._fit and (x < 0 or x > self.width() - 10):  # keep the playhead in view
            self.left_us = int(us - self.width() * self.us_per_px * 0.1)
            self._clamp_view()
        self.update()

    def _frame_start(self, us: int) -> int:
        return timecode.frame_start_us(timecode.frame_index_at(us, self.fps), self.fps)

    def _frame_end(self, us: int) -> int:
        return min(timecode.frame_start_us(timecode.frame_index_at(us, self.fps) + 1, self.fps), self.duration_us)

    def mark_in(self) -> None:
        """In = the start of the frame on screen: the clip's first frame is this one."""
        self.in_us = self._frame_start(self.playhead_us)
        if self.out_us is not None and self.out_us <= self.in_us:
            self.out_us = None
        self.marks_changed.emit()
        self.update()

    def mark_out(self) -> None:
        """Out = the end of the frame on screen: the clip's last frame is this one."""
        self.out_us = self._frame_end(self.playhead_us)
        if self.in_us is not None and self.in_us >= self.out_us:
            self.in_us = None
        self.marks_changed.emit()
        self.update()

    def clear_marks(self) -> None:
        self.in_us = self.out_us = None
        self.marks_changed.emit()
        self.update()

    def create_clip(self) -> int | None:
        """Enter: a clip from in to out (out defaults to the frame on screen)."""
        if self.film is None or self.in_us is None:
            return None
        start = self.in_us
        end = self.out_us if self.out_us is not None else self._frame_end(self.playhead_us)
        try:
            clip_id = clip_ops.add(self.bridge.lib, self.film.id, start, end)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self, exc)
            return None
        self.clear_marks()
        self.select_clip(clip_id)
        return clip_id

    def delete_selected(self) -> bool:
        if self.selected_clip is None:
            return False
        clip_ops.delete(self.bridge.lib, [self.selected_clip])
        self.select_clip(None)
        return True

    def select_clip(self, clip_id: int | None) -> None:
        self.selected_clip = clip_id
        self.clip_selected.emit(clip_id)
        self.update()

    # -- mouse -------------------------------------------------------------------------
    def _clip_rect(self, clip: ClipRecord) -> QRectF:
        top = RULER_H + THUMB_H + WAVE_H + 4 + self.lanes.get(clip.id, 0) * LANE_H
        x1, x2 = self.x_of(clip.start_us), self.x_of(clip.end_us)
        return QRectF(x1, top, max(x2 - x1, 2), LANE_H - 3)

    def _hit(self, pos: QPointF) -> tuple[ClipRecord | None, str | None]:
        for clip in reversed(self.clips):
            rect = self._clip_rect(clip)
            if rect.top() <= pos.y() <= rect.bottom():
                if abs(pos.x() - rect.left()) <= EDGE_GRAB_PX:
                    return clip, "start"
                if abs(pos.x() - rect.right()) <= EDGE_GRAB_PX:
                    return clip, "end"
                if rect.left() <= pos.x() <= rect.right():
                    return clip, None
        return None, None

    def mousePressEvent(self, event) -> None:
        if self.film is None or event.button() != Qt.MouseButton.LeftButton:
            return
        clip, edge = self._hit(event.position())
        if clip is not None and edge is not None:
            self._drag = _EdgeDrag(clip.id, edge, clip.start_us, clip.end_us)
            self.select_clip(clip.id)
        elif clip is not None:
            self.select_clip(clip.id)
            self.seek_requested.emit(clip.start_us)
        else:
            self._seeking = True
            self.seek_requested.emit(self._clamped(self.us_at(event.position().x())))

    def _clamped(self, us: int) -> int:
        return min(max(us, 0), self.duration_us - 1)

    def mouseMoveEvent(self, event) -> None:
        pos = event.position()
        if self._drag is not None:
            edge_us = timecode.snap_to_frame(self._clamped(self.us_at(pos.x())), self.fps)
            one = timecode.frame_duration_us(self.fps)
            if self._drag.edge == "start":
                self._drag.start_us = min(max(edge_us, 0), self._drag.end_us - one)
                self.seek_requested.emit(self._drag.start_us)
            else:
                self._drag.end_us = max(min(edge_us, self.duration_us), self._drag.start_us + one)
                self.seek_requested.emit(max(self._drag.end_us - one, 0))  # its last frame
            self.update()
        elif self._seeking:
            self.seek_requested.emit(self._clamped(self.us_at(pos.x())))
        else:
            _, edge = self._hit(pos)
            self.setCursor(Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:
        self._seeking = False
        drag, self._drag = self._drag, None
        if drag is None:
            return
        original = next((c for c in self.clips if c.id == drag.clip_id), None)
        if original and (original.start_us, original.end_us) != (drag.start_us, drag.end_us):
            try:
                clip_ops.set_range(self.bridge.lib, drag.clip_id, drag.start_us, drag.end_us)
            except Exception as exc:  # noqa: BLE001 - shown to the user
                show_error(self, exc)
        self.update()

    def dragged_range(self) -> tuple[int, int] | None:
        return (self._drag.start_us, self._drag.end_us) if self._drag else None

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1d2025"))
        if self.film is None:
            p.setPen(QColor("#9aa0a6"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Open a film to see its timeline")
            p.end()
            return
        self._paint_ruler(p)
        self._paint_thumbnails(p)
        self._paint_waveform(p)
        self._paint_marks(p)
        self._paint_clips(p)
        x = self.x_of(self.playhead_us)
        p.setPen(QPen(QColor("#ff5252"), 2))
        p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        p.setBrush(QColor("#ff5252"))
        p.drawPolygon(QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0), QPointF(x, 8)]))
        p.end()

    def _paint_ruler(self, p: QPainter) -> None:
        p.setPen(QColor("#9aa0a6"))
        p.setFont(QFont(self.font().family(), 8))
        span = self.width() * self.us_per_px
        step = next((s for s in (40_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000,
                                 10_000_000, 30_000_000, 60_000_000, 300_000_000, 600_000_000)
                     if span / s <= 12), 1_800_000_000)
        t = (self.left_us // step) * step
        while t <= self.left_us + span:
            x = self.x_of(t)
            p.drawLine(QPointF(x, RULER_H - 6), QPointF(x, RULER_H))
            label = timecode.format_clock(t, 0 if step >= 1_000_000 else 2)
            p.drawText(QPointF(x + 3, RULER_H - 7), label[3:] if t < 3_600_000_000 else label)
            t += step

    def _paint_thumbnails(self, p: QPainter) -> None:
        top = RULER_H
        if self.media is None or self.media.strip is None or self.media.sheet is None:
            p.fillRect(QRectF(0, top, self.width(), THUMB_H), QColor("#262a30"))
            return
        strip = self.media.strip
        tile_w = strip.tile_width * THUMB_H / strip.tile_height
        x = 0.0
        while x < self.width():
            index = strip.tile_for(self.us_at(x + tile_w / 2))
            source = QRectF(index * strip.tile_width, 0, strip.tile_width, strip.tile_height)
            p.drawPixmap(QRectF(x, top, tile_w, THUMB_H), self.media.sheet, source)
            x += tile_w
        end = self.x_of(self.duration_us)
        if end < self.width():
            p.fillRect(QRectF(end, top, self.width() - end, THUMB_H), QColor("#1d2025"))

    def _paint_waveform(self, p: QPainter) -> None:
        top = RULER_H + THUMB_H
        p.fillRect(QRectF(0, top, self.width(), WAVE_H), QColor("#15171b"))
        peaks = self.media.peaks if self.media else None
        if peaks is None or len(peaks) == 0:
            return
        mid = top + WAVE_H / 2
        loudest = max(int(peaks.max()), 1)  # scale to the film: quiet rooms stay readable
        p.setPen(QColor("#5fb3d9"))
        width = min(int(self.x_of(self.duration_us)) + 1, self.width())
        for x in range(max(width, 0)):
            a = int(self.us_at(x) // 10_000)
            b = max(int(self.us_at(x + 1) // 10_000), a + 1)
            chunk = peaks[max(a, 0): min(b, len(peaks))]
            if len(chunk):
                h = max(float(chunk.max()) / loudest * (WAVE_H / 2 - 1), 0.5)
                p.drawLine(QPointF(x, mid - h), QPointF(x, mid + h))

    def _paint_marks(self, p: QPainter) -> None:
        if self.in_us is None and self.out_us is None:
            return
        start = self.in_us if self.in_us is not None else self.out_us
        end = self.out_us if self.out_us is not None else self._frame_end(self.playhead_us)
        shade = QColor("#ffd54f")
        shade.setAlpha(60)
        x1, x2 = self.x_of(start), self.x_of(max(end, start))
        p.fillRect(QRectF(x1, RULER_H, x2 - x1, self.height() - RULER_H), shade)
        p.setPen(QPen(QColor("#ffd54f"), 2))
        for us in (self.in_us, self.out_us):
            if us is not None:
                p.drawLine(QPointF(self.x_of(us), RULER_H), QPointF(self.x_of(us), self.height()))

    def _paint_clips(self, p: QPainter) -> None:
        p.setFont(QFont(self.font().family(), 8))
        dragged = self.dragged_range()
        for clip in self.clips:
            if dragged is not None and self._drag and clip.id == self._drag.clip_id:
                clip = ClipRecord(**{**clip.__dict__, "start_us": dragged[0], "end_us": dragged[1]})
            rect = self._clip_rect(clip)
            if rect.right() < 0 or rect.left() > self.width():
                continue
            color = clip_color(clip)
            fill = QColor(color)
            fill.setAlpha(200 if clip.id == self.selected_clip else 140)
            p.setPen(QPen(QColor("#ffffff") if clip.id == self.selected_clip else color.darker(130), 2 if clip.id == self.selected_clip else 1))
            p.setBrush(fill)
            p.drawRoundedRect(rect, 3, 3)
            p.setPen(QColor("#ffffff"))
            p.drawText(rect.adjusted(5, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter, clip.title)
