import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def window(qtbot, lib, tmp_path, monkeypatch):
    """The real main window on a real temporary library (settings kept out of the user's)."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from ui.shell.main_window import MainWindow

    win = MainWindow(lib)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def film_window(window, qtbot, counting_film):
    """The window with the counting film imported and open, first frame on screen."""
    from app.films import importing

    film_id = importing.import_file(window.lib, counting_film, event="Workshop 1").film_id
    window.lib.undo_stack.clear()
    window.library_panel.select_film(film_id)
    qtbot.waitUntil(lambda: window.video.current_image() is not None, timeout=10_000)
    window.film_id = film_id
    return window
