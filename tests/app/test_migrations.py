"""The migrations produce exactly the models' schema, and a library upgrades in place."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app import db
from app.models import Base, is_search_index


def test_migrations_match_models(tmp_path):
    engine = db.open_engine(db.sqlite_url(tmp_path / "m.db"))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_name": lambda name, type_, _p: not (type_ == "table" and is_search_index(name))})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {t for t in tables if not is_search_index(t)} == set(Base.metadata.tables) | {"alembic_version"}
    assert "transcript_search" in tables  # the full-text index of what was said (SQLite)


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


def test_showings_and_reel_cards_upgrade_from_0007_and_downgrade(tmp_path):
    """0008: the export log keeps its rows and gains the review a showing belongs to; reviews
    gain a reel's opening card, their items a reel item's own card; the step back drops only those."""
    from alembic import command

    url = db.sqlite_url(tmp_path / "s.db")
    engine = db.create(url)
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007_person_faces")
        conn.execute(text("insert into exports (path, format, audience, items_json, created_at, kind, subject, "
                          "exported_by, anonymisation) values ('/x.mp4', 'mp4', 'team', '[]', '2026-12-01', 'reel', "
                          "'R', 'me', '')"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        assert conn.execute(text("select path, review_id from exports")).all() == [("/x.mp4", None)]
        assert "opening_title" in {c["name"] for c in inspect(conn).get_columns("reviews")}
        assert "card" in {c["name"] for c in inspect(conn).get_columns("review_items")}
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007_person_faces")
        assert conn.execute(text("select path from exports")).scalars().all() == ["/x.mp4"]
        assert "review_id" not in {c["name"] for c in inspect(conn).get_columns("exports")}


def test_transcripts_upgrade_from_0007_with_their_search_index_and_downgrade(tmp_path):
    """A library made before transcripts gains them and the full-text index, which triggers keep
    in step with every write (an undo writes rows directly); the step back removes just those."""
    from alembic import command

    url = db.sqlite_url(tmp_path / "t.db")
    engine = db.create(url)
    cfg = db.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007_person_faces")
        conn.execute(text("insert into films (title, path, linked, original_name, sha256, size_bytes, container, "
                          "duration_us, start_us, has_video, video_codec, rotation, mirror, sar_num, sar_den, vfr, "
                          "has_audio, audio_codec, missing, imported_at) values ('Desk', 'a.mp4', 0, '', 'x', 1, '', "
                          "10, 0, 0, '', 0, 0, 1, 1, 0, 1, '', 0, '2026-12-07')"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.execute(text("insert into transcripts (film_id, model, sound_us, made_at) values (1, 'm', 10, '2026-12-07')"))
        conn.execute(text("insert into transcript_segments (film_id, start_us, end_us, speaker, text, words_json) "
                          "values (1, 0, 5, '', 'ring back at eight', '[]')"))
        found = "select rowid from transcript_search where transcript_search match 'eight'"
        assert conn.execute(text(found)).scalars().all() == [1]
        conn.execute(text("update transcript_segments set text = 'ring back at nine' where id = 1"))
        assert conn.execute(text(found)).scalars().all() == []
        conn.execute(text("delete from transcript_segments"))
        assert conn.execute(text("select rowid from transcript_search where transcript_search match 'nine'")).all() == []
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007_person_faces")
    tables = set(inspect(engine).get_table_names())
    assert not {t for t in tables if t.startswith("transcript")}
    with engine.connect() as conn:
        assert conn.execute(text("select title from films")).scalars().all() == ["Desk"]


def test_the_newest_revision_is_read_without_alembic_as_alembic_reads_it():
    """Start-up reads the head from the migrations' own lines (issue 29: loading Alembic to
    find a library already at the newest schema cost most of a second); it is Alembic's."""
    from alembic.script import ScriptDirectory

    assert db.head_revision() == ScriptDirectory.from_config(db.alembic_config()).get_current_head()


@pytest.mark.sqlite_only("a library's own SQLite file, opened again in a second process and stepped back")
def test_opening_a_library_at_the_newest_schema_loads_no_alembic_and_an_older_one_is_upgraded(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from alembic import command

    from app.library import Library

    Library.open(tmp_path / "l").close()
    code = ("import sys; from app.library import Library; Library.open(sys.argv[1]).close(); "
            "print('alembic' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    opened = subprocess.run([sys.executable, "-c", code, str(tmp_path / "l")], cwd=root, capture_output=True,
                            text=True, check=True, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert opened.stdout.strip() == "False"
    engine = db.create(db.sqlite_url(tmp_path / "l" / "library.db"))
    with engine.begin() as conn:  # one revision back: the next open upgrades it
        cfg = db.alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "-1")
    engine.dispose()
    with Library.open(tmp_path / "l") as lib, lib.read() as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == db.head_revision()
