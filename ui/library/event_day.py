"""An event's day: every film of the event placed at the time of day it was recorded, a camera
left running for hours and the phones' short films alike, packed onto lanes where they
overlap. Click a film to open it. Films whose time came only from the file's date are drawn
dashed (a copy may have changed it); the zone the times are read in is named."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app import reads
from app.changes import Changes
from app.records import FilmRecord
from ui.kit.bridge import LibraryBridge
from ui.library.film_pictures import FilmPictures

TITLE_H, RULER_H, LANE_H, GAP, MARGIN = 18, 40, 40, 4, 8  # RULER_H: title row + hours row
# A one-minute phone film on a ten-hour day is under a pixel wide in the tab beside the library:
# every film is drawn at least this wide (to point at, hover and click), and lanes are packed
# by what is drawn, so widened films never cover each other.
MIN_FILM_W = 14
LONG_FILM_US = 30 * 60 * 1_000_000  # drawn in the recording colour


def film_span(film: FilmRecord) -> tuple[dt.datetime, dt.datetime] | None:
    """(start, end) as aware local times of where it was filmed, or None if unknown."""
    if not film.recorded_at:
        return None
    start = dt.datetime.fromisoformat(film.recorded_at)
    return start, start + dt.timedelta(microseconds=film.duration_us)


def pack(spans: list[tuple[int, dt.datetime, dt.datetime]]) -> dict[int, int]:
    """Film id -> lane: each film on the first lane free at its start."""
    lanes: list[dt.datetime] = []
    out = {}
    for film_id, start, end in sorted(spans, key=lambda s: (s[1], -(s[2] - s[1]).total_seconds())):
        for lane, free_at in enumerate(lanes):
            if free_at <= start:
                lanes[lane] = end
                out[film_id] = lane
                break
        else:
            out[film_id] = len(lanes)
            lanes.append(end)
    return out


class EventDay(QWidget):
    film_activated = Signal(int)

    def __init__(self, bridge: LibraryBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventTimeline")
        self.bridge = bridge
        self.event_name: str | None = None
        self.films: list[FilmRecord] = []
        self.spans: dict[int, tuple[dt.datetime, dt.datetime]] = {}
        self.lanes: dict[int, int] = {}
        self.pictures = FilmPictures(bridge, self)  # read off the GUI thread; drawn when they arrive
        self.pictures.ready.connect(lambda _shas: self.update())
        self.day_start = self.day_end = None
        self.title = ""  # the line above the hours (elided when narrow)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)
        self.setToolTip("The event's films at the time of day they were recorded. Click one to open it.")
        bridge.changed.connect(self._on_changed)

    def sizeHint(self) -> QSize:
        return QSize(900, RULER_H + 3 * (LANE_H + GAP) + 2 * MARGIN + 16)

    def set_event(self, name: str | None) -> None:
        """Show the day of event ``name``; picking another film of the event shown reads
        nothing (changes keep the day up to date)."""
        if (name or None) == self.event_name:
            return
        self.event_name = name or None
        self.reload()

    def _on_changed(self, changes: Changes) -> None:
        """Only the films a change names are read, and the day is laid out again only when
        one of them is (or becomes) a film of the event shown."""
        film_ids = changes.ids_of("films")
        if not film_ids or not self.event_name:
            return
        fresh = [f for f in reads.films(self.bridge.lib, list(film_ids)) if f.event == self.event_name]
        if not fresh and not any(f.id in film_ids for f in self.films):
            return
        kept = [f for f in self.films if f.id not in film_ids]
        for film in self.films + fresh:
            if film.id in film_ids:
                self.pictures.forget(film.sha256)
        self._lay_out(kept + fresh)

    def reload(self) -> None:
        for film in self.films:
            self.pictures.forget(film.sha256)
        self._lay_out(reads.event_films(self.bridge.lib, self.event_name) if self.event_name else [])

    def _lay_out(self, films: list[FilmRecord]) -> None:
        self.films = films
        self.spans = {f.id: span for f in films if (span := film_span(f)) is not None}
        if self.spans:
            first = min(a for a, _b in self.spans.values())
            last = max(b for _a, b in self.spans.values())
            self.day_start = first.replace(minute=0, second=0, microsecond=0)
            self.day_end = last.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        self._pack()

    def _pack(self) -> None:
        """Lanes by what is drawn: a film's span, or the least width if it is shorter."""
        least = dt.timedelta(0)
        if self.spans:
            least = (self.day_end - self.day_start) * MIN_FILM_W / max(self.width() - 2 * MARGIN, 1)
        self.lanes = pack([(i, a, max(b, a + least)) for i, (a, b) in self.spans.items()])
        lanes = max(self.lanes.values(), default=0) + 1
        self.setMinimumHeight(RULER_H + lanes * (LANE_H + GAP) + 2 * MARGIN + 16)
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._pack()  # the least width is pixels: narrower, it covers more of the day

    # -- geometry ------------------------------------------------------------------------
    def x_of(self, when: dt.datetime) -> float:
        total = (self.day_end - self.day_start).total_seconds()
        return MARGIN + (when - self.day_start).total_seconds() / total * (self.width() - 2 * MARGIN)

    def film_rect(self, film_id: int) -> QRectF:
        start, end = self.spans[film_id]
        x1, x2 = self.x_of(start), self.x_of(end)
        width = max(x2 - x1, MIN_FILM_W)
        x1 = max(min(x1, self.width() - MARGIN - width), MARGIN)  # a widened film at the day's end stays in
        top = RULER_H + MARGIN + self.lanes[film_id] * (LANE_H + GAP)
        return QRectF(x1, top, width, LANE_H)

    def film_at(self, pos: QPointF) -> int | None:
        for film_id in self.spans:
            if self.film_rect(film_id).adjusted(-2, 0, 2, 0).contains(pos):
                return film_id
        return None

    def mouseMoveEvent(self, event) -> None:
        film_id = self.film_at(event.position())
        film = next((f for f in self.films if f.id == film_id), None)
        if film is None:
            if event.position().y() < TITLE_H and self.title:
                QToolTip.showText(event.globalPosition().toPoint(), self.title, self)
            else:
                QToolTip.hideText()
            return
        start, end = self.spans[film.id]
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{film.title}\n{start.strftime('%H:%M:%S')} – {end.strftime('%H:%M:%S')}"
                          + ("\nstill importing" if film.importing else ""), self)

    def mousePressEvent(self, event) -> None:
        film_id = self.film_at(event.position())
        if film_id is not None:
            self.film_activated.emit(film_id)

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1d2025"))
        p.setFont(QFont(self.font().family(), 8))
        if not self.spans:
            p.setPen(QColor("#9aa0a6"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       "Pick an event in the library to see its films through the day." if not self.event_name
                       else f"No film of “{self.event_name}” says when it was recorded.")
            p.end()
            return
        self._paint_hours(p)
        for film in self.films:
            if film.id in self.spans:
                self._paint_film(p, film)
        p.end()

    def _paint_hours(self, p: QPainter) -> None:
        hours = int((self.day_end - self.day_start).total_seconds() // 3600)
        per_hour = (self.width() - 2 * MARGIN) / max(hours, 1)
        # every hour where there is room; else every 2, 3, 4, 6 or 12 (a narrow tab, a long day)
        step = next((s for s in (1, 2, 3, 4, 6, 12) if per_hour * s >= 48), 24)
        for h in range(0, hours + 1, step):
            when = self.day_start + dt.timedelta(hours=h)
            x = self.x_of(when)
            p.setPen(QColor("#33373d"))
            p.drawLine(QPointF(x, RULER_H), QPointF(x, self.height()))
            p.setPen(QColor("#9aa0a6"))
            p.drawText(QPointF(x + 3, RULER_H - 7), when.strftime("%H:%M"))
        zones = {a.strftime("%z") for a, _b in self.spans.values()}
        if len(zones) == 1:
            z = self.day_start.strftime("%z")
            zone = f"times in UTC{z[:3]}:{z[3:]}"
        else:
            zone = "each film at the time of day where it was filmed"
        title = (f"{self.event_name}: {len(self.spans)} film(s) through the day, {zone}. "
                 "Dashed: time from the file's date only.")
        # Elided to the panel's width (a tab beside the library); the tooltip has it all.
        p.drawText(QRectF(MARGIN, 0, self.width() - 2 * MARGIN, TITLE_H),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, self.width() - 2 * MARGIN))
        self.title = title

    def _paint_film(self, p: QPainter, film: FilmRecord) -> None:
        rect = self.film_rect(film.id)
        long_one = film.duration_us >= LONG_FILM_US
        colour = QColor("#3d7bd9") if long_one else QColor("#d98f3d")
        p.setBrush(colour.darker(160) if film.importing else colour.darker(115))
        pen = QPen(colour.lighter(130), 1)
        if film.recorded_from == "file":
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRoundedRect(rect, 3, 3)
        picture = self._picture(film)
        text_left = rect.left() + 4
        if picture is not None and rect.width() > LANE_H * 2:
            scaled = picture.scaledToHeight(int(rect.height()) - 4)
            p.drawPixmap(QPointF(rect.left() + 2, rect.top() + 2), scaled)
            text_left += scaled.width() + 2
        if rect.right() - text_left > 30:
            p.setPen(QColor("#ffffff"))
            start = self.spans[film.id][0].strftime("%H:%M")
            label = f"{start} {film.title}" + (" (importing)" if film.importing else "")
            p.drawText(QRectF(text_left, rect.top(), rect.right() - text_left - 2, rect.height()),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)

    def _picture(self, film: FilmRecord):
        return self.pictures.picture(film, min(film.duration_us // 10, 10_000_000))
