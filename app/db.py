"""Engine and sessions. SQLite (WAL, foreign keys on) by default; PostgreSQL for a team library.

The schema is owned by Alembic migrations in ``app/migrations``; ``open_engine`` brings any
library up to the newest schema before it is used. Every write transaction (``WRITE``) holds
the library's one write lock from its first statement: ``BEGIN IMMEDIATE`` on SQLite, the
transaction-level advisory lock ``WRITE_LOCK`` on PostgreSQL. So a check-then-insert in one
process cannot interleave with another process's (the app and the command line on one library,
several facilitators on a team library), a stale read never meets a write half-way, and two
clients migrating a new database at once take turns: the second finds it done. On PostgreSQL
each statement of a write transaction (read committed) sees everything committed before the
lock was granted, as on SQLite.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from media import oslayer
from media.errors import BadInput, ProtoReelError, StorageError

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


WRITE = {"protoreel_write": True}  # execution options of a connection that will write
# The library's write lock on PostgreSQL (an advisory lock, local to the database; any number).
WRITE_LOCK = 0x50524C57
# A writer waiting longer than this for the lock is told the library is busy (SQLite: busy_timeout).
LOCK_WAIT_MS = 15000


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # The driver's own implicit BEGIN is off; ``_sqlite_begin`` says how each transaction starts.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed edit survives a power cut, not just a crash of the app.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("protoreel_write") else "BEGIN")


def _postgresql_settings(dbapi_conn, _record) -> None:
    autocommit = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    with dbapi_conn.cursor() as cur:
        cur.execute(f"SET lock_timeout = {LOCK_WAIT_MS}")
        cur.execute("SET application_name = 'ProtoReel'")
    dbapi_conn.autocommit = autocommit


def _postgresql_begin(conn: Connection) -> None:
    # The driver began the transaction implicitly; its first statement takes the write lock.
    if conn.get_execution_options().get("protoreel_write"):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def create(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_settings)
        event.listen(engine, "begin", _postgresql_begin)
    return engine


def is_shared(url: str) -> bool:
    """A database server (a team library) rather than a SQLite file of one library folder."""
    try:
        return make_url(url).get_backend_name() != "sqlite"
    except ArgumentError:
        return False


def notify(conn: Connection, channel: str, payload: str) -> None:
    """Tell every listener on the same PostgreSQL database, when the transaction commits."""
    conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})


def connect_args(engine: Engine) -> tuple[list, dict]:
    """What the engine's driver is called with (for a listening connection of our own)."""
    return engine.dialect.create_connect_args(engine.url)


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:'([^']*)'|\"([^\"]*)\"|None)\s*$",
                       re.MULTILINE)


def head_revision() -> str | None:
    """The newest schema revision, read from the migrations' own ``revision``/``down_revision``
    lines (the one no other revises), without loading Alembic (most of a second of every start
    on a busy laptop; a library already at it needs nothing of Alembic). None when the files
    do not make one line of revisions: Alembic then decides, as before."""
    revises: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        text_of = path.read_text("utf-8")
        found = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _REVISION.finditer(text_of)}
        if "revision" not in found:
            continue
        revises[found["revision"]] = found.get("down_revision")
    heads = set(revises) - set(revises.values())
    return next(iter(heads)) if len(heads) == 1 else None


def migrate(engine: Engine, what: str = "the database") -> None:
    # One process at a time (the write lock): two opening a new library at once must not both create it.
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        tables, have = _schema_of(conn)
        _refuse_if_not_ours(tables, have, what)
        if have and have == {head_revision()}:
            return  # at the newest schema already: nothing for Alembic to do
        from alembic import command

        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def refuse_someone_elses(url: str) -> None:
    """``BadInput`` if ``url`` is a SQLite file of another program (read-only look; see below):
    asked before the library folder around it is made or tightened."""
    file = sqlite_file(url)
    if file is not None:
        _check_sqlite_file(file, f"library database {file}")


def _check_sqlite_file(file: Path, what: str) -> None:
    """Someone else's SQLite file is refused having only been read: opened read-only, its
    tables listed and, when they are not a ProtoReel library's, left with every byte as it
    was (our own connections would first switch it to WAL, which rewrites its header). Where
    it cannot be read so (a library in WAL mode on a read-only disk, a damaged file), the same
    check runs again, on the connection that migrates, and SQLite says what is wrong."""
    import sqlite3

    try:
        if file.stat().st_size == 0:
            return  # SQLite's own "new database": ours to make
        conn = sqlite3.connect(file.absolute().as_uri() + "?mode=ro", uri=True)  # file:///C:/... on Windows
    except (OSError, sqlite3.Error):
        return
    try:
        names = sorted(row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        have = ({row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
                if "alembic_version" in names else set())
    except sqlite3.Error:
        return
    finally:
        conn.close()
    _refuse_if_not_ours(names, have, what)


def _schema_of(conn: Connection) -> tuple[list[str], set[str]]:
    """The tables a database holds and the schema revisions it says it is at."""
    from sqlalchemy import inspect, text

    tables = sorted(inspect(conn).get_table_names())
    have = ({row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
            if "alembic_version" in tables else set())
    return tables, have


def _refuse_if_not_ours(tables: list[str], have: set[str], what: str) -> None:
    """``tables`` a database holds and the schema revisions it says it is at."""
    if not tables:
        return
    if "alembic_version" not in tables:
        raise BadInput(f"{what}: not a ProtoReel library (it holds other tables, such as {tables[0]!r}); "
                       "it was left as it is")
    if have and have == {head_revision()}:
        return  # the newest schema: known without loading Alembic
    from alembic.script import ScriptDirectory

    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    strange = sorted(str(h) for h in have - known)
    if strange:
        raise BadInput(f"{what}: its schema ({strange[0][:40]!r}) is not one this ProtoReel knows (made by a newer "
                       "version, or by another program); it was left as it is")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases, in-memory ones and bad URLs)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def shown(url: str) -> str:
    """The URL as it may be printed: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def open_engine(url: str) -> Engine:
    """An engine on ``url`` at the newest schema; a URL that cannot be used is ``BadInput``."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise BadInput(f"database URL {url!r}: not a database URL (for example "
                       "sqlite:////path/library.db or postgresql+psycopg://user@host/db)") from exc
    file = sqlite_file(url)
    what = f"library database {file}" if file else f"database {shown(url)}"
    if file is not None:
        _check_sqlite_file(file, what)  # before our connection's settings (WAL) write to its header
    try:
        engine = create(url)
    except NoSuchModuleError as exc:
        raise BadInput(f"database URL {shown(url)}: no such kind of database ({parsed.drivername})") from exc
    except ImportError as exc:
        raise BadInput(f"database URL {shown(url)}: its driver ({exc.name or parsed.drivername}) "
                       "is not installed") from exc
    try:
        migrate(engine, what)
    except DBAPIError as exc:
        engine.dispose()
        error = explain(exc, what, file)
        raise (error if isinstance(error, BadInput) else BadInput(str(error))) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def _read_only(file: Path | None) -> bool:
    folder = file.parent if file is not None else None
    if folder is None or not folder.is_dir():
        return False
    return oslayer.mounted_read_only(folder) or not os.access(folder, os.W_OK)


def explain(exc: DBAPIError, what: str = "the library database", file: Path | None = None) -> ProtoReelError:
    """A database error as one line a facilitator can act on."""
    reason = str(getattr(exc, "orig", exc) or exc).splitlines()[0] if str(exc) else type(exc).__name__
    low = reason.lower()
    if "unable to open" in low and _read_only(file):  # SQLite cannot make its -shm file there
        low = "read-only"
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        return BadInput(f"{what}: damaged or not a ProtoReel library ({reason}); it was left as it is")
    if "readonly" in low or "read-only" in low:
        return BadInput(f"{what}: read-only, so nothing can be saved ({reason})")
    if "unable to open" in low:
        return BadInput(f"{what}: cannot be opened (is the folder there, and yours to write?)")
    if "full" in low:
        return BadInput(f"{what}: the disk is full; free some space and try again")
    if "locked" in low or "busy" in low or "lock timeout" in low:
        return StorageError(f"{what}: busy (another window or command held it too long); try again")
    if "connection" in low and any(w in low for w in ("refused", "failed", "no such file", "timeout", "closed")):
        return StorageError(f"{what}: the database server cannot be reached ({reason}); is it running, and is "
                            "this computer on its network?")
    if "does not exist" in low and "database" in low:
        return BadInput(f"{what}: no such database on that server ({reason}); ask whoever runs it to create it")
    if "authentication" in low or "password" in low or "permission denied" in low:
        return BadInput(f"{what}: the server refused this user ({reason})")
    if "value too long" in low or "out of range" in low:  # the models' own checks come first (app.models)
        return BadInput(f"{what}: a value does not fit ({reason}); nothing was changed")
    return StorageError(f"{what}: {reason}")


def add_unique(session: Session, row, find):
    """Add ``row``; if another client added the same (by a unique constraint) a moment before,
    return theirs (``find()``) instead: a get-or-create never raises to the user. The insert
    runs in a savepoint, so the failed attempt leaves the rest of the transaction as it was."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        found = find()
        if found is None:
            raise
        return found


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: records read in an op stay usable after the op commits.
    return sessionmaker(engine, expire_on_commit=False)
