"""An event's day: every film of the event placed at the time of day it was recorded, a camera
left running for hours and the phones' short films alike, packed onto lanes where they
overlap. Click a film to open it. Films whose time came only from the file's date are drawn
dashed (a copy may have changed it); the zone the times are read in is named.

A film whose camera's clock was wrong (a phone three years out) would stretch the day over
years, squeezing every other film against one edge: films recorded away from the event's day
are shown apart, above the day ("filmed 2023-05-09, outside this day"), with a "Correct time…"
button; right-click any film for the same. The correction is one undoable step
(``app.films.films.set_recorded_time``)."""

from __future__ import annotations

import datetime as dt


from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from app import reads
from app.changes import Changes
from app.films import films as film_ops
from app.films.event_day import film_span, split_day
from app.records import FilmRecord
from ui.kit.bridge import LibraryBridge
from ui.kit.saying import plural, quoted
from ui.library.film_pictures import FilmPictures

TITLE_H, HOURS_H, LANE_H, GAP, MARGIN = 18, 22, 40, 4, 8
RULER_H = TITLE_H + HOURS_H  # title row + hours row (when no film is outside the day)
OUTSIDE_H = 38  # a row per film recorded away from the event's day (two lines in a narrow tab)
CORRECT_W = 104  # its "Correct time…" button
# A one-minute phone film on a ten-hour day is under a pixel wide in the tab beside the library:
# every film is drawn at least this wide (to point at, hover and click), and lanes are packed
# by what is drawn, so widened films never cover each other.
MIN_FILM_W = 14
LONG_FILM_US = 30 * 60 * 1_000_000  # drawn in the recording colour


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
        self.spans: dict[int, tuple[dt.datetime, dt.datetime]] = {}  # the films on the day
        self.outside: dict[int, tuple[dt.datetime, dt.datetime]] = {}  # recorded away from it
        self.day: dt.date | None = None
        self.lanes: dict[int, int] = {}
        self.correcting = None  # the open "Correct time" dialog
        self.pictures = FilmPictures(bridge, self)  # read off the GUI thread; drawn when they arrive
        self.pictures.ready.connect(lambda _shas: self.update())
        self.day_start = self.day_end = None
        self.title = ""  # the lines above the hours (wrapped when narrow)
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

    @property
    def ruler_h(self) -> int:
        """Title rows, a row per film outside the day, hours row."""
        return self.title_h + len(self.outside) * OUTSIDE_H + HOURS_H

    def title_text(self) -> str:
        """The line above the day: the event, how many films, the day, the zone of the times."""
        if not self.spans and not self.outside:
            return ""
        zones = {a.strftime("%z") for a, _b in self.spans.values()}
        if len(zones) == 1:
            z = self.day_start.strftime("%z")
            zone = f"times in UTC{z[:3]}:{z[3:]}"
        else:
            zone = "each film at the time of day where it was filmed"
        day = f" of {self.day:%a %d %b %Y}" if self.day else ""
        away = (f" {plural(len(self.outside), 'film')} recorded outside this day "
                f"{'is' if len(self.outside) == 1 else 'are'} shown above it.") if self.outside else ""
        return (f"{self.event_name}: {plural(len(self.spans), 'film')} through the day{day}, {zone}.{away} "
                "Dashed: time from the file's date only.")

    @property
    def title_h(self) -> int:
        """The title's height, wrapped to the panel's width (one line or more, never cut)."""
        if not self.title:
            return TITLE_H
        metrics = QFontMetrics(QFont(self.font().family(), 8))
        box = metrics.boundingRect(QRect(0, 0, max(self.width(), 320) - 2 * MARGIN, 10_000),
                                   int(Qt.TextFlag.TextWordWrap), self.title)
        return max(TITLE_H, box.height() + 4)

    def _lay_out(self, films: list[FilmRecord]) -> None:
        self.films = films
        spans = {f.id: span for f in films if (span := film_span(f)) is not None}
        self.day, away = split_day(spans)
        self.outside = {i: spans[i] for i in sorted(away, key=lambda i: spans[i][0])}
        self.spans = {i: span for i, span in spans.items() if i not in away}
        if self.spans:
            first = min(a for a, _b in self.spans.values())
            last = max(b for _a, b in self.spans.values())
            self.day_start = first.replace(minute=0, second=0, microsecond=0)
            self.day_end = last.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        self.title = self.title_text()
        self._pack()

    def _pack(self) -> None:
        """Lanes by what is drawn: a film's span, or the least width if it is shorter."""
        least = dt.timedelta(0)
        if self.spans:
            least = (self.day_end - self.day_start) * MIN_FILM_W / max(self.width() - 2 * MARGIN, 1)
        self.lanes = pack([(i, a, max(b, a + least)) for i, (a, b) in self.spans.items()])
        lanes = max(self.lanes.values(), default=0) + 1
        self.setMinimumHeight(self.ruler_h + lanes * (LANE_H + GAP) + 2 * MARGIN + 16)
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
        top = self.ruler_h + MARGIN + self.lanes[film_id] * (LANE_H + GAP)
        return QRectF(x1, top, width, LANE_H)

    def outside_rect(self, film_id: int) -> QRectF:
        """The row of a film recorded away from the day (its "Correct time…" button at the right)."""
        row = list(self.outside).index(film_id)
        return QRectF(MARGIN, self.title_h + row * OUTSIDE_H + 2, self.width() - 2 * MARGIN, OUTSIDE_H - 4)

    def correct_rect(self, film_id: int) -> QRectF:
        rect = self.outside_rect(film_id)
        return QRectF(rect.right() - CORRECT_W, rect.top(), CORRECT_W, rect.height())

    def film_at(self, pos: QPointF) -> int | None:
        for film_id in self.spans:
            if self.film_rect(film_id).adjusted(-2, 0, 2, 0).contains(pos):
                return film_id
        for film_id in self.outside:
            if self.outside_rect(film_id).contains(pos):
                return film_id
        return None

    def outside_text(self, film: FilmRecord) -> str:
        start = self.outside[film.id][0]
        return f"{film.title}: filmed {start:%Y-%m-%d %H:%M}, outside this day"

    def mouseMoveEvent(self, event) -> None:
        film_id = self.film_at(event.position())
        film = next((f for f in self.films if f.id == film_id), None)
        if film is None:
            if event.position().y() < self.title_h and self.title:
                QToolTip.showText(event.globalPosition().toPoint(), self.title, self)
            else:
                QToolTip.hideText()
            return
        if film.id in self.outside:
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{self.outside_text(film)} ({self.day:%a %d %b %Y}): its camera's clock was probably "
                              "wrong. Click to open it; “Correct time…” sets when it was really recorded.", self)
            return
        start, end = self.spans[film.id]
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{film.title}\n{start.strftime('%H:%M:%S')} – {end.strftime('%H:%M:%S')}"
                          + ("\nstill importing" if film.importing else "")
                          + "\nRight-click to correct the time it was recorded.", self)

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        for film_id in self.outside:
            if self.correct_rect(film_id).contains(event.position()):
                self.correct_time(film_id)
                return
        film_id = self.film_at(event.position())
        if film_id is not None:
            self.film_activated.emit(film_id)

    def contextMenuEvent(self, event) -> None:
        film_id = self.film_at(QPointF(event.pos()))
        if film_id is None:
            return
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.film_activated.emit(film_id))
        menu.addAction("Correct the time it was recorded…", lambda: self.correct_time(film_id))
        self.last_menu = menu
        menu.popup(event.globalPos())

    # -- correcting a wrong clock --------------------------------------------------------
    def correct_time(self, film_id: int):
        """Ask when the film was really recorded (proposed: its time of day on the event's day)."""
        from ui.library.recorded_time_dialog import RecordedTimeDialog

        film = next((f for f in self.films if f.id == film_id), None)
        span = self.spans.get(film_id) or self.outside.get(film_id)
        if film is None or span is None:
            return None
        dialog = RecordedTimeDialog(film.title, span[0], film.recorded_from, self.day, self)
        dialog.accepted.connect(lambda: self._set_time(film, dialog.chosen()))
        dialog.open()
        self.correcting = dialog
        return dialog

    def _set_time(self, film: FilmRecord, when: dt.datetime) -> None:
        self.bridge.runner.run(lambda lib: film_ops.set_recorded_time(lib, film.id, when), parent=self,
                               say=f"{quoted(film.title)} was recorded at {when:%H:%M} on {when:%a %d %b %Y} "
                                   "(set by hand).")

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1d2025"))
        p.setFont(QFont(self.font().family(), 8))
        if not self.spans and not self.outside:
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
            elif film.id in self.outside:
                self._paint_outside(p, film)
        p.end()

    def _paint_hours(self, p: QPainter) -> None:
        ruler = self.ruler_h
        if self.spans:
            hours = int((self.day_end - self.day_start).total_seconds() // 3600)
            per_hour = (self.width() - 2 * MARGIN) / max(hours, 1)
            # every hour where there is room; else every 2, 3, 4, 6 or 12 (a narrow tab, a long day)
            step = next((s for s in (1, 2, 3, 4, 6, 12, 24) if per_hour * s >= 48), 48)
            label_end = -1.0
            for h in range(0, hours + 1, step):
                when = self.day_start + dt.timedelta(hours=h)
                x = self.x_of(when)
                p.setPen(QColor("#33373d"))
                p.drawLine(QPointF(x, ruler), QPointF(x, self.height()))
                p.setPen(QColor("#9aa0a6"))
                # a day of more than one date names the date where it turns
                text = when.strftime("%H:%M") if when.date() == self.day_start.date() or when.hour else \
                    when.strftime("%d %b")
                wide = p.fontMetrics().horizontalAdvance(text)
                left = x + 3
                if left + wide > self.width():  # the day's last hour: left of its line, whole, or not at all
                    left = x - 3 - wide
                    if left < label_end + 6:
                        continue  # it would run into the hour before: the line alone
                p.drawText(QPointF(left, ruler - 7), text)
                label_end = left + wide
        # Wrapped onto as many lines as the panel's width needs (a tab beside the library on a
        # laptop): never cut; the tooltip has it too.
        p.drawText(QRectF(MARGIN, 2, self.width() - 2 * MARGIN, self.title_h - 2),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, self.title)

    def _paint_outside(self, p: QPainter, film: FilmRecord) -> None:
        """A row above the day: the film, when its clock says it was filmed, and its button."""
        rect = self.outside_rect(film.id)
        p.setPen(QPen(QColor("#d9a43d"), 1, Qt.PenStyle.DashLine))
        p.setBrush(QColor("#3a3222"))
        p.drawRoundedRect(rect, 3, 3)
        button = self.correct_rect(film.id).adjusted(2, 2, -2, -2)
        p.setPen(QColor("#d9a43d"))
        p.setBrush(QColor("#4a3f27"))
        p.drawRoundedRect(button, 3, 3)
        p.drawText(button, Qt.AlignmentFlag.AlignCenter, "Correct time…")
        p.setPen(QColor("#f1d9a6"))
        text_rect = QRectF(rect.left() + 6, rect.top() + 1, rect.width() - CORRECT_W - 10, rect.height() - 2)
        text = "⚠ " + self.outside_text(film)
        if p.fontMetrics().horizontalAdvance(text) > text_rect.width():  # a narrow tab: two lines
            name, _sep, when = text.partition(": ")
            metrics = p.fontMetrics()
            text = (metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, int(text_rect.width())) + "\n"
                    + metrics.elidedText(when, Qt.TextElideMode.ElideRight, int(text_rect.width())))
        p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

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
