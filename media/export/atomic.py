"""Exports appear whole or not at all: written to a hidden temporary file beside the target,
renamed into place only when complete. A cancelled, failed or killed export leaves no file
at the target path. Nothing is put in place for the user without the gate's pass.

The temporary file's name carries a random part nobody can guess, and it is made here, new
(``media.safe_io.create_exclusive``: never an existing name, never through a link), before the
writer opens it by name; a link planted beside the target under any name is left alone, and
what is renamed into place must still be that plain file."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator

from media import oslayer
from media.errors import StorageError
from media.files import pid_alive, storage_error
from media.safe_io import create_exclusive

PARTIAL_PREFIX = ".protoreel-partial-"

class Pass:
    """The token the one gate (``app.ways_out.gate``) hands the writer for one way out: the
    files it let through, and the step that puts each in place (consent checked again, the
    rename, the log entry, in one transaction). A user's file is put in place only under a
    pass that names it; the writer refuses it otherwise (``Unguarded``)."""

    def allows(self, target: Path) -> bool:
        raise NotImplementedError

    def publish(self, target: Path, rename: Callable[[], None]) -> None:
        raise NotImplementedError


class Unguarded(StorageError):
    """A file for the user that did not come through the gate: never put in place."""


_pass: ContextVar[Pass | None] = ContextVar("protoreel_gate_pass", default=None)
# Private working folders (the library's .tmp/): a bundle's cut clips, an anonymised preview.
# What is written there never reaches anyone, so it needs no pass.
_scratch: ContextVar[tuple[Path, ...]] = ContextVar("protoreel_scratch", default=())


@contextmanager
def passing(token: Pass) -> Iterator[None]:
    """Writes in this context go out under ``token`` (only the gate opens one)."""
    if not isinstance(token, Pass):
        raise TypeError("only the gate's pass lets a file out")
    reset = _pass.set(token)
    try:
        yield
    finally:
        _pass.reset(reset)


@contextmanager
def scratch(folder: Path) -> Iterator[None]:
    """Writes below ``folder`` (a private working folder in a library's ``.tmp/``, or a team
    library's ``.tmp-<computer>/``) need no pass."""
    folder = Path(folder).resolve()
    if not (folder.parent.name == ".tmp" or folder.parent.name.startswith(".tmp-")):
        raise Unguarded(f"{folder}: not a library's private working folder; files for the user go through the gate")
    reset = _scratch.set((*_scratch.get(), folder))
    try:
        yield
    finally:
        _scratch.reset(reset)


def _in_scratch(target: Path) -> bool:
    where = target.parent.resolve()
    return any(where == folder or folder in where.parents for folder in _scratch.get())


def _authorised(target: Path) -> Pass | None:
    """The pass ``target`` goes out under (None: a private working file)."""
    token = _pass.get()
    if token is not None and token.allows(target):
        return token
    if _in_scratch(target):
        return None
    raise Unguarded(f"{target}: not let through by the gate (path, names, consent, log); nothing was written")


def _publish(token: Pass | None, temp: Path, target: Path) -> None:
    if token is None:
        oslayer.replace(temp, target)
    else:
        token.publish(target, lambda: oslayer.replace(temp, target))


def clear_stale_partials(folder: Path) -> None:
    """Remove half-written exports of processes that no longer run (killed mid-export)."""
    for leftover in folder.glob(PARTIAL_PREFIX + "*"):
        try:
            pid = int(leftover.name[len(PARTIAL_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not pid_alive(pid):
            leftover.unlink(missing_ok=True)


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    target = oslayer.long_path(Path(target).expanduser().absolute())
    token = _authorised(target)  # before anything is written
    folder = target.parent
    if not folder.is_dir():
        raise StorageError(f"{folder}: the folder does not exist")
    if not os.access(folder, os.W_OK):
        raise StorageError(f"{folder}: this folder cannot be written to (permission denied)")
    clear_stale_partials(folder)
    temp = None
    try:
        fd, temp = create_exclusive(folder, f"{PARTIAL_PREFIX}{os.getpid()}-", f"-{target.name}")
        os.close(fd)
        yield temp
        try:
            st = temp.lstat()
        except FileNotFoundError:
            raise StorageError(f"{target}: the export produced no file") from None
        if not stat.S_ISREG(st.st_mode):  # replaced behind the writer's back: never put in place
            raise StorageError(f"{target}: the export's temporary file was replaced by something else; "
                               "nothing was written")
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        _publish(token, temp, target)
    except OSError as exc:
        raise storage_error(exc, target) from exc
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
