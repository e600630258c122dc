"""The audience screen: what the room sees on the projector. No controls, no pointer.

Everything is painted here at sizes relative to the screen's height, so it reads the same
on a 1366x768 laptop and a 1920x1080 projector: card titles at 1/11 of the height, captions
at 1/16 (the issue asks at least 1/18), white on near-black.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import QWidget

from app.reviews import present_sequence as seq
from app.transcripts import captions
from app.reels.reel_plan import DEFAULT_WARNING
from media.export.stills import CLOSING_TITLE
from app.reviews.review_records import ItemRecord
from ui.kit import fonts

BACKGROUND = QColor("#0b0c0e")
TEXT = QColor("#ffffff")
DIM = QColor("#b8bcc4")
KIND_LABEL = {"challenge": "Challenge", "opportunity": "Opportunity", "theme": "Theme"}
CAPTION_SHARE = 16  # caption text height = screen height / 16 (≥ 1/18)
# What the room is told of a clip left out: never who, nor whether they withdrew.
WITHHELD_WORDS = "This clip is not shown at this meeting."


def caption_px(height: int) -> int:
    return max(int(height / CAPTION_SHARE), 12)


def readable_on(colour: QColor) -> QColor:
    """Black or white text, whichever reads better on ``colour`` (chips)."""
    luma = 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()
    return QColor("#111111") if luma > 0.55 else QColor("#ffffff")


class AudienceScreen(QWidget):
    painted_slide = Signal()  # a paint finished: what the keys changed is on its way to the screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audienceScreen")
        self.setWindowTitle("ProtoReel — audience")
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.setAutoFillBackground(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.slide: seq.Slide | None = None
        self.item: ItemRecord | None = None
        self.review_title = ""
        self.opening: tuple[str, str] = ("", "")  # a reel's opening card: title, subtitle
        self.closing = ""  # a reel's closing card: its credits
        self.count = 0  # items, for the progress dots
        self.blackout = False
        self.paused = False
        self.hint = ""
        self.warning = ""  # the content warning's text (the clip's safeguarding note)
        self._frame: QVideoFrame | None = None
        self._image: QImage | None = None
        self._prepared: tuple[int, QSize, QImage] | None = None  # (frame start µs, size, picture ready to draw)
        self._drawn: QImage | None = None  # the prepared picture of the frame on screen
        self.painted = 0  # paint count: the bench waits for the next one
        self.time_us = 0

    # -- what to show ------------------------------------------------------------------
    def show_slide(self, slide: seq.Slide, item: ItemRecord | None, count: int, warning: str = "") -> None:
        self.slide, self.item, self.count = slide, item, count
        self.time_us = item.start_us if item is not None else 0
        self.warning = warning
        if slide.kind != seq.CLIP:
            self._frame = self._image = self._drawn = None
        self.update()

    def set_frame(self, frame: QVideoFrame) -> None:
        self._frame, self._image, self._drawn = frame, None, None
        # Film time of the picture on screen (Qt counts from the container's start): which words are said.
        self.time_us = frame.startTime() - (self.item.play_offset_us if self.item is not None else 0)
        ready = self._prepared
        if ready is not None and ready[0] == frame.startTime() and ready[1] == self.size():
            self._drawn = ready[2]  # converted and scaled while the card was up: the key only draws it
        self._prepared = None
        self.update()

    def prepare_frame(self, frame: QVideoFrame) -> None:
        """Convert a clip's first frame (YUV to RGB on the CPU when there is no GPU) and scale it
        to the screen ahead of its key press: the slowest part of showing a 1080p picture."""
        image = frame.toImage()
        if not image.isNull():
            image = image.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
            self._prepared = (frame.startTime(), self.size(), image)

    def set_blackout(self, on: bool) -> None:
        self.blackout = on
        self.update()

    def set_paused(self, on: bool) -> None:
        self.paused = on
        self.update()

    def has_picture(self) -> bool:
        return self._frame is not None

    def current_image(self) -> QImage | None:
        if self._image is None and self._frame is not None:
            self._image = self._frame.toImage()  # applies the film's rotation: upright
        return self._image

    # -- painting ------------------------------------------------------------------------
    def _font(self, px: float, bold: bool = False) -> QFont:
        font = QFont(fonts.ensure())  # the font that ships with the app, as the exported cards
        font.setPixelSize(max(int(px), 8))
        font.setBold(bold)
        return font

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(self.rect(), QColor("#000000") if self.blackout else BACKGROUND)
        if not self.blackout and self.slide is not None:
            kind = self.slide.kind
            if kind == seq.CLIP:
                self._paint_clip(p)
            elif kind == seq.CARD and self.item is not None and self.item.card is not None:
                self._paint_title(p, self.item.card, "")  # the reel's own card, as its MP4 has it
            elif kind == seq.CARD:
                self._paint_card(p)
            elif kind == seq.OPENING:
                self._paint_title(p, self.opening[0], self.opening[1])
            elif kind == seq.CLOSING:
                self._paint_title(p, CLOSING_TITLE, self.closing)  # as the MP4's closing card
            elif kind == seq.DISCUSS:
                self._paint_discuss(p)
            elif kind == seq.WITHHELD:
                self._paint_message(p, "Withheld", WITHHELD_WORDS, QColor("#e0a030"))
            elif kind == seq.WARNING:
                self._paint_message(p, "Content warning", self.warning or DEFAULT_WARNING, QColor("#e0a030"),
                                    footer="Take a break whenever you need to.")
            elif kind == seq.END:
                self._paint_message(p, "Thank you", self.review_title, DIM)
            if kind != seq.CLIP:
                self._paint_dots(p)
        p.end()
        self.painted += 1
        self.painted_slide.emit()

    def _text(self, p: QPainter, rect: QRectF, text: str, px: float, colour: QColor, bold=False,
              align=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop) -> QRectF:
        """Wrapped text in ``rect``; returns the rectangle it took."""
        p.setFont(self._font(px, bold))
        p.setPen(colour)
        flags = align | Qt.TextFlag.TextWordWrap
        used = p.boundingRect(rect, flags, text)
        p.drawText(rect, flags, text)
        return used

    def _paint_card(self, p: QPainter) -> None:
        item, w, h = self.item, self.width(), self.height()
        number = f"{item.position + 1} of {self.count}"
        margin = w * 0.08
        y = h * 0.18
        self._text(p, QRectF(margin, y, w - 2 * margin, h * 0.06), number, h / 26, DIM)
        used = self._text(p, QRectF(margin, y + h * 0.07, w - 2 * margin, h * 0.36), item.title or "Untitled clip",
                          h / 11, TEXT, bold=True)
        y = used.bottom() + h * 0.05
        self._paint_chips(p, item.tags, y)
        if item.prototypes:
            label = "Prototype: " + ", ".join(item.prototypes)
            self._text(p, QRectF(margin, y + h * 0.11, w - 2 * margin, h * 0.12), label, h / 24, DIM)
        if self.hint:
            self._text(p, QRectF(w * 0.02, h * 0.93, w * 0.5, h * 0.05), self.hint, h / 48, QColor("#6b7078"),
                       align=Qt.AlignmentFlag.AlignLeft)

    def _paint_title(self, p: QPainter, title: str, subtitle: str) -> None:
        """A reel's card as its MP4 draws it (media/export/cards.py): the title large, a line or
        two beneath, centred a little above the middle."""
        w, h = self.width(), self.height()
        margin = w * 0.1
        used = self._text(p, QRectF(margin, h * 0.26, w - 2 * margin, h * 0.3), title, h / 14, TEXT, bold=True,
                          align=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
        if subtitle:
            self._text(p, QRectF(margin, used.bottom() + h * 0.02, w - 2 * margin, h * 0.2), subtitle, h / 30,
                       QColor("#c9d1d9"))
        if self.hint:
            self._text(p, QRectF(w * 0.02, h * 0.93, w * 0.5, h * 0.05), self.hint, h / 48, QColor("#6b7078"),
                       align=Qt.AlignmentFlag.AlignLeft)

    def _paint_chips(self, p: QPainter, tags: list[dict], y: float) -> None:
        h = self.height()
        px = h / 26
        font = self._font(px, bold=True)
        metrics = QFontMetricsF(font)
        pad_x, pad_y, gap = px * 0.7, px * 0.35, px * 0.6
        chips = [(f"{KIND_LABEL.get(t['kind'], '')}: {t['name']}" if t["kind"] in KIND_LABEL else t["name"],
                  QColor(t.get("color") or "#888888")) for t in tags]
        widths = [metrics.horizontalAdvance(text) + 2 * pad_x for text, _c in chips]
        total = sum(widths) + gap * max(len(chips) - 1, 0)
        x = max((self.width() - total) / 2, self.width() * 0.04)
        p.setFont(font)
        for (text, colour), width in zip(chips, widths):
            box = QRectF(x, y, width, metrics.height() + 2 * pad_y)
            path = QPainterPath()
            path.addRoundedRect(box, box.height() / 2, box.height() / 2)
            p.fillPath(path, colour)
            p.setPen(readable_on(colour))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            x += width + gap

    def _paint_clip(self, p: QPainter) -> None:
        w, h = self.width(), self.height()
        image = self._drawn or self.current_image()
        if image is not None and not image.isNull():
            size = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)  # letterboxed
            if size != image.size():  # (a prepared picture is already the size it is drawn)
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(QRectF((w - size.width()) / 2, (h - size.height()) / 2, size.width(), size.height()), image)
        elif self.item is not None and (self.item.missing or not self.item.has_video):
            what = "The film of this clip is missing." if self.item.missing else "Sound only"
            self._text(p, QRectF(0, h * 0.4, w, h * 0.2), what, h / 20, DIM)
        caption = self.caption_now()
        if caption:
            self._paint_caption(p, caption)
        if self.paused:
            self._paint_pause(p)

    def caption_now(self) -> str:
        """What was said at the picture on screen, where the clip's film has a transcript (its
        title is on the card before it); else the clip's caption, all along."""
        if self.item is None:
            return ""
        if self.item.speech:
            return captions.at([captions.Cue(*c) for c in self.item.speech], self.time_us)
        return self.item.caption

    def _paint_caption(self, p: QPainter, caption: str) -> None:
        w, h = self.width(), self.height()
        px = caption_px(h)
        font = self._font(px, bold=True)
        p.setFont(font)
        box = QRectF(w * 0.08, 0, w * 0.84, h)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
        text_rect = p.boundingRect(box, flags, caption)
        pad = px * 0.4
        text_rect.moveBottom(h * 0.94 - pad)
        back = text_rect.adjusted(-pad * 1.5, -pad, pad * 1.5, pad)
        p.fillRect(back, QColor(0, 0, 0, 210))  # high contrast over any picture
        p.setPen(TEXT)
        p.drawText(text_rect, flags, caption)

    def _paint_pause(self, p: QPainter) -> None:
        h = self.height()
        bar_w, bar_h = h / 40, h / 12
        x, y = self.width() - h / 8, h / 16
        p.setPen(QPen(Qt.PenStyle.NoPen))
        p.setBrush(QColor(255, 255, 255, 200))
        p.drawRect(QRectF(x, y, bar_w, bar_h))
        p.drawRect(QRectF(x + bar_w * 1.8, y, bar_w, bar_h))

    def _paint_discuss(self, p: QPainter) -> None:
        w, h = self.width(), self.height()
        margin = w * 0.1
        self._text(p, QRectF(margin, h * 0.2, w - 2 * margin, h * 0.1), "Let’s discuss", h / 22, QColor("#7fc8a9"),
                   bold=True)
        self._text(p, QRectF(margin, h * 0.32, w - 2 * margin, h * 0.45), self.item.discuss, h / 12, TEXT, bold=True)
        self._text(p, QRectF(margin, h * 0.8, w - 2 * margin, h * 0.08), self.item.title, h / 30, DIM)

    def _paint_message(self, p: QPainter, title: str, text: str, colour: QColor, footer: str = "") -> None:
        w, h = self.width(), self.height()
        margin = w * 0.1
        self._text(p, QRectF(margin, h * 0.28, w - 2 * margin, h * 0.14), title, h / 11, colour, bold=True)
        used = self._text(p, QRectF(margin, h * 0.46, w - 2 * margin, h * 0.3), text, h / 22, TEXT)
        if footer:
            self._text(p, QRectF(margin, used.bottom() + h * 0.04, w - 2 * margin, h * 0.1), footer, h / 30, DIM)

    def _paint_dots(self, p: QPainter) -> None:
        """One dot per item; done items filled, the current one larger."""
        if self.count <= 0:
            return
        h = self.height()
        r = h / 110
        gap = r * 3.2
        total = gap * (self.count - 1)
        x0, y = (self.width() - total) / 2, h * 0.955
        current = self.slide.item if self.slide else -1
        p.setPen(QPen(QColor("#8a9099"), max(r / 3, 1)))
        for n in range(self.count):
            if n == current:
                p.setBrush(TEXT)
                p.drawEllipse(QRectF(x0 + n * gap - r * 1.5, y - r * 1.5, r * 3, r * 3))
            else:
                p.setBrush(QColor("#8a9099") if n < current else Qt.BrushStyle.NoBrush)
                p.drawEllipse(QRectF(x0 + n * gap - r, y - r, r * 2, r * 2))
