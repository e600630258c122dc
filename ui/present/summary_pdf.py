"""The review summary as a one-page PDF, through Qt's own PDF writer (QPdfWriter) and rich
text layout (QTextDocument), from the same HTML as the HTML summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from app.reviews import review_summary
from media.export.atomic import atomic_output
from ui.kit import fonts

DPI = 96  # layout units: CSS pixels, so a point size means the same as in the browser
MARGIN_MM = 12


def write_pdf(text: str, out: Path) -> None:
    """Lay ``text`` out on one A4 page (shrunk to fit when a long meeting needs it)."""
    if QGuiApplication.instance() is None:  # the command line: fonts need an application
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        write_pdf.app = QGuiApplication([])  # kept alive for the process
    fonts.ensure()  # 'DejaVu Sans' in the HTML: the font that ships with the app, on every machine
    with atomic_output(out) as partial:
        writer = QPdfWriter(str(partial))
        writer.setResolution(DPI)
        writer.setTitle("ProtoReel review summary")
        writer.setCreator("ProtoReel")
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                         QPageLayout.Unit.Millimeter))
        page = writer.pageLayout().paintRectPixels(DPI)
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        scale = 1.0
        for _ in range(4):  # widen the layout until its height fits the page at that scale
            doc.setTextWidth(page.width() / scale)
            height = doc.size().height()
            if height * scale <= page.height() + 0.5:
                break
            scale = page.height() / height
        scale = min(scale, page.height() / doc.size().height())  # whatever the last layout needs
        painter = QPainter(writer)
        painter.scale(scale, scale)
        doc.drawContents(painter)
        painter.end()
        if not Path(partial).exists() or Path(partial).stat().st_size == 0:
            raise OSError(f"{out}: Qt's PDF writer wrote nothing")


def register() -> None:
    review_summary.register(".pdf", write_pdf)
