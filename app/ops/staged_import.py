"""Import in two stages, so a dropped film is playable and markable at once, whatever its length.

1. ``register``: probe the file (nothing written if it is refused), recognise content already
   in the library, and add the film pointing at its source file, marked as still importing
   (``Film.import_state``: "copy" or "link"; its ``sha256`` is a provisional ``pending-…`` key).
2. ``complete``: hash (and copy), thumbnails and waveform, written where the timeline can read
   them as they arrive (the cache folder of the provisional key); then, in one database change,
   the film gets its real content hash, its managed copy and ``import_state`` None.

A crash between the stages leaves the film registered and importing: ``pending`` lists such
films and the app completes them on its next start (from the beginning: the half-made cache is
cleared). The library never shows a film as complete before everything is in place; a refused
file leaves the library exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import select

from app.library import Library
from app.models import Film
from app.ops import events
from app.ops import films
from app.ops.films import ImportResult, film_facts, hash_and_analyse, managed_name
from media.errors import BadInput, ProtoReelError, StorageError
from media.files import hash_file, storage_error
from media.jobs import CancelToken, ProgressFn, no_progress, sub_progress
from media.probe import MediaInfo, probe, probe_quick
from media.recorded_time import recorded_time
from app.ops.import_order import expand_and_order, recorded_fields

PENDING = "pending-"
SAMPLE = 1 << 20  # bytes read at each of three places to recognise content quickly


def register(
    lib: Library,
    source: Path | str,
    event: str | None = None,
    link: bool = False,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Probe and add the film (importing). A file whose content is already in the library
    returns that film (``existed``); a refused file raises ``BadInput`` and changes nothing."""
    source = Path(source).expanduser().absolute()
    # A long film opens at once from its header and first packets; ``complete`` probes it
    # fully and corrects the facts.
    quick = source.is_file() and source.stat().st_size > films.QUICK_ABOVE_BYTES
    info = probe_quick(source, cancel) if quick else probe(source, cancel)
    same = same_content(lib, source, info.size_bytes)
    if same is not None:
        return ImportResult(source, same, existed=True)
    with lib.op(f"Import {source.name}") as s:
        film = Film(
            title=source.stem,
            path=str(source),
            linked=True,  # until complete: the source is what plays
            original_name=source.name,
            sha256=PENDING + uuid.uuid4().hex,
            import_state="link" if link else "copy",
            **film_facts(info),
            **recorded_fields(info.recorded or recorded_time(source)),
        )
        if event:
            film.event = events.get_or_create(s, event)
        s.add(film)
        s.flush()
        return ImportResult(source, film.id)


def register_files(
    lib: Library,
    sources: list[Path | str],
    event: str | None = None,
    link: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> list[ImportResult]:
    """Register each file (a folder: the films inside it, in the order they were recorded);
    a refused one is reported (``error``) and the batch goes on."""
    cancel = cancel or CancelToken()
    sources = expand_and_order(list(sources))
    results = []
    for n, source in enumerate(sources):
        cancel.check()
        sub_progress(progress, n / len(sources), (n + 1) / len(sources))(0.0, f"{Path(source).name}: checking")
        try:
            results.append(register(lib, source, event=event, link=link, cancel=cancel))
        except ProtoReelError as exc:
            results.append(ImportResult(Path(source), error=str(exc)))
    progress(1.0, "")
    return films.join_event(lib, results, event)


def fingerprint(path: Path, size: int) -> str:
    """A quick content check: the size and 1 MiB from the start, middle and end."""
    sha = hashlib.sha256(str(size).encode())
    with open(path, "rb") as fh:
        for offset in sorted({0, max(size // 2 - SAMPLE // 2, 0), max(size - SAMPLE, 0)}):
            fh.seek(offset)
            sha.update(fh.read(SAMPLE))
    return sha.hexdigest()


def same_content(lib: Library, source: Path, size: int) -> int | None:
    """The film already holding this content, if any (also one still importing). Files of
    the same size whose samples match are hashed in full to be sure."""
    with lib.read() as s:
        candidates = [(f.id, lib.film_path(f), f.sha256) for f in
                      s.scalars(select(Film).where(Film.size_bytes == size))]
    if not candidates:
        return None
    mine = fingerprint(source, size)
    full = None
    for film_id, path, sha in candidates:
        try:
            if fingerprint(path, size) != mine:
                continue
            full = full or hash_file(source)
            theirs = hash_file(path) if sha.startswith(PENDING) else sha
        except OSError:
            continue  # their file is missing: it cannot be compared
        if theirs == full:
            return film_id
    return None


def pending(lib: Library) -> list[int]:
    """Films registered but not yet complete (an import running, or cut short by a crash)."""
    with lib.read() as s:
        return list(s.scalars(select(Film.id).where(Film.import_state.is_not(None)).order_by(Film.id)))


def complete(
    lib: Library,
    film_id: int,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Stage 2 for one registered film. Cancelled or failed, the film stays registered and
    importing (it is completed on the next start); nothing it had is lost."""
    cancel = cancel or CancelToken()
    with lib.read() as s:
        film = s.get(Film, film_id)
        if film is None or film.import_state is None:
            return ImportResult(Path(film.path) if film else Path(), film_id, existed=film is not None)
        source, key, link = Path(film.path), film.sha256, film.import_state == "link"
    if not source.is_file():
        raise BadInput(f"{source}: file not found; the film stays in the library as it was "
                       "imported so far (reconnect the drive or relink it)")
    progress(0.0, "checking")
    info = probe_quick(source, cancel)  # the exact facts follow, beside the thumbnails
    cache = lib.cache_dir(key)
    shutil.rmtree(cache, ignore_errors=True)  # a run cut short: start again
    cache.mkdir(parents=True)
    work = lib.work_dir("import")
    try:
        sha, info = hash_and_analyse(info, work, cache, link, progress, cancel)
        cancel.check()
        _finish(lib, film_id, info, key, sha, work, link)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(1.0, "done")
    return ImportResult(source, film_id)


def _finish(lib: Library, film_id: int, info: MediaInfo, key: str, sha: str, work: Path, link: bool) -> None:
    with lib.read() as s:
        if s.get(Film, film_id) is None:  # the import was undone meanwhile: keep nothing
            shutil.rmtree(lib.cache_dir(key), ignore_errors=True)
            return
        other = s.scalars(select(Film.id).where(Film.sha256 == sha)).first()
    if other is not None:
        raise StorageError(f"{info.path.name}: the same content was imported meanwhile (film {other}); "
                           "this copy stays linked to its file")
    cache_dest = lib.cache_dir(sha)
    media_dest = lib.media_dir / managed_name(sha, info.path)
    try:
        if cache_dest.exists():  # left by an import that was undone
            shutil.rmtree(cache_dest)
        os.replace(lib.cache_dir(key), cache_dest)
        if not link:
            os.replace(work / "media", media_dest)
    except OSError as exc:
        raise storage_error(exc, media_dest) from exc
    with lib.op(f"Finish importing {info.path.name}", undoable=False) as s:
        film = s.get(Film, film_id)
        for name, value in film_facts(info).items():
            setattr(film, name, value)
        film.sha256 = sha
        film.import_state = None
        if not link:
            film.path = str(media_dest.relative_to(lib.root))
            film.linked = False
