"""Opening files so that nobody else's file is touched and nothing can hang.

- ``create_exclusive``: a new file under a name nobody can guess, made with O_CREAT|O_EXCL
  (and O_NOFOLLOW where the system has it): a file or a link planted beforehand under that
  name is never opened, written through or replaced; another name is drawn instead.
- ``regular_file``: what the user named as an input or an output is looked at (``stat``)
  before anything opens it: a FIFO would block the opener for ever, a device (``/dev/zero``)
  never ends, a folder is not a file.
- ``read_bounded``: an input read whole, at most ``limit`` bytes, counted as they are read
  (``st_size`` is 0 for devices and may change while we read), opened without blocking.

The flags differ by system; ``media.oslayer`` holds them, with a portable path (where a
system has no O_NOFOLLOW or O_NONBLOCK, O_EXCL and the look before and after opening remain).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from media import oslayer
from media.errors import BadInput

ATTEMPTS = 50
CHUNK = 1 << 16


def new_token() -> str:
    """The unpredictable part of a temporary name (16 hex digits: 64 bits from the OS)."""
    return secrets.token_hex(8)


def create_exclusive(folder: Path, prefix: str, suffix: str = "", mode: int = 0o666) -> tuple[int, Path]:
    """A new, empty file ``folder/prefix TOKEN suffix`` that did not exist before, opened for
    writing: (its descriptor, its path). ``mode`` is narrowed by the umask as usual."""
    folder = Path(folder)
    for _ in range(ATTEMPTS):
        path = folder / f"{prefix}{new_token()}{suffix}"
        try:
            return os.open(path, oslayer.exclusive_create_flags(), mode), path
        except FileExistsError:
            continue  # planted, or (once in 2^64) drawn twice: draw again
        except OSError as exc:
            if oslayer.opened_through_a_link(exc):  # O_NOFOLLOW on a link, as some systems say it
                continue
            raise
    raise FileExistsError(errno.EEXIST, "no free temporary name (something keeps making them)", str(folder))


def kind_of(mode: int) -> str:
    """What a file system entry is, in words."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def regular_file(path: Path, what: str = "") -> os.stat_result | None:
    """The ``stat`` of ``path`` if it is a regular file (through links), ``None`` if nothing is
    there; ``BadInput`` naming what it is otherwise (a FIFO, a device, a socket, a folder)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.ELOOP, errno.ENAMETOOLONG):
            return None
        raise
    if not stat.S_ISREG(st.st_mode):
        raise BadInput(f"{path}: is {kind_of(st.st_mode)}, not a file{'; ' + what if what else ''}")
    return st


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The whole of the regular file ``path``, refused (``BadInput``) beyond ``limit`` bytes,
    whatever its size says; ``what`` names it in messages ("a codebook")."""
    if regular_file(path, f"{what} is read only from a file") is None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
    fd = os.open(path, oslayer.input_flags())
    try:
        st = os.fstat(fd)  # what was opened, not what was looked at a moment before
        if not stat.S_ISREG(st.st_mode):
            raise BadInput(f"{path}: is {kind_of(st.st_mode)}, not a file; {what} is read only from a file")
        parts, size = [], 0
        while size <= limit:
            block = os.read(fd, min(CHUNK, limit + 1 - size))
            if not block:
                break
            parts.append(block)
            size += len(block)
        if size > limit:
            raise BadInput(f"{path}: too big for {what} (over {_size(limit)})")
        return b"".join(parts)
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{n // 1000} kB"
