"""Record role-plays into the library, and recover takes a crash interrupted."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from media.errors import BadInput, ProtoReelError, StorageError
from media.jobs import CancelToken
from app.library import Library
from app.films import importing
from media.files import storage_error
from media.capture.recorder import SIDECAR, TestSource, interrupted, let_go, record, remux


def recordings_dir(lib: Library) -> Path:
    folder = lib.root / "recordings"
    folder.mkdir(exist_ok=True)
    return folder


def source_named(name: str):
    if name == "test":
        return TestSource()
    raise BadInput(f"source {name!r}: no such capture source here (use 'test'; cameras are chosen in the app)")


def record_take(lib: Library, source, seconds: float | None, event: str | None = None,
                cancel: CancelToken | None = None, realtime: bool = True, on_frame=None) -> int:
    """Record, then bring the take into the library as a film; returns its id."""
    if seconds is not None and not (0 < seconds <= 24 * 3600):  # also NaN and infinity
        raise BadInput(f"seconds {seconds}: must be more than 0 and at most a day")
    if event is not None and not event.strip():
        raise BadInput("event '': an event needs a name (or leave it out)")
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H-%M-%S")
    take = recordings_dir(lib) / f"Recording {stamp}.mp4"
    try:
        return _record_and_bring_in(lib, source, take, seconds, event, cancel, realtime, on_frame)
    finally:
        let_go(take)  # brought in, or left for recovery: either way no longer being recorded here


def _record_and_bring_in(lib, source, take: Path, seconds, event, cancel, realtime, on_frame) -> int:
    try:
        done = record(source, take, seconds, cancel, realtime, meta={"event": event, "source": source.name},
                      on_frame=on_frame)
    except OSError as exc:  # disk full, drive unplugged: what was written is kept for recovery
        raise StorageError(f"Recording stopped: {storage_error(exc, take)}. What was recorded until then "
                           f"is kept and is offered for recovery when ProtoReel next starts "
                           f"(or run `protoreel recover`).") from exc
    if done.frames == 0:  # the device gave nothing at all: no empty take left behind
        take.unlink(missing_ok=True)
        take.with_name(take.name + SIDECAR).unlink(missing_ok=True)
        raise ProtoReelError(f"Nothing was recorded from {source.name}: "
                             f"{getattr(source, 'lost', None) or 'the take was stopped before its first frame'}")
    return _bring_in(lib, take, event)


def _bring_in(lib: Library, take: Path, event: str | None) -> int:
    work = lib.work_dir("recording")
    try:
        clean = work / take.name
        remux(take, clean)
        result = importing.import_file(lib, clean, event=event)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if result.film_id is None:
        raise ProtoReelError(f"{take.name}: {result.error}")
    take.unlink(missing_ok=True)
    take.with_name(take.name + SIDECAR).unlink(missing_ok=True)
    return result.film_id


def recover(lib: Library) -> list[tuple[Path, int | None, str | None]]:
    """Bring every interrupted take into the library: (take, film id or None, reason)."""
    out = []
    for take in interrupted(recordings_dir(lib)):
        sidecar = take.with_name(take.name + SIDECAR)
        try:
            event = json.loads(sidecar.read_text()).get("event")
        except (OSError, ValueError):
            event = None
        try:
            out.append((take, _bring_in(lib, take, event), None))
        except (ProtoReelError, ValueError) as exc:
            keep = lib.root / "recordings" / "unrecoverable"
            keep.mkdir(exist_ok=True)
            shutil.move(str(take), keep / take.name)  # kept, never deleted: someone may rescue it
            sidecar.unlink(missing_ok=True)
            out.append((take, None, str(exc)))
    return out
