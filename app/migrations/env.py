"""Alembic environment: run with a connection handed over by ``app.db.migrate``."""

from alembic import context
from sqlalchemy import create_engine

from app.models import Base, is_search_index

config = context.config
target_metadata = Base.metadata


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is None:  # the alembic command line: `alembic -x url=sqlite:///x.db ...`
        url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///:memory:")
        with create_engine(url).begin() as conn:
            _configure_and_run(conn)
    else:
        _configure_and_run(conn)


def _ours(name, type_, _parents) -> bool:
    """The full-text index is made by its migration, not from a model (autogenerate leaves it be)."""
    return not (name and is_search_index(name))  # SQLite's FTS5 tables, PostgreSQL's columns and indexes


def _configure_and_run(conn) -> None:
    # batch mode: SQLite can only ALTER tables by copying them.
    context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True,
                      include_name=_ours)
    with context.begin_transaction():
        context.run_migrations()


run()
