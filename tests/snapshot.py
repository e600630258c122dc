"""A library's whole state, to check that refused or undone work left it exactly as it was."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Base


def db_state(lib) -> dict:
    """Every row of every table, except a row's edit counter (``clips.version``): it only ever
    moves forward, undo included (an edit from an older reading must stay refused)."""
    state = {}
    with lib.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            rows = conn.execute(select(table)).mappings().all()
            state[name] = sorted((tuple(sorted((k, v) for k, v in r.items() if k != "version")) for r in rows),
                                 key=repr)
    return state


def file_state(lib) -> list[str]:
    skip = {"library.db", "library.db-wal", "library.db-shm"}
    return sorted(
        str(p.relative_to(lib.root)) for p in lib.root.rglob("*") if p.is_file() and p.name not in skip
    )


def library_state(lib) -> tuple:
    return db_state(lib), file_state(lib)


def folder_bytes(root) -> dict:
    """Every file under a library folder (the database too) and its exact bytes, by hash: for
    checks where the library may not even open (a damaged database, a read-only disk)."""
    import hashlib
    from pathlib import Path

    skip = {"library.db-wal", "library.db-shm"}  # SQLite's own scratch files, gone after a clean close
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file() and p.name not in skip}
