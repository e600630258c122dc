"""The libraries this user has opened on this computer, so that an export from one library
never writes onto the films of another (``app.ways_out.export_guard``).

A short list of folder paths in the user's config folder (600, like a library). Only paths:
never names, films or anything inside a library. ``PROTOREEL_CONFIG_DIR`` moves it (tests).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from media.safe_io import create_exclusive

MAX_REMEMBERED = 100


def registry() -> Path:
    folder = os.environ.get("PROTOREEL_CONFIG_DIR") or platformdirs.user_config_dir("ProtoReel", appauthor=False)
    return Path(folder) / "libraries.txt"


def known() -> list[Path]:
    """Every remembered library folder that still holds a library."""
    try:
        lines = registry().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [Path(line) for line in lines if line and (Path(line) / "library.db").is_file()]


def remember(root: Path) -> None:
    """Add ``root`` (most recent last). A registry that cannot be written is no reason to fail."""
    path = registry()
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        if str(root) in lines:
            return
        lines = [*lines, str(root)][-MAX_REMEMBERED:]
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, partial = create_exclusive(path.parent, f".{path.name}.", mode=0o600)  # never through a link
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write("\n".join(lines) + "\n")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    except (OSError, UnicodeDecodeError):
        pass
