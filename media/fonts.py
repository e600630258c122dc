"""The fonts that ship with the app (``resources/fonts/``: DejaVu Sans and DejaVu Sans Bold,
with their licence beside them). Title cards and captions of exported reels, the review's PDF
summary and the presentation on the room's screen draw with these files, never with whatever
the system has, so every machine (a Windows laptop, a Mac, a bare Linux) draws the same reel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from media.errors import StorageError

FAMILY = "DejaVu Sans"
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"


def folder() -> Path:
    """``resources/fonts`` of this checkout, installation or packaged app."""
    return Path(str(resources.files("resources").joinpath("fonts")))  # a Path, also when a namespace


def font_file(bold: bool = False) -> Path:
    path = folder() / (BOLD if bold else REGULAR)
    if not path.is_file():
        raise StorageError(f"{path}: the font that ships with ProtoReel is missing; reinstall ProtoReel")
    return path


def all_files() -> list[Path]:
    return [font_file(False), font_file(True)]
