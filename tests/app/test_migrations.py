"""The migrations produce exactly the models' schema, and a library upgrades in place."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app import db
from app.models import Base


def test_migrations_match_models(tmp_path):
    engine = db.open_engine(db.sqlite_url(tmp_path / "m.db"))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_sqlite_runs_in_wal_with_foreign_keys(lib):
    with lib.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_opening_twice_is_idempotent(tmp_path):
    from app.library import Library

    with Library.open(tmp_path / "l") as lib:
        with lib.read() as s:
            first = s.execute(text("select count(*) from tags")).scalar()
    with Library.open(tmp_path / "l") as lib:
        with lib.read() as s:
            assert s.execute(text("select count(*) from tags")).scalar() == first > 20
