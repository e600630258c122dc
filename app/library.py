"""The Library facade: the one way to open, read and change a library.

A library is a folder::

    library.db     SQLite (the embedded default; a SQLAlchemy URL can replace it)
    media/         films the library manages (copied in on import)
    cache/<sha>/   thumbnails and waveform peaks of each film, by content hash
    exports/       reels and reports written by default
    .tmp/          half-written files; emptied at open

Only its owner may read it: folders 700, the database 600 (``app.private_files``).

A team library (``team``) is a PostgreSQL database instead of ``library.db``, and the folder is
the team's shared media folder as this computer reaches it (its media root, ``app.team``): film
paths are stored relative to it with ``/``; whether a film's file is missing is this computer's
own finding (``missing``), never written to the shared database; half-done work goes to
``.tmp-<this computer>``; every change tells the other computers (``app.team.notices``).

Changes happen inside ``with lib.op("Add clip") as s:``: one transaction, committed at once,
journalled for undo, and reported to every subscriber as a ``Changes``. Writes are
serialised by a lock so that worker threads can call ops too; only ids cross threads.
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm import Session

from app import db, private_files
from app.codebook import default as default_codebook
from app.ways_out import known_libraries
from app.changes import Changes
from media.errors import BadInput
from app.models import Film, LibraryMeta
from app import model_rules  # noqa: F401 - the rules every row obeys, on every library
from media.export import leftovers
from media.files import pid_alive
from app.undo import JOURNAL_KEY, Step, UndoStack, apply_redo, apply_undo
from app.library_place import default_library_dir  # noqa: F401 - here too, as it always was
from app.team import notices
from app.team.machine import MachineSettings, machine_name
from media.oslayer import stored_path

Listener = Callable[[Changes], None]


class Library:
    def __init__(self, root: Path, url: str | None = None) -> None:
        self.root = Path(root).expanduser().resolve()
        self.url = url or os.environ.get("PROTOREEL_DATABASE_URL") or db.sqlite_url(self.root / "library.db")
        if any(not ch.isprintable() for ch in str(self.root)):
            raise BadInput(f"library folder {str(self.root)!r}: a library's path cannot hold control characters "
                           "(line breaks, tabs...)")
        self.team = db.is_shared(self.url)
        # A team library: this computer's own settings, and its own findings of missing files.
        self.machine = MachineSettings(self.url) if self.team else None
        self._missing_here: dict[int, bool] = {}
        # Checked, and made if new, before anything else: a folder that is not (and cannot become)
        # a library is refused with nothing made or changed in it.
        if self.team:
            # A team's shared folder keeps the access the team gave it; what is new here is private.
            made = private_files.prepare_shared(self.root, [self.media_dir, self.root / "cache", self.exports_dir,
                                                            self.tmp_dir])
        else:
            # Another program's library.db (here, or where the URL points): its folder is not ours to tighten.
            for url in dict.fromkeys([self.url, db.sqlite_url(self.root / "library.db")]):
                db.refuse_someone_elses(url)
            made = private_files.prepare(self.root, db.sqlite_file(self.url))
        # Imports a crash or kill cut short: rolled back here (see app/films/placing.py).
        self.interrupted_imports: list[str] = []
        placed = self._clear_tmp()
        leftovers.clear_dead_system_exports()
        try:
            self.engine = db.open_engine(self.url)
        except BaseException:
            private_files.unmake(made)  # a new library whose database cannot be used leaves nothing
            raise
        self._sessions = db.session_factory(self.engine)
        self._lock = threading.RLock()
        self.instance = uuid.uuid4().hex  # this opening of the library, in its change notices
        self.undo_stack = UndoStack()
        self._listeners: list[Listener] = []
        self._first_open()
        if placed:
            from app.films import placing

            placing.remove_unrecorded(self, placed)
        known_libraries.remember(self.root)

    @classmethod
    def open(cls, root: Path | str | None = None, url: str | None = None) -> "Library":
        return cls(Path(root) if root else default_library_dir(), url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- folders -------------------------------------------------------------------------
    @property
    def media_dir(self) -> Path:
        return self.root / "media"

    @property
    def tmp_dir(self) -> Path:
        # In a shared folder each computer clears only its own half-done work (by process id).
        return self.root / f".tmp-{machine_name()}" if self.team else self.root / ".tmp"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    def cache_dir(self, sha256: str) -> Path:
        return self.root / "cache" / sha256

    def film_path(self, film: Film) -> Path:
        """Where the film's file should be: managed paths are relative to the library (a team
        library's: to this computer's media root), unless this computer plays it from its own."""
        own = self.machine.local_file(film.sha256) if self.machine is not None else None
        if own is not None:
            return own
        path = Path(film.path)
        return path if path.is_absolute() else self.root / path

    def missing(self, film: Film) -> bool:
        """Whether the film's file is missing. A team library: on this computer (each computer
        finds out for itself, ``app.films.films.check_missing``); else as last recorded."""
        if not self.team:
            return film.missing
        if film.id not in self._missing_here:
            self._missing_here[film.id] = not self.film_path(film).is_file()
        return self._missing_here[film.id]

    def found_here(self, missing: dict[int, bool]) -> None:
        """This computer's findings (film id -> missing) for a team library; views are told."""
        flips = [i for i, gone in missing.items() if self._missing_here.get(i) != gone]
        self._missing_here.update(missing)
        if flips:
            self._notify(Changes("Check for missing files", {"films": frozenset(flips)}))

    def shared_path(self, path: Path) -> str | None:
        """How a film's file at ``path`` is written in the database: relative to the library
        with ``/`` when inside it, else absolute; on a team library a file outside the shared
        folder is None: one computer's path means nothing to the others, so this computer
        keeps it (``machine``) and the database none."""
        path = Path(path).absolute()
        for candidate in (path, path.resolve()):
            if candidate.is_relative_to(self.root):
                return stored_path(candidate.relative_to(self.root))
        return None if self.team else stored_path(path)

    def work_dir(self, purpose: str) -> Path:
        """A fresh folder under ``.tmp/`` for half-done work, named after this process so
        that another process opening the library (the CLI beside the app) leaves it alone."""
        return Path(tempfile.mkdtemp(prefix=f"{purpose}-{os.getpid()}-", dir=self.tmp_dir))

    def _clear_tmp(self) -> list[dict]:
        """Clear what a crashed or killed process left half-done (work of live processes
        stays); return the notes of imports killed while placing their files."""
        placed = []
        for child in self.tmp_dir.iterdir():
            owner = child.name.split("-")[1] if child.name.count("-") >= 2 else ""
            if owner.isdigit() and pid_alive(int(owner)):
                continue
            try:
                if child.is_dir() and child.name.startswith("import-"):
                    from app.films import placing

                    name = placing.film_name(child)  # (a film registered in the app resumes there)
                    if name is not None:
                        self.interrupted_imports.append(name)
                    placed += placing.read_note(child)
                if child.is_dir():
                    # A killed export's folder also names its hidden partial file beside the target.
                    leftovers.clear_work_dir(child)
                else:
                    child.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only library: what is left stays until it can be cleared
        return placed

    # -- reading and changing ------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def op(self, name: str, undoable: bool = True) -> Iterator[Session]:
        """One change: commit at once, journal it for undo, report it to subscribers."""
        with self._lock:
            journal: list = []
            with self._sessions() as session:
                session.info[JOURNAL_KEY] = journal
                try:
                    # The write lock: BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL.
                    session.connection(execution_options=db.WRITE)
                    yield session
                    if self.team:
                        session.flush()
                        notices.announce(session.connection(), self.instance, Step(name, journal).changes())
                    session.commit()
                except (IntegrityError, StaleDataError) as exc:
                    session.rollback()
                    # Another window or command made the same thing a moment before us.
                    raise BadInput(f"{name}: another window or command changed the same thing at the same "
                                   "moment; nothing was changed, look again and retry") from exc
                except DBAPIError as exc:
                    session.rollback()
                    raise db.explain(exc) from exc
                except BaseException:
                    session.rollback()
                    raise
            step = Step(name, journal)
            if undoable:
                self.undo_stack.push(step)
            else:
                self.undo_stack.absorb(step)
        self._notify(step.changes())

    def undo(self) -> Changes:
        with self._lock:
            step = self.undo_stack.take_undo()
            self._apply(step, apply_undo)
            self.undo_stack.mark_undone()
        changes = step.changes(f"Undo {step.name}")
        self._notify(changes)
        return changes

    def redo(self) -> Changes:
        with self._lock:
            step = self.undo_stack.take_redo()
            self._apply(step, apply_redo)
            self.undo_stack.mark_redone()
        changes = step.changes(f"Redo {step.name}")
        self._notify(changes)
        return changes

    def _apply(self, step: Step, apply) -> None:
        """Undo or redo ``step`` in one write transaction. If another process has since changed
        what the step touched, ``apply`` refuses (``UndoConflict``), nothing is written, and the
        step leaves the history: it can no longer be undone without undoing their work."""
        from app.undo import UndoConflict

        try:
            with self.engine.connect().execution_options(**db.WRITE) as conn, conn.begin():
                apply(conn, step)
                if self.team:
                    notices.announce(conn, self.instance, step.changes())
        except UndoConflict:
            self.undo_stack.drop(step)
            raise
        except IntegrityError as exc:
            self.undo_stack.drop(step)
            raise UndoConflict(f"Cannot {'undo' if apply is apply_undo else 'redo'} {step.name}: another window "
                               "or command has changed the same things since; nothing was changed") from exc
        except DBAPIError as exc:
            raise db.explain(exc) from exc

    @property
    def undo_name(self) -> str | None:
        return self.undo_stack.undo_name

    @property
    def redo_name(self) -> str | None:
        return self.undo_stack.redo_name

    # -- change reports ------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self, changes: Changes) -> None:
        if changes.empty:
            return
        for listener in list(self._listeners):
            listener(changes)

    # -- meta ----------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        with self.read() as s:
            row = s.get(LibraryMeta, key)
            return row.value if row else None

    def _first_open(self) -> None:
        if self.meta("codebook_loaded") is None:
            with self.op("Load default codebook", undoable=False) as s:
                if s.get(LibraryMeta, "codebook_loaded") is None:  # another process may have, meanwhile
                    default_codebook.load_default(s)
                    s.add(LibraryMeta(key="codebook_loaded", value="default"))
