"""The migrations produce exactly the models' schema, and a library upgrades in place."""

import pytest
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


@pytest.mark.sqlite_only("SQLite's own settings")
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


def test_person_faces_upgrade_from_0006_and_downgrade(tmp_path):
    """A library made before faces could be known gains the table, keeps its people, and the
    step back removes only the faces."""
    from alembic import command

    url = db.sqlite_url(tmp_path / "f.db")
    engine = db.create(url)
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006_consent")
        conn.execute(text("insert into people (name, role, consent, notes, pseudonym) "
                          "values ('Jane', 'carer', 'team', '', '')"))
    assert "person_faces" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.execute(text("insert into person_faces (person_id, time_us, x, y, w, h, model, reading, picture, "
                          "added_at) values (1, 0, 1, 2, 3, 4, 'dlib-resnet-v1', x'00', x'00', '2026-11-29')"))
    assert "person_faces" in inspect(engine).get_table_names()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006_consent")
    assert "person_faces" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("select name from people")).scalars().all() == ["Jane"]
