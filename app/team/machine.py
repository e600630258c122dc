"""What a team library keeps on this computer only, never in the shared database.

- The media root: where this computer reaches the team's shared media folder (``/mnt/team``
  here, ``Z:\\ProtoReel`` on a colleague's laptop). Films are stored relative to it, with ``/``.
- Films this computer plays from a file of its own: a film re-imported here while the shared
  folder lacks it, or relinked to a file outside the shared folder. By content hash, so they
  follow the film whatever its id; one computer's path never reaches the other computers.

Kept in ``team-libraries.json`` in the user's config folder (600, like a library), one entry
per database, keyed by its URL without any password.
"""

from __future__ import annotations

import json
import os
import socket
import re
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from media import safe_io

FILE = "team-libraries.json"


def settings_file() -> Path:
    folder = os.environ.get("PROTOREEL_CONFIG_DIR") or platformdirs.user_config_dir("ProtoReel", appauthor=False)
    return Path(folder) / FILE


def library_key(url: str) -> str:
    """The URL as it is remembered: no password, ever."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    return URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port, parsed.database,
                      parsed.query).render_as_string(hide_password=False)


def machine_name() -> str:
    """This computer, as a folder name (its half-done work in the shared folder: ``.tmp-NAME``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", socket.gethostname() or "computer")[:60] or "computer"


def _load() -> dict:
    try:
        data = json.loads(settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(data: dict) -> None:
    path = settings_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # A name nobody can guess, made new (never through a link planted under it), as every writer's.
    fd, partial = safe_io.create_exclusive(path.parent, f".{path.name}.", mode=0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, ensure_ascii=False)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


class MachineSettings:
    """This computer's settings for one team library (read once, written at each change)."""

    def __init__(self, url: str) -> None:
        self.key = library_key(url)
        entry = _load().get(self.key)
        entry = entry if isinstance(entry, dict) else {}
        root = entry.get("media_root")
        self.media_root: Path | None = Path(root) if isinstance(root, str) and root else None
        files = entry.get("local_files")
        self.local_files: dict[str, str] = (
            {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}
            if isinstance(files, dict) else {})

    def _write(self) -> None:
        """Merged into the file as it is now: another library's entry, written meanwhile by
        another window, stays. A config folder that cannot be written is no reason to fail."""
        data = _load()
        entry = {"media_root": str(self.media_root) if self.media_root else ""}
        if self.local_files:
            entry["local_files"] = dict(self.local_files)
        data[self.key] = entry
        try:
            _save(data)
        except OSError:
            pass

    def remember_media_root(self, root: Path) -> None:
        if self.media_root != root:
            self.media_root = root
            self._write()

    def local_file(self, sha256: str) -> Path | None:
        found = self.local_files.get(sha256)
        return Path(found) if found else None

    def play_here(self, sha256: str, path: Path) -> None:
        """This computer plays the film with this content from ``path`` (its own file)."""
        self.local_files[sha256] = str(path)
        self._write()

    def forget(self, *sha256: str) -> None:
        if any(self.local_files.pop(key, None) is not None for key in list(sha256)):
            self._write()
