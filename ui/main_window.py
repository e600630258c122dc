"""The main window: wiring only. Each feature lives in its own module under ui/."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow

from app.library import Library
from ui.bridge import LibraryBridge
from ui.errors import show_error
from ui.library_panel import LibraryPanel


class MainWindow(QMainWindow):
    def __init__(self, lib: Library) -> None:
        super().__init__()
        self.lib = lib
        self.bridge = LibraryBridge(lib, self)
        self.setWindowTitle(f"ProtoReel — {lib.root.name}")
        self.library_panel = LibraryPanel(self.bridge, self)
        self.setCentralWidget(self.library_panel)
        self._menus()
        self.resize(1200, 760)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open or Create Library…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.choose_library)
        file_menu.addAction(open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    def choose_library(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open or create a library folder", str(self.lib.root))
        if folder:
            QSettings().setValue("library/last", folder)
            show_error(self, RuntimeError("Restart ProtoReel to open the other library."))
