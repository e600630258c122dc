"""Noticing that another process changed the library: the command line, a second window, a
presentation on another laptop sharing the folder. Views otherwise only hear of this
window's own operations, so a person added or withdrawn from the command line would not show
(and the People panel would say every reel is fine when one is not).

SQLite's ``PRAGMA data_version`` on a connection of our own changes whenever any *other*
connection commits. Our own operations commit on other connections too, so after each of
them (the library tells its listeners) the version is read again: only what is left is news.
A commit from outside landing in the instant between ours and that read is taken for ours; the
next outside change brings the view up to date.

A team library (PostgreSQL): the other computers' notices, heard on a connection of our own
(``app.team.notices``); ``fileno`` lets a window wake the moment one arrives.
"""

from __future__ import annotations

import sqlite3
import threading

from app import db
from app.changes import Changes
from app.library import Library
from app.team import notices


class OutsideChanges:
    def __init__(self, lib: Library) -> None:
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._listener: notices.Listener | None = None
        path = db.sqlite_file(lib.url)
        if lib.team:
            self._listener = notices.Listener(lib.engine, lib.instance)
        elif path is not None and path.exists():
            try:
                self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=1)
                self._version = self._read()
            except sqlite3.Error:
                self._conn = None
        self._unsubscribe = lib.subscribe(self._ours)

    @property
    def watching(self) -> bool:
        return self._conn is not None or self._listener is not None

    def fileno(self) -> int | None:
        """A socket that becomes readable when news arrives (a team library), else None."""
        return self._listener.fileno() if self._listener is not None else None

    def _read(self) -> int | None:
        try:
            return self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None

    def _ours(self, _changes: Changes) -> None:
        """Called on whatever thread committed: that commit is not news."""
        with self._lock:
            if self._conn is not None:
                self._version = self._read()

    def poll(self) -> bool:
        """Whether someone else committed since the last look."""
        with self._lock:
            if self._listener is not None:
                return bool(self._listener.news())
            if self._conn is None:
                return False
            version = self._read()
            news = version is not None and version != self._version
            self._version = version
            return news

    def close(self) -> None:
        self._unsubscribe()
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._listener is not None:
                self._listener.close()
                self._listener = None
