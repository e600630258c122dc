"""The fonts that ship with the app (``media.fonts``), given to Qt once per process, so the
presentation and the PDF summary draw in them on every machine, whatever the system has."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase

from media import fonts

_loaded: list[str] = []


def ensure() -> str:
    """Load the shipped font files into Qt's font database (once; a QGuiApplication must
    exist); returns their family name."""
    if not _loaded:
        for path in fonts.all_files():
            if QFontDatabase.addApplicationFont(str(path)) < 0:
                logging.getLogger("protoreel").warning("Qt could not load the font %s", path)
        _loaded.append(fonts.FAMILY)
    return fonts.FAMILY
