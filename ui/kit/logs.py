"""Where the app's logs are: the user's log folder (``PROTOREEL_LOG_DIR`` instead, for tests).
The error dialog names the file; Help → Where is my library? shows the folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def log_dir() -> Path:
    env = os.environ.get("PROTOREEL_LOG_DIR")
    return Path(env) if env else Path(platformdirs.user_log_dir("ProtoReel", appauthor=False))


def log_file() -> Path:
    return log_dir() / "protoreel.log"
