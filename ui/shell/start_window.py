"""The window a facilitator sees at once: ProtoReel's name, the library being opened and what
is being done, at the place and size the workspace will take, painted before the database layer
and the workspace's modules are loaded (seconds on a busy laptop: the window came up 3.8 s
after launch at load 4.5, and stayed black 3 s more; issue 25). The workspace replaces it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from ui.shell import startup_trace
from ui.shell.window_size import fitted


class StartWindow(QWidget):
    def __init__(self, library: Path, new: bool) -> None:
        super().__init__()
        self.setObjectName("startWindow")
        self.setWindowTitle(f"ProtoReel — {library.name}")
        self.line = (f"Making a new library in {library}…" if new else f"Opening the library “{library.name}”…")
        self.stage = "Starting…"
        self.painted = False
        saved = QSettings().value("window/geometry")
        if saved is None or not self.restoreGeometry(saved):
            screen = QApplication.primaryScreen()
            if screen is not None:
                self.setGeometry(fitted(screen.availableGeometry()))

    def say(self, stage: str) -> None:
        """The stage under way, painted now (the GUI thread is about to be busy with it)."""
        self.stage = stage
        self.repaint()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1d2025"))
        p.setPen(QColor("#e8eaed"))
        title = QFont(self.font())
        title.setPointSize(title.pointSize() * 2)
        title.setBold(True)
        p.setFont(title)
        middle = self.rect().adjusted(0, 0, 0, -self.height() // 8)
        p.drawText(middle, Qt.AlignmentFlag.AlignCenter, "ProtoReel")
        p.setFont(self.font())
        p.setPen(QColor("#9aa0a6"))
        below = self.rect().adjusted(24, self.height() // 2, -24, 0)
        p.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{self.line}\n{self.stage}")
        p.end()
        if not self.painted:
            self.painted = True
            startup_trace.mark("start-window-painted")

    def show_now(self, wait_ms: int = 500) -> None:
        """Show and let the window system map and paint it before the busy part begins."""
        self.show()
        self.raise_()
        app = QApplication.instance()
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.start(wait_ms)
        while not self.painted and deadline.isActive():
            app.processEvents()
        app.processEvents()
