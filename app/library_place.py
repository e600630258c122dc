"""Where the library is when none is named: light to import (the window's start reads it
before the database layer is loaded)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def default_library_dir() -> Path:
    env = os.environ.get("PROTOREEL_LIBRARY")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("ProtoReel", appauthor=False)) / "Library"
