"""Exports appear whole or not at all: written to a hidden temporary file beside the target,
renamed into place only when complete. A cancelled, failed or killed export leaves no file
at the target path."""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator

from media import oslayer
from media.errors import StorageError
from media.files import pid_alive, storage_error

PARTIAL_PREFIX = ".protoreel-partial-"

# Set by whoever starts an export (the consent policy in app/): called with the rename, it
# checks again and records the export in the same breath, so a consent withdrawn while the
# file was being written wins. Exporters need not know: every one writes through here.
Publisher = Callable[[Callable[[], None]], None]
_publisher: ContextVar[Publisher | None] = ContextVar("protoreel_publisher", default=None)


@contextmanager
def publishing_through(publisher: Publisher) -> Iterator[None]:
    token = _publisher.set(publisher)
    try:
        yield
    finally:
        _publisher.reset(token)


def _publish(temp: Path, target: Path) -> None:
    publisher = _publisher.get()
    if publisher is None:
        oslayer.replace(temp, target)
    else:
        publisher(lambda: oslayer.replace(temp, target))


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
    folder = target.parent
    if not folder.is_dir():
        raise StorageError(f"{folder}: the folder does not exist")
    if not os.access(folder, os.W_OK):
        raise StorageError(f"{folder}: this folder cannot be written to (permission denied)")
    clear_stale_partials(folder)
    temp = folder / f"{PARTIAL_PREFIX}{os.getpid()}-{target.name}"
    try:
        yield temp
        if not temp.exists():
            raise StorageError(f"{target}: the export produced no file")
        with open(temp, "rb+") as fh:
            os.fsync(fh.fileno())
        _publish(temp, target)
    except OSError as exc:
        raise storage_error(exc, target) from exc
    finally:
        temp.unlink(missing_ok=True)
