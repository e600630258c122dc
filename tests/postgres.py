"""The tests' PostgreSQL databases, when ``PROTOREEL_TEST_POSTGRES`` names a server (the URL of
its maintenance database, as ``scripts/test-postgres.sh start`` prints it).

Every library a test opens gets a database of its own, empty and at the newest schema, as a
new library would: databases are made once (from a migrated template) and handed out again
after their test, emptied (``DELETE`` and sequences restarted: ids start at 1 again).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

SERVER_ENV = "PROTOREEL_TEST_POSTGRES"


def server_url() -> str | None:
    return os.environ.get(SERVER_ENV) or None


def work_folder(root: Path) -> Path:
    """Where a library folder's half-done work goes (``Library.tmp_dir``): a team library's is
    this computer's own."""
    if not on_postgres():
        return Path(root) / ".tmp"
    from app.team.machine import machine_name

    return Path(root) / f".tmp-{machine_name()}"


def on_postgres() -> bool:
    """This run puts every library on PostgreSQL (no ``library.db`` in their folders)."""
    return server_url() is not None


class Databases:
    def __init__(self, server: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self._url = make_url(server)
        self._admin = psycopg.connect(self._conninfo("postgres"), autocommit=True)
        self._free: list[str] = []
        self._count = 0
        self._lock = threading.Lock()
        self.by_root: dict[Path, str] = {}
        # Named after this run: two runs on one server (two checkouts) never touch each other's.
        self._prefix = f"protoreel_test_{os.getpid()}_"
        self._template = self._prefix + "template"
        self._make_template()

    def _conninfo(self, name: str) -> str:
        q = self._url.query
        return f"host={q.get('host', '')} port={q.get('port', 5432)} user={self._url.username or 'postgres'} dbname={name}"

    def url(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)

    def _make_template(self) -> None:
        from app import db

        self._admin.execute(f"CREATE DATABASE {self._template}")
        engine = db.open_engine(self.url(self._template))  # every migration, as a new library runs them
        engine.dispose()

    def _reset(self, name: str) -> None:
        import psycopg
        from app.models import Base

        with psycopg.connect(self._conninfo(name), autocommit=True) as conn:
            conn.execute("SET lock_timeout = '5s'")
            seqs = [r[0] for r in conn.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
            statements = [f"DELETE FROM {t.name}" for t in reversed(Base.metadata.sorted_tables)]
            statements += [f"ALTER SEQUENCE {s} RESTART" for s in seqs]
            try:
                with conn.transaction():
                    conn.execute("; ".join(statements))
            except psycopg.errors.LockNotAvailable:
                # A library a test left open, in a transaction: end its connections, then again.
                self._admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
                with conn.transaction():
                    conn.execute("; ".join(statements))

    def take(self) -> str:
        """The URL of an empty database at the newest schema."""
        with self._lock:
            if self._free:
                name = self._free.pop()
                self._reset(name)
            else:
                self._count += 1
                name = f"{self._prefix}{self._count}"
                self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {self._template}")
            return self.url(name)

    def empty(self) -> str:
        """The URL of a new database with nothing in it, not even the schema (dropped at close)."""
        with self._lock:
            self._count += 1
            name = f"{self._prefix}empty_{self._count}"
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.url(name)

    def for_root(self, root: Path | str) -> str:
        """The database of the library folder ``root`` (the same folder, the same database)."""
        root = Path(root).expanduser().resolve()
        with self._lock:
            found = self.by_root.get(root)
        if found is None:
            found = self.take()
            with self._lock:
                self.by_root[root] = found
        return found

    def copy(self, source: Path | str, target: Path | str) -> None:
        """The library folder ``source`` copied to ``target``: its database copied too."""
        from sqlalchemy.engine import make_url

        name = make_url(self.for_root(source)).database
        with self._lock:
            self._count += 1
            new = f"{self._prefix}{self._count}"
        self._admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        self._admin.execute(f"CREATE DATABASE {new} TEMPLATE {name}")
        with self._lock:
            self.by_root[Path(target).expanduser().resolve()] = self.url(new)

    def give_back(self, under: Path) -> None:
        """Databases of the folders under ``under`` (a test's tmp_path) are free again."""
        from sqlalchemy.engine import make_url

        under = Path(under).resolve()
        with self._lock:
            for root in [r for r in self.by_root if r.is_relative_to(under)]:
                self._free.append(make_url(self.by_root.pop(root)).database)

    def give_back_url(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        with self._lock:
            self._free.append(make_url(url).database)

    def close(self) -> None:
        """Every database of this run goes (libraries left open lose their connections)."""
        for (name,) in self._admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                           (self._prefix.replace("_", "\\_") + "%",)).fetchall():
            try:
                self._admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            except Exception:  # noqa: BLE001 - a throwaway server: what stays goes with it
                pass
        self._admin.close()
