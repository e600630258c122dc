"""Hearing the other computers' changes on a team library: PostgreSQL's LISTEN/NOTIFY.

Every change (an operation, an undo or a redo) sends a notice on ``CHANNEL`` inside its own
transaction, so it is delivered when, and only if, the change commits: who made it (the
opening of the library, ``Library.instance``), its name and the rows it touched. A window
listens on a connection of its own and reads again what it shows when a notice from anyone
else arrives; its own notices it already heard from the library itself.
"""

from __future__ import annotations

import json
import select

from sqlalchemy import Connection, Engine

from app import db
from app.changes import Changes

CHANNEL = "protoreel_changes"
MAX_PAYLOAD = 7000  # PostgreSQL takes up to 8000 bytes; a bigger change names only its tables


def payload(instance: str, changes: Changes) -> str:
    ids = {table: sorted(keys, key=repr)[:500] for table, keys in changes.ids.items()}
    text = json.dumps({"by": instance, "name": changes.name, "ids": ids}, default=list)
    if len(text.encode()) > MAX_PAYLOAD:
        text = json.dumps({"by": instance, "name": changes.name[:200], "tables": sorted(changes.ids)})
    return text


def announce(conn: Connection, instance: str, changes: Changes) -> None:
    if not changes.empty:
        db.notify(conn, CHANNEL, payload(instance, changes))


class Listener:
    """A connection of its own, listening; ``news()`` returns the notices of others since the
    last look, at once (never waits). A dropped connection is opened again, and counts as news
    (whatever was said meanwhile was not heard)."""

    def __init__(self, engine: Engine, instance: str) -> None:
        self._args = db.connect_args(engine)
        self._instance = instance
        self._conn = None
        self._connect()

    def _connect(self) -> bool:
        import psycopg

        args, kwargs = self._args
        try:
            self._conn = psycopg.connect(*args, **kwargs, autocommit=True)
            self._conn.execute(f"LISTEN {CHANNEL}")
            return True
        except psycopg.Error:
            self._conn = None
            return False

    def fileno(self) -> int | None:
        """Readable when a notice has arrived (a window can wake on it at once)."""
        try:
            return self._conn.fileno() if self._conn is not None else None
        except Exception:  # noqa: BLE001 - closed
            return None

    def news(self) -> list[dict]:
        import psycopg

        if self._conn is None or self._conn.closed:
            return [{"by": "", "name": "reconnected"}] if self._connect() else []
        try:
            heard = list(self._conn.notifies(timeout=0))
        except psycopg.Error:
            self.close()
            return [{"by": "", "name": "reconnected"}] if self._connect() else []
        out = []
        for notice in heard:
            try:
                data = json.loads(notice.payload)
            except ValueError:
                data = {"by": "", "name": "?"}
            if data.get("by") != self._instance:
                out.append(data)
        return out

    def wait(self, seconds: float) -> bool:
        """Block up to ``seconds`` for a notice to arrive (tests, scripts)."""
        fd = self.fileno()
        return fd is not None and bool(select.select([fd], [], [], seconds)[0])

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
            self._conn = None
