"""Undo and redo of every change, in the core.

While an operation runs, mapper events journal each row it inserts, updates or deletes
(the row as read back from the database, so defaults and cascades are included). Undo writes
the "before" of each row in reverse order; redo writes the "after" in order. The journal is
generic: a new op gets undo for free as long as it changes rows through the ORM.

Another process (the command line beside the app) may have changed the same rows since.
Undo and redo first check each row against what the step left (or found) there and that no
other row has come to refer to a row they would delete (a cascade would take it along); if
anything differs they refuse with ``UndoConflict`` and write nothing. They never remove or
change what they did not do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, event, select
from sqlalchemy.orm import Mapper, object_session

from app.changes import Changes
from media.errors import NothingToUndo, ProtoReelError
from app.models import Base

JOURNAL_KEY = "protoreel.journal"
VERSION = "version"  # a row's edit counter: raised by undo and redo too, never compared by them
MAX_STEPS = 500


@dataclass
class RowChange:
    table: str
    key: dict
    before: dict | None  # None: the row was inserted
    after: dict | None  # None: the row was deleted
    owners: dict = field(default_factory=dict)  # table -> id of the row this one refers to (its person, its review)


@dataclass
class Step:
    name: str
    rows: list[RowChange] = field(default_factory=list)

    def changes(self, name: str | None = None) -> Changes:
        ids: dict[str, set] = defaultdict(set)
        owners: dict[str, set] = defaultdict(set)
        for row in self.rows:
            key = tuple(row.key.values())
            ids[row.table].add(key[0] if len(key) == 1 else key)
            for table, owner in row.owners.items():
                owners[table].add(owner)
        return Changes(name or self.name, {t: frozenset(v) for t, v in ids.items()},
                       {t: frozenset(v) for t, v in owners.items()})


def _journal(target) -> list[RowChange] | None:
    session = object_session(target)
    return session.info.get(JOURNAL_KEY) if session is not None else None


def _key(mapper: Mapper, target) -> dict:
    return {col.name: value for col, value in zip(mapper.primary_key, mapper.primary_key_from_instance(target))}


def _owners(mapper: Mapper, row: dict) -> dict:
    """The rows a row refers to (a consent record's person, a note's review), read from the
    whole row: so a change notice can name whose record changed, even for a deleted row or an
    update that left the reference alone."""
    return {fk.column.table.name: row[fk.parent.name] for fk in mapper.local_table.foreign_keys
            if row.get(fk.parent.name) is not None}


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
        row = _read_row(conn, mapper, key)
        journal.append(RowChange(mapper.local_table.name, key, None, row, _owners(mapper, row)))


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
                _owners(mapper, after),
            )
        )


@event.listens_for(Base, "before_delete", propagate=True)
def _before_delete(mapper, conn, target):
    journal = _journal(target)
    if journal is not None:
        key = _key(mapper, target)
        row = _read_row(conn, mapper, key)
        journal.append(RowChange(mapper.local_table.name, key, row, None, _owners(mapper, row)))


class UndoConflict(ProtoReelError):
    """Undo or redo would remove or change what another window or command did since."""


# Tables as people know them: a refusal never names a table or a row number.
THINGS = {
    "events": "event", "films": "film", "people": "person", "appearances": "appearance in a film",
    "appearance_ranges": "stretch of film someone appears in", "person_faces": "known face",
    "consent_records": "consent record", "tags": "tag", "clips": "clip", "clip_tags": "tag on a clip",
    "prototypes": "prototype", "clip_prototypes": "link between a clip and a prototype", "reels": "reel",
    "reel_items": "clip in a reel", "reviews": "review", "review_items": "clip in a review",
    "review_notes": "review note", "review_marks": "review mark", "review_actions": "review action",
    "exports": "export", "export_people": "export's list of people", "transcripts": "transcript",
    "transcript_segments": "line of a transcript", "library_meta": "library setting",
}


def thing(table: str) -> str:
    return THINGS.get(table, table.replace("_", " ").rstrip("s"))


def _in_use(table: str, fk_table: str, via: str) -> str:
    """Why ``table``'s row cannot go: ``fk_table`` rows (by column ``via``) have come to use it."""
    the = f"the {thing(table)}"
    if fk_table == "exports":
        if via == "review_id":
            return f"clips of {the} have been shown at a meeting since (the showing log keeps it)"
        return f"{the} has been exported since (the export log keeps it)"
    if fk_table == "export_people":
        return f"{the} has been in an export since (the export log keeps it)"
    if fk_table == "reel_items":
        return f"clips have been added to {the} since" if table == "reels" else f"{the} has been put in a reel since"
    if fk_table == "review_items":
        return f"{the} has been put in a review since"
    if fk_table == "clip_tags":
        return f"clips have been tagged with {the} since" if table == "tags" else f"{the} has been tagged since"
    if fk_table == "clip_prototypes":
        return (f"clips have been linked to {the} since" if table == "prototypes"
                else f"{the} has been linked to a prototype since")
    if fk_table == "clips":
        return f"clips have been marked in {the} since"
    if fk_table == "films":
        return f"films have been put in {the} since"
    return f"{the} has been given a {thing(fk_table)} since"


def _check(conn: Connection, step: Step, verb: str, row: RowChange, state: dict | None, other: dict | None) -> None:
    """Refuse unless ``row`` holds ``other`` now (the columns the step changed) and, if it is to
    be deleted, nothing else refers to it."""
    table = Base.metadata.tables[row.table]
    cond = and_(*(table.c[name] == value for name, value in row.key.items()))
    current = conn.execute(select(table).where(cond)).mappings().first()
    what = f"the {thing(row.table)}"
    elsewhere = " (in another window or by a command)"
    if other is None and current is not None:
        _refuse(step, verb, f"{what} has been made again since{elsewhere}")
    if other is not None and (current is None or any(current[c] != v for c, v in other.items() if c != VERSION)):
        _refuse(step, verb, f"{what} has been {'removed' if current is None else 'changed'} since{elsewhere}")
    if state is None:
        for fk_table in Base.metadata.sorted_tables:
            for fk in fk_table.foreign_keys:
                if fk.column.table.name != row.table or fk.column.name not in row.key:
                    continue
                refs = conn.execute(select(fk_table).where(fk.parent == row.key[fk.column.name]).limit(1)).first()
                if refs is not None:
                    _refuse(step, verb, _in_use(row.table, fk_table.name, fk.parent.name))


def _refuse(step: Step, verb: str, detail: str) -> None:
    raise UndoConflict(f"Cannot {verb} {step.name}: {detail}; nothing was changed")


def _write(conn: Connection, row: RowChange, state: dict | None, other: dict | None) -> None:
    """Make ``row`` hold ``state`` (None: absent), given that it now holds ``other``."""
    table = Base.metadata.tables[row.table]
    cond = and_(*(table.c[name] == value for name, value in row.key.items()))
    if state is None:
        conn.execute(table.delete().where(cond))
    elif other is None:
        conn.execute(table.insert().values(**state))
    else:
        values = {c: v for c, v in state.items() if c != VERSION}
        if VERSION in table.c:
            # A version (clips.version) only moves forward, undone or not: an edit made from a
            # reading taken before this undo is refused like one after any other change.
            values[VERSION] = table.c[VERSION] + 1
        conn.execute(table.update().where(cond).values(**values))


PERSON_TABLES = ("people", "consent_records", "appearances", "appearance_ranges")


def people_touched(conn: Connection, step: Step) -> set[int]:
    """The people whose consent or appearances ``step`` changes (a stretch of film by its
    appearance, found in the step itself or in the database)."""
    found: set[int] = set()
    appearances: dict[int, int] = {}
    for row in step.rows:
        values = {**(row.before or {}), **(row.after or {}), **row.key}
        if row.table == "people":
            found.add(row.key["id"])
        elif row.table in ("consent_records", "appearances") and values.get("person_id") is not None:
            found.add(values["person_id"])
            if row.table == "appearances":
                appearances[row.key["id"]] = values["person_id"]
    table = Base.metadata.tables["appearances"]
    for row in step.rows:
        if row.table != "appearance_ranges":
            continue
        appearance = {**(row.before or {}), **(row.after or {})}.get("appearance_id")
        if appearance in appearances:
            found.add(appearances[appearance])
        elif appearance is not None:
            person = conn.execute(select(table.c.person_id).where(table.c.id == appearance)).scalar()
            if person is not None:
                found.add(person)
    return found


def _refuse_withdrawn(conn: Connection, step: Step, verb: str) -> None:
    """A withdrawal is final, whoever made it (this window, another, the command line): an undo
    or redo that would change what a withdrawn person appears in, or their consent, is refused."""
    if not any(row.table in PERSON_TABLES for row in step.rows):
        return
    touched = people_touched(conn, step)
    if not touched:
        return
    people = Base.metadata.tables["people"]
    withdrawn = conn.execute(select(people.c.name).where(people.c.id.in_(sorted(touched)),
                                                         people.c.consent_withdrawn_at.is_not(None))
                             .order_by(people.c.name)).scalars().all()
    if withdrawn:
        raise UndoConflict(f"Cannot {verb} {step.name}: {', '.join(withdrawn)} withdrew consent, and a withdrawal is "
                           "final: undo never changes a withdrawn person's consent or what they appear in (only a "
                           "new consent record can); nothing was changed")


def apply_undo(conn: Connection, step: Step) -> None:
    _refuse_withdrawn(conn, step, "undo")
    # Checked row by row as written: the step's own later rows (a reel's items) are gone
    # before its earlier ones (the reel) are checked for references.
    for row in reversed(step.rows):
        _check(conn, step, "undo", row, row.before, row.after)
        _write(conn, row, row.before, row.after)


def apply_redo(conn: Connection, step: Step) -> None:
    _refuse_withdrawn(conn, step, "redo")
    for row in step.rows:
        _check(conn, step, "redo", row, row.after, row.before)
        _write(conn, row, row.after, row.before)


class UndoStack:
    """Steps done and undone in this session of the library (like any desktop editor)."""

    def __init__(self) -> None:
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self.pushed = 0  # steps ever pushed: an action that added one can offer Undo

    def push(self, step: Step) -> None:
        if not step.rows:
            return
        self.pushed += 1
        self._done.append(step)
        del self._done[:-MAX_STEPS]
        self._undone.clear()

    @property
    def next_undo(self) -> Step | None:
        """The step Undo would take back (None: nothing to undo)."""
        return self._done[-1] if self._done else None

    @property
    def next_redo(self) -> Step | None:
        return self._undone[-1] if self._undone else None

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

    def absorb(self, step: Step) -> None:
        """A change this process made outside the history (a film found missing, an import
        finished in the background) becomes part of what undo and redo expect to find, so it
        does not read as another process's work. Each changed column goes to the newest step
        that holds it: the one whose undo or redo meets the row next."""
        for change in step.rows:
            if change.after is None:
                continue
            for steps, side in ((self._done, "after"), (self._undone, "before")):
                for column, value in change.after.items():
                    for earlier in reversed(steps):
                        row = next((r for r in reversed(earlier.rows)
                                    if r.table == change.table and r.key == change.key), None)
                        state = getattr(row, side) if row is not None else None
                        if state is not None and column in state:
                            state[column] = value
                            break

    def drop(self, step: Step) -> None:
        """A step that can no longer be undone or redone safely leaves the history."""
        for steps in (self._done, self._undone):
            if steps and steps[-1] is step:
                steps.pop()

    def forget(self, predicate) -> None:
        """Drop every step (done or undone) for which ``predicate(step)`` holds: what must
        never be undone again (a withdrawn consent brought back by undoing an older edit)."""
        self._done[:] = [s for s in self._done if not predicate(s)]
        self._undone[:] = [s for s in self._undone if not predicate(s)]

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
