"""Undo and redo of every change, in the core.

While an operation runs, mapper events journal each row it inserts, updates or deletes
(the row as read back from the database, so defaults and cascades are included). Undo writes
the "before" of each row in reverse order; redo writes the "after" in order. The journal is
generic: a new op gets undo for free as long as it changes rows through the ORM.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, event, select
from sqlalchemy.orm import Mapper, object_session

from app.changes import Changes
from media.errors import NothingToUndo
from app.models import Base

JOURNAL_KEY = "protoreel.journal"
MAX_STEPS = 500


@dataclass
class RowChange:
    table: str
    key: dict
    before: dict | None  # None: the row was inserted
    after: dict | None  # None: the row was deleted


@dataclass
class Step:
    name: str
    rows: list[RowChange] = field(default_factory=list)

    def changes(self, name: str | None = None) -> Changes:
        ids: dict[str, set] = defaultdict(set)
        for row in self.rows:
            key = tuple(row.key.values())
            ids[row.table].add(key[0] if len(key) == 1 else key)
        return Changes(name or self.name, {t: frozenset(v) for t, v in ids.items()})


def _journal(target) -> list[RowChange] | None:
    session = object_session(target)
    return session.info.get(JOURNAL_KEY) if session is not None else None


def _key(mapper: Mapper, target) -> dict:
    return {col.name: value for col, value in zip(mapper.primary_key, mapper.primary_key_from_instance(target))}


def _read_row(conn: Connection, mapper: Mapper, key: dict) -> dict:
    table = mapper.local_table
    cond = and_(*(table.c[name] == value for name, value in key.items()))
    row = conn.execute(select(table).where(cond)).mappings().one()
    return dict(row)


@event.listens_for(Base, "after_insert", propagate=True)
def _after_insert(mapper, conn, target):
    journal = _journal(target)
    if journal is not None:
        key = _key(mapper, target)
        journal.append(RowChange(mapper.local_table.name, key, None, _read_row(conn, mapper, key)))


@event.listens_for(Base, "before_update", propagate=True)
def _before_update(mapper, conn, target):
    if _journal(target) is not None:
        target.__dict__["_undo_before"] = _read_row(conn, mapper, _key(mapper, target))


@event.listens_for(Base, "after_update", propagate=True)
def _after_update(mapper, conn, target):
    journal = _journal(target)
    before = target.__dict__.pop("_undo_before", None)
    if journal is None or before is None:
        return
    key = _key(mapper, target)
    after = _read_row(conn, mapper, key)
    changed = [c for c in after if after[c] != before.get(c)]
    # Only the columns this op changed: undo must not revert what a later, non-undoable
    # update (a file found missing, say) wrote to other columns.
    if changed:
        journal.append(
            RowChange(
                mapper.local_table.name,
                key,
                {c: before[c] for c in changed},
                {c: after[c] for c in changed},
            )
        )


@event.listens_for(Base, "before_delete", propagate=True)
def _before_delete(mapper, conn, target):
    journal = _journal(target)
    if journal is not None:
        key = _key(mapper, target)
        journal.append(RowChange(mapper.local_table.name, key, _read_row(conn, mapper, key), None))


def _write(conn: Connection, row: RowChange, state: dict | None, other: dict | None) -> None:
    """Make ``row`` hold ``state`` (None: absent), given that it now holds ``other``."""
    table = Base.metadata.tables[row.table]
    cond = and_(*(table.c[name] == value for name, value in row.key.items()))
    if state is None:
        conn.execute(table.delete().where(cond))
    elif other is None:
        conn.execute(table.insert().values(**state))
    else:
        conn.execute(table.update().where(cond).values(**state))


def apply_undo(conn: Connection, step: Step) -> None:
    for row in reversed(step.rows):
        _write(conn, row, row.before, row.after)


def apply_redo(conn: Connection, step: Step) -> None:
    for row in step.rows:
        _write(conn, row, row.after, row.before)


class UndoStack:
    """Steps done and undone in this session of the library (like any desktop editor)."""

    def __init__(self) -> None:
        self._done: list[Step] = []
        self._undone: list[Step] = []

    def push(self, step: Step) -> None:
        if not step.rows:
            return
        self._done.append(step)
        del self._done[:-MAX_STEPS]
        self._undone.clear()

    @property
    def undo_name(self) -> str | None:
        return self._done[-1].name if self._done else None

    @property
    def redo_name(self) -> str | None:
        return self._undone[-1].name if self._undone else None

    def take_undo(self) -> Step:
        if not self._done:
            raise NothingToUndo("Nothing to undo.")
        return self._done[-1]

    def take_redo(self) -> Step:
        if not self._undone:
            raise NothingToUndo("Nothing to redo.")
        return self._undone[-1]

    def mark_undone(self) -> None:
        self._undone.append(self._done.pop())

    def mark_redone(self) -> None:
        self._done.append(self._undone.pop())

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
