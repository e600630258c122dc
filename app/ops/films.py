"""Films: import (probe, hash, copy or link, thumbnails and waveform), relink, missing files.

Import order keeps the library exactly as it was for a refused or cancelled file: probe
first (nothing written), then everything into ``.tmp/``, then renames into place and one
database insert. A crash midway leaves only ``.tmp/`` debris, which opening clears.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from sqlalchemy import select

from media.errors import BadInput, ProtoReelError, StorageError
from media.jobs import Cancelled, CancelToken, ProgressFn, no_progress, sub_progress
from app.library import Library
from app.models import Film
from app.ops import events, import_placing, lookup
from media.analysis import analyse
from media.files import copy_and_hash, hash_file, storage_error
from media.probe import MediaInfo, probe_quick
from media.recorded_time import recorded_time
from app.ops.import_order import expand_and_order, recorded_fields

AT_ONCE = 2  # films imported at the same time (two cores)
# A long film's full probe reads every packet (seconds for hours of film): above this size a
# registered film opens from its header and first packets; the exact facts come with its
# thumbnails (the pass over every packet), when the import completes.
QUICK_ABOVE_BYTES = 100 << 20
_COMMIT = threading.Lock()


@dataclass
class ImportResult:
    source: Path
    film_id: int | None = None
    existed: bool = False  # the same content was already in the library
    error: str | None = None  # why the file was refused (None: imported)
    note: str = ""  # where a film already in the library is (it joined the event, or stayed in its own)


def join_event(lib: Library, results: list[ImportResult], event: str | None) -> list[ImportResult]:
    """Films found already in the library while importing into ``event`` join it if they are in
    none (one undoable step), or stay in their own; each result says which."""
    known = [r for r in results if r.existed and r.film_id is not None]
    if event and known:
        from app.ops import events

        notes = events.adopt(lib, [r.film_id for r in known], event)
        for r in known:
            r.note = notes.get(r.film_id, "")
    return results


def import_files(
    lib: Library,
    sources: Iterable[Path | str],
    event: str | None = None,
    link: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> list[ImportResult]:
    """Import each file (a folder: the films inside it, in the order they were recorded), two
    at a time; a bad file is reported and the batch goes on. Cancelling stops the batch after
    cleaning up the files in hand (files already imported stay). Results are in that order."""
    cancel = cancel or CancelToken()
    if event is not None and not event.strip():
        raise BadInput("event '': an event needs a name (or leave it out)")
    sources = expand_and_order(list(sources))
    if not sources:
        return []
    done = [0.0] * len(sources)
    # Films join the library in the batch's order (the same content twice: the first is kept,
    # whichever finished its decoding first).
    turns = [threading.Event() for _ in sources]

    def run(n: int, source: Path) -> ImportResult:
        def step(fraction: float, message: str = "") -> None:
            done[n] = fraction
            progress(sum(done) / len(sources), f"{source.name}: {message}" if message else source.name)

        try:
            return import_file(lib, source, event=event, link=link, progress=step, cancel=cancel,
                               before_commit=turns[n - 1].wait if n else None)
        except ProtoReelError as exc:
            return ImportResult(source, error=str(exc))
        finally:
            turns[n].set()

    # Two films at a time: each is itself two jobs (hash, decode) that mostly wait on the disk
    # or on each other, so two cores stay busy without one long film holding up the rest.
    with ThreadPoolExecutor(AT_ONCE, thread_name_prefix="import") as pool:
        futures = [pool.submit(run, n, source) for n, source in enumerate(sources)]
        try:
            results = [future.result() for future in futures]
        except BaseException:
            cancel.cancel()
            raise
    return join_event(lib, results, event)


def import_file(
    lib: Library,
    source: Path | str,
    event: str | None = None,
    link: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    before_commit=None,
) -> ImportResult:
    cancel = cancel or CancelToken()
    source = Path(source).expanduser().absolute()
    progress(0.0, "checking")
    # The header and first packets (a refused file fails here, with nothing written); the
    # exact length and frame count come from the thumbnail pass over every packet.
    info = probe_quick(source, cancel)
    # Content already in (a batch run again after a crash, a copy renamed): said at once, not
    # after hashing and decoding it all again.
    from app.ops.staged_import import same_content

    existing = same_content(lib, source, info.size_bytes)
    if existing is not None:
        progress(1.0, "already in the library")
        return ImportResult(source, existing, existed=True)
    work = lib.work_dir("import")
    import_placing.note_source(work, source)
    try:
        cache = work / "cache"
        cache.mkdir()
        sha, info = hash_and_analyse(info, work, cache, link, progress, cancel)
        if before_commit is not None:
            before_commit()  # the files before it in its batch are in (or refused) first
        with _COMMIT:  # two imports of the same content at once: the second finds the first
            with lib.read() as s:
                existing = s.scalars(select(Film.id).where(Film.sha256 == sha)).first()
            if existing is not None:
                return ImportResult(source, existing, existed=True)
            cancel.check()
            film_id = _commit(lib, info, sha, work, link, event)
        progress(1.0, "done")
        return ImportResult(source, film_id)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def hash_and_analyse(info: MediaInfo, work: Path, cache: Path, link: bool, progress, cancel) -> tuple[str, MediaInfo]:
    """Hash (or copy while hashing, into ``work/media``) on one thread while the other decodes
    thumbnails and peaks into ``cache``: two cores, two jobs that barely wait on each other.
    ``info`` may come from ``probe_quick``: the exact facts are taken from the packets the
    thumbnail pass reads (``media.analysis.analyse``), so the file is read once for pictures,
    sound and timing, and once for the hash. Progress is the mean of the two jobs, so it only moves forward.
    Returns the sha256 and the exact facts."""
    both = _Both(sub_progress(progress, 0.02, 0.98))
    with ThreadPoolExecutor(1, thread_name_prefix="hash") as pool:
        if link:
            hashing = pool.submit(hash_file, info.path, both.hashing, cancel)
        else:
            hashing = pool.submit(copy_and_hash, info.path, work / "media", both.hashing, cancel)
        try:
            info = analyse(info, cache, both.analysing, cancel)
        except OSError as exc:
            cancel_quietly(hashing, cancel)
            raise analysis_error(info.path, exc) from exc
        except BaseException:
            cancel_quietly(hashing, cancel)
            raise
        sha = hashing.result()
    return sha, info


class _Both:
    """Two jobs' progress as one figure (each reports from its own thread)."""

    def __init__(self, progress: ProgressFn) -> None:
        self.progress = progress
        self.done = {"hash": 0.0, "analyse": 0.0}

    def _report(self, job: str, fraction: float, message: str) -> None:
        self.done[job] = fraction
        self.progress((self.done["hash"] + self.done["analyse"]) / 2, message)

    def hashing(self, fraction: float, message: str = "") -> None:
        self._report("hash", fraction, message)

    def analysing(self, fraction: float, message: str = "") -> None:
        self._report("analyse", fraction, message)


def analysis_error(film: Path, exc: OSError) -> StorageError:
    """Name the film, not the temporary folder its pictures were being written to."""
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full; free some space and try again"
    else:
        reason = exc.strerror or str(exc)
    return StorageError(f"{film.name}: its thumbnails and waveform could not be written ({reason})")


def cancel_quietly(future, cancel: CancelToken) -> None:
    """Stop the hashing thread after the other job failed, without losing the first error."""
    cancel.cancel() if not cancel.cancelled else None
    try:
        future.result()
    except (Cancelled, ProtoReelError, OSError):
        pass


_UNSAFE = re.compile(r"[^\w.\- ]+")


def managed_name(sha: str, source: Path) -> str:
    return f"{sha[:12]}-{_UNSAFE.sub('_', source.name)[:120]}"


def _commit(lib: Library, info: MediaInfo, sha: str, work: Path, link: bool, event: str | None) -> int:
    cache_dest = lib.cache_dir(sha)
    media_dest = lib.media_dir / managed_name(sha, info.path)
    placed: list[Path] = []
    try:
        # Where the files go, written down first: a kill before the film is recorded below
        # must not leave them in the library (the next opening removes them).
        import_placing.note_placing(work, sha, [cache_dest] + ([] if link else [media_dest]))
        if cache_dest.exists():  # left by an import that was undone
            shutil.rmtree(cache_dest)
        os.replace(work / "cache", cache_dest)
        placed.append(cache_dest)
        if not link:
            os.replace(work / "media", media_dest)
            placed.append(media_dest)
    except OSError as exc:
        _remove(placed)
        raise storage_error(exc, media_dest) from exc
    try:
        with lib.op(f"Import {info.path.name}") as s:
            film = Film(
                title=info.path.stem,
                path=str(info.path) if link else str(media_dest.relative_to(lib.root)),
                linked=link,
                original_name=info.path.name,
                sha256=sha,
                **film_facts(info),
                **recorded_fields(info.recorded or recorded_time(info.path)),
            )
            if event:
                film.event = events.get_or_create(s, event)
            s.add(film)
            s.flush()
            return film.id
    except BaseException:
        _remove(placed)
        raise


def film_facts(info: MediaInfo) -> dict:
    return dict(
        size_bytes=info.size_bytes,
        container=info.container,
        duration_us=info.duration_us,
        start_us=info.start_us,
        has_video=info.has_video,
        video_codec=info.video_codec,
        width=info.width,
        height=info.height,
        rotation=info.rotation,
        mirror=info.mirror,
        sar_num=info.sar.numerator,
        sar_den=info.sar.denominator,
        fps_num=info.fps.numerator if info.fps else None,
        fps_den=info.fps.denominator if info.fps else None,
        frame_count=info.frame_count,
        vfr=info.vfr,
        has_audio=info.has_audio,
        audio_codec=info.audio_codec,
        audio_rate=info.audio_rate,
        audio_channels=info.audio_channels,
    )


def _remove(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def check_missing(lib: Library) -> list[int]:
    """Mark films whose file is gone as missing (and found ones as present again).

    Returns the ids now missing. Not undoable: it records a fact, not an edit.
    """
    with lib.read() as s:
        films = s.scalars(select(Film)).all()
        present = {f.id: lib.film_path(f).is_file() for f in films}
        flips = [f.id for f in films if present[f.id] == f.missing]
    if flips:
        with lib.op("Check for missing files", undoable=False) as s:
            for film_id in flips:
                film = s.get(Film, film_id)
                if film is not None:  # deleted meanwhile: nothing to mark
                    film.missing = not present[film_id]
    return [film_id for film_id, ok in present.items() if not ok]


def relink(lib: Library, film_ref, new_path: Path | str, cancel: CancelToken | None = None) -> int:
    """Point a film at its moved file. The content must be the same (same sha256)."""
    new_path = Path(new_path).expanduser().absolute()
    if not new_path.is_file():
        raise BadInput(f"{new_path}: file not found")
    with lib.read() as s:
        film = lookup.film(s, film_ref)
        film_id, expected, title = film.id, film.sha256, film.title
    try:
        actual = hash_file(new_path, cancel=cancel)
    except OSError as exc:
        raise StorageError(f"{new_path}: cannot be read ({exc.strerror})") from exc
    if actual != expected:
        raise BadInput(
            f"{new_path}: not the same file as film {title!r} (its content differs); "
            "import it as a new film instead"
        )
    with lib.op(f"Relink {title}") as s:
        film = lookup.by_id(s, Film, film_id)
        inside = new_path.is_relative_to(lib.root)
        film.path = str(new_path.relative_to(lib.root)) if inside else str(new_path)
        film.linked = not inside
        film.missing = False
    return film_id


def rename(lib: Library, film_id: int, title: str) -> None:
    title = title.strip()
    if not title:
        raise BadInput("film title '': a film needs a title")
    with lib.op("Rename film") as s:
        lookup.by_id(s, Film, film_id).title = title


def set_event(lib: Library, film_id: int, event: str | None) -> None:
    with lib.op("Move film to event") as s:
        film = lookup.by_id(s, Film, film_id)
        film.event = events.get_or_create(s, event) if event else None
