"""What a killed export leaves behind, and clearing it the next time a library opens.

An export works in a folder named after its process (``export-PID-…``, in the library's
``.tmp/`` or, when no library is involved, the system's temporary folder) and writes the
reel beside its target as a hidden partial file. Before the partial file exists its path is
noted in the work folder, so whoever finds the work folder of a dead process can remove both:
the library does that every time it is opened, by the app or any command.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from media import oslayer
from media.export.atomic import PARTIAL_PREFIX
from media.files import pid_alive

SYSTEM_PREFIX = "protoreel-export-"
NOTE = "partial.txt"


def system_work_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{SYSTEM_PREFIX}{os.getpid()}-"))


def note_partial(work: Path, partial: Path) -> None:
    (work / NOTE).write_text(str(partial), encoding="utf-8")


def clear_work_dir(work: Path) -> None:
    """Remove a dead export's partial file (only a file we named) and its work folder."""
    try:
        partial = Path((work / NOTE).read_text(encoding="utf-8").strip())
        if partial.name.startswith(PARTIAL_PREFIX):
            partial.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass
    shutil.rmtree(work, ignore_errors=True)


def owner(folder: Path, prefix: str) -> int | None:
    rest = folder.name[len(prefix):] if folder.name.startswith(prefix) else ""
    pid = rest.split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def _ours(folder: Path) -> bool:
    """A real folder of this user's (the system's temporary folder is shared: a folder someone
    else made under our prefix, or a link, is not ours to clear)."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and not oslayer.someone_elses(st)


def clear_dead_system_exports() -> int:
    """Work folders of dead exports in the system's temporary folder; returns how many."""
    cleared = 0
    for folder in Path(tempfile.gettempdir()).glob(SYSTEM_PREFIX + "*"):
        pid = owner(folder, SYSTEM_PREFIX)
        if pid is not None and pid != os.getpid() and not pid_alive(pid) and _ours(folder):
            clear_work_dir(folder)
            cleared += 1
    return cleared

