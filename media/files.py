"""Content hashing and atomic copies of media files."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from media import oslayer
from media.errors import FolderUnusable, StorageError
from media.jobs import CancelToken, ProgressFn, no_progress

CHUNK = 4 << 20


def hash_file(path: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> str:
    return _stream(path, None, progress, cancel)


def copy_and_hash(
    src: Path, dest: Path, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
) -> str:
    """Copy ``src`` to ``dest`` (a temporary name: the caller renames it into place once all
    is well) and return the sha256 of what was read. ``dest`` is fsynced before returning."""
    try:
        with open(dest, "wb") as out:
            digest = _stream(src, out, progress, cancel)
            out.flush()
            os.fsync(out.fileno())
        return digest
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def _stream(path: Path, out, progress: ProgressFn, cancel: CancelToken | None) -> str:
    sha = hashlib.sha256()
    total = max(path.stat().st_size, 1)
    done = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if cancel is not None:
                cancel.check()
            sha.update(chunk)
            if out is not None:
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise storage_error(exc, Path(out.name)) from exc
            done += len(chunk)
            progress(done / total, "copying" if out is not None else "hashing")
    return sha.hexdigest()


def storage_error(exc: OSError, path: Path) -> StorageError:
    if isinstance(exc, oslayer.FileInUse):
        return FolderUnusable(f"{path}: {exc.strerror}")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return FolderUnusable(f"{path.parent}: the disk is full; free some space and try again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return FolderUnusable(f"{path.parent}: this folder cannot be written to (permission denied)")
    if exc.errno == errno.ENAMETOOLONG:
        return FolderUnusable(f"{path.name[:40]}…: the file name is too long for the disk")
    return StorageError(f"{path}: {exc.strerror or exc}")


def pid_alive(pid: int) -> bool:
    """Whether a process still runs (to tell a write in progress from one a crash left)."""
    return oslayer.process_alive(pid)
