"""The one import pipeline: the command line, the window and bundles bring films in through it.

Every import goes through the same stages:

1. **Check** (``_check``): probe the file (a refused file fails here, with nothing written) and
   recognise content already in the library (said at once, not after hashing it all again).
2. **Hash and analyse** (``content.hash_and_analyse``): hash (and copy) the file on one core
   while the other makes its thumbnails and waveform and reads its exact timing.
3. **Place** (``placing.place``): rename the cache and the copy into the library, where they go
   written down first, then one database change records the film.

The command line runs the stages back to back for each file (``import_files``): a film is all
in or not at all. The window splits them so a dropped film is playable and markable at once,
whatever its length (``register``, then ``complete`` in the background): the film is added
pointing at its source file, marked as still importing (``Film.import_state``: "copy" or
"link"; its ``sha256`` is a provisional ``pending-…`` key), its thumbnails are written where
the timeline reads them as they arrive, and when all is in place one database change gives it
its content hash and its managed copy. A crash between the two leaves the film registered:
``pending`` lists such films and the app completes them on its next start. Bundles stage each
film with ``stage`` and place all of them in one change (``app.bundles.bundle_import``).
"""

from __future__ import annotations

import shutil
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sqlalchemy import select

from app import texts
from app.films import events, placing
from app.films.content import PENDING, film_facts, hash_and_analyse, same_content
from app.films.import_order import expand_and_order, recorded_fields, refusals
from app.library import Library
from app.models import Film
from media.errors import BadInput, ProtoReelError, StorageError
from media.jobs import CancelToken, ProgressFn, no_progress, sub_progress
from media.oslayer import stored_path
from media.reading.probe import MediaInfo, probe, probe_quick
from media.reading.recorded_time import recorded_time

AT_ONCE = 2  # films imported at the same time (two cores)
# A long film's full probe reads every packet (seconds for hours of film): above this size a
# registered film opens from its header and first packets; the exact facts come with its
# thumbnails (the pass over every packet), when the import completes.
QUICK_ABOVE_BYTES = 100 << 20
# Two imports of the same content at once (two commands, a bundle beside a drop): the second
# to record finds the first.
ONE_RECORD_AT_A_TIME = threading.Lock()


@dataclass
class ImportResult:
    source: Path
    film_id: int | None = None
    existed: bool = False  # the same content was already in the library
    error: str | None = None  # why the file was refused (None: imported)
    note: str = ""  # where a film already in the library is (it joined the event, or stayed in its own)
    warnings: list[str] = field(default_factory=list)  # what of the film is damaged and how it is kept


@dataclass
class Staged:
    """A film hashed and analysed in its own work folder, ready to be placed."""

    work: Path
    sha: str
    info: MediaInfo

    @property
    def cache(self) -> Path:
        return self.work / "cache"

    def copy(self, link: bool) -> Path | None:
        return None if link else self.work / "media"


# -- stages shared by every way in ------------------------------------------------------------
def _check(lib: Library, source: Path, cancel: CancelToken | None, quick: bool = True) -> tuple[MediaInfo, int | None]:
    """The file's facts (refused: ``BadInput``, nothing written) and the film already holding
    its content, if any."""
    info = probe_quick(source, cancel) if quick else probe(source, cancel)
    return info, same_content(lib, source, info.size_bytes)


def _found(lib: Library, source: Path, film_id: int) -> ImportResult:
    """Content already in the library. On a team library whose film this computer cannot
    reach in the shared media folder (a second computer, the film's copy not there), this
    computer plays the film from this file from now on: kept on this computer only."""
    result = ImportResult(source, film_id, existed=True)
    if lib.team:
        with lib.read() as s:
            film = s.get(Film, film_id)
            sha = film.sha256 if film is not None and not lib.film_path(film).is_file() else None
        if sha is not None and not sha.startswith(PENDING):
            lib.machine.play_here(sha, source)
            lib.found_here({film_id: False})
            result.note = "not in the shared media folder on this computer: played here from this file"
    return result


def work_folder(lib: Library, name: str) -> Path:
    """A new work folder under ``.tmp/`` for one film, naming it (``name``) so that a cut-short
    import can be named to the user by the next command."""
    work = lib.work_dir("import")
    placing.note_source(work, Path(name))
    return work


def stage(lib: Library, info: MediaInfo, link: bool, progress: ProgressFn, cancel: CancelToken,
          work: Path | None = None) -> Staged:
    """Hash (and copy into the work folder, unless ``link``) and analyse one film, in ``work``
    (default: a new work folder named after the file)."""
    work = work or work_folder(lib, info.path.name)
    try:
        (work / "cache").mkdir()
        sha, info = hash_and_analyse(info, work, work / "cache", link, progress, cancel)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Staged(work, sha, info)


def _new_film(lib: Library, s, info: MediaInfo, event: str | None, **fields) -> Film:
    film = Film(title=texts.from_file_name(info.path.stem), original_name=info.path.name, **film_facts(info),
                **recorded_fields(info.recorded or recorded_time(info.path)), **fields)
    if event:
        film.event = events.get_or_create(s, event)
    s.add(film)
    s.flush()
    return film


def join_event(lib: Library, results: list[ImportResult], event: str | None) -> list[ImportResult]:
    """Films found already in the library while importing into ``event`` join it if they are in
    none (one undoable step), or stay in their own; each result says which."""
    known = [r for r in results if r.existed and r.film_id is not None]
    if event and known:
        notes = events.adopt(lib, [r.film_id for r in known], event)
        for r in known:
            r.note = notes.get(r.film_id, "")
    return results


def _check_event(event: str | None) -> None:
    if event is not None and not event.strip():
        raise BadInput("event '': an event needs a name (or leave it out)")


# -- the command line: each film all in or not at all -----------------------------------------
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
    _check_event(event)
    refused, sources = _refuse_and_expand(lib, list(sources))
    if not sources:
        return refused
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
    return refused + join_event(lib, results, event)


def _refuse_and_expand(lib: Library, given: list) -> tuple[list[ImportResult], list[Path]]:
    """A library (this one or another) or its insides, and a folder with no films, are refused
    as a whole (one result each); the rest is expanded into the files to import."""
    refused = refusals(given, lib.root)
    skip = {path for path, _ in refused}
    keep = [p for p in given if Path(p).expanduser().absolute() not in skip]
    return [ImportResult(path, error=reason) for path, reason in refused], expand_and_order(keep)


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
    # The header and first packets; the exact length and frame count come with the thumbnails.
    info, existing = _check(lib, source, cancel)
    if existing is not None:
        progress(1.0, "already in the library")
        return _found(lib, source, existing)
    staged = stage(lib, info, link, progress, cancel)
    try:
        if before_commit is not None:
            before_commit()  # the files before it in its batch are in (or refused) first
        with ONE_RECORD_AT_A_TIME:
            with lib.read() as s:
                existing = s.scalars(select(Film.id).where(Film.sha256 == staged.sha)).first()
            if existing is not None:
                return _found(lib, source, existing)
            cancel.check()
            film_id = _record(lib, staged, link, event)
        progress(1.0, "done")
        return ImportResult(source, film_id, warnings=list(staged.info.warnings))
    finally:
        shutil.rmtree(staged.work, ignore_errors=True)


def _record(lib: Library, staged: Staged, link: bool, event: str | None) -> int:
    info = staged.info
    copy, placed = placing.place(lib, staged.work, staged.sha, staged.cache, staged.copy(link), info.path)
    try:
        path = lib.shared_path(info.path if link else copy)
        if path is None:
            # Linked on a team library from outside the shared folder: this computer plays it
            # from there; the others see it missing until they import or relink their own copy.
            lib.machine.play_here(staged.sha, info.path)
            path = ""
        elif lib.team:
            # In the shared folder now: played from there, not from a file this computer once had.
            lib.machine.forget(staged.sha)
        with lib.op(f"Import {info.path.name}") as s:
            return _new_film(lib, s, info, event, path=path, linked=link, sha256=staged.sha).id
    except BaseException:
        placing.remove(placed)
        raise


# -- the window: playable at once, completed in the background --------------------------------
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
    # A long film opens at once from its header and first packets; ``complete`` corrects the facts.
    quick = source.is_file() and source.stat().st_size > QUICK_ABOVE_BYTES
    info, existing = _check(lib, source, cancel, quick=quick)
    if existing is not None:
        return _found(lib, source, existing)
    key = PENDING + uuid.uuid4().hex
    path = stored_path(source)
    if lib.team:
        # This computer imports it (and plays it meanwhile) from its own file: the others see it
        # importing, its file not yet in the shared folder, until it is copied there.
        lib.machine.play_here(key, source)
        path = lib.shared_path(source) or ""
    with lib.op(f"Import {source.name}") as s:
        film = _new_film(lib, s, info, event, path=path, linked=True,  # until complete: the source plays
                         sha256=key, import_state="link" if link else "copy")
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
    _check_event(event)
    results, sources = _refuse_and_expand(lib, list(sources))
    for n, source in enumerate(sources):
        cancel.check()
        sub_progress(progress, n / len(sources), (n + 1) / len(sources))(0.0, f"{Path(source).name}: checking")
        try:
            results.append(register(lib, source, event=event, link=link, cancel=cancel))
        except ProtoReelError as exc:
            results.append(ImportResult(Path(source), error=str(exc)))
    progress(1.0, "")
    return join_event(lib, results, event)


def pending(lib: Library) -> list[int]:
    """Films registered but not yet complete (an import running, or cut short by a crash)."""
    with lib.read() as s:
        films = s.scalars(select(Film).where(Film.import_state.is_not(None)).order_by(Film.id))
        # A team library: only this computer's (the others' files are on their computers).
        return [f.id for f in films if not lib.team or lib.machine.local_file(f.sha256) is not None]


def complete(
    lib: Library,
    film_id: int,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """The rest of the pipeline for one registered film. Cancelled or failed, the film stays
    registered and importing (it is completed on the next start); nothing it had is lost."""
    cancel = cancel or CancelToken()
    with lib.read() as s:
        film = s.get(Film, film_id)
        if film is None or film.import_state is None:
            return ImportResult(Path(film.path) if film else Path(), film_id, existed=film is not None)
        source, key, link = lib.film_path(film), film.sha256, film.import_state == "link"
    if not source.is_file():
        raise BadInput(f"{source}: file not found; the film stays in the library as it was "
                       "imported so far (reconnect the drive or relink it)")
    progress(0.0, "checking")
    info = probe_quick(source, cancel)  # the exact facts follow, beside the thumbnails
    # Written where the timeline reads them as they arrive: the cache of the provisional key.
    cache = lib.cache_dir(key)
    shutil.rmtree(cache, ignore_errors=True)  # a run cut short: start again
    cache.mkdir(parents=True)
    work = lib.work_dir("import")
    try:
        sha, info = hash_and_analyse(info, work, cache, link, progress, cancel)
        cancel.check()
        with ONE_RECORD_AT_A_TIME:
            _finish(lib, film_id, Staged(work, sha, info), cache, link)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    progress(1.0, "done")
    return ImportResult(source, film_id, warnings=list(info.warnings))


def _finish(lib: Library, film_id: int, staged: Staged, cache: Path, link: bool) -> None:
    info = staged.info
    with lib.read() as s:
        film = s.get(Film, film_id)
        if film is None:  # the import was undone meanwhile: keep nothing
            shutil.rmtree(cache, ignore_errors=True)
            return
        key, path = film.sha256, film.path
        other = s.scalars(select(Film.id).where(Film.sha256 == staged.sha)).first()
    if other is not None:
        raise StorageError(f"{info.path.name}: the same content was imported meanwhile (film {other}); "
                           "this copy stays linked to its file")
    copy, placed = placing.place(lib, staged.work, staged.sha, cache, staged.copy(link), info.path)
    if lib.team and copy is None and not path:
        # Linked from outside a team's shared folder: this computer's own file, by its content now.
        lib.machine.play_here(staged.sha, info.path)
    try:
        with lib.op(f"Finish importing {info.path.name}", undoable=False) as s:
            film = s.get(Film, film_id)
            _keep_marks_on_their_frames(film, film.start_us - info.start_us)
            for name, value in film_facts(info).items():
                setattr(film, name, value)
            film.sha256 = staged.sha
            film.import_state = None
            if copy is not None:
                film.path = lib.shared_path(copy)
                film.linked = False
    except BaseException:
        placing.remove(placed)
        raise
    if lib.team:
        lib.machine.forget(*((key, staged.sha) if copy is not None else (key,)))


def _keep_marks_on_their_frames(film: Film, moved_us: int) -> None:
    """A film registered by an earlier version and finished by this one may have another zero
    (its first picture, where unmarked AAC priming comes first: ``media.reading.packet_timing``).
    What was marked on it while it imported keeps its place in the file, so its frames."""
    if not moved_us:
        return
    for clip in film.clips:
        clip.start_us = max(clip.start_us + moved_us, 0)
        clip.end_us = max(clip.end_us + moved_us, clip.start_us + 1)
        clip.version += 1  # an edit made from the older reading is refused, not written over
    for appearance in film.appearances:
        for stretch in appearance.ranges:
            stretch.start_us = max(stretch.start_us + moved_us, 0)
            stretch.end_us = max(stretch.end_us + moved_us, stretch.start_us + 1)
