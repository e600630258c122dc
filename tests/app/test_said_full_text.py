"""Searching what was said with the database's full-text index (issue 27): SQLite's FTS5 and a
team library's PostgreSQL (a tsvector with a GIN index, migration 0012) find the same moments
in the same order. These tests run on both (CI's second run puts every library on PostgreSQL,
``PROTOREEL_TEST_POSTGRES``); the last ones compare the two databases side by side.

Words are matched whole, never inside another word (the LIKE fallback found "bout" in "about"),
and ranked by BM25 (the LIKE fallback kept the order stored): the tests marked so fail on it.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from app import db, queries
from app.clips import clips as clip_ops
from app.queries import ClipFilter
from app.transcripts import search, transcripts
from media.speech.transcript import Segment, Transcript, Word
from tests.speech_films import Timeline, write_film

US = 1_000_000


def heard(lines: list[str], gap_s: float = 2.0) -> Transcript:
    """A transcript of ``lines``, one every ``gap_s`` seconds, each word 0.1 s."""
    segments = []
    for n, line in enumerate(lines):
        ws = [Word(w, round((n * gap_s + k * 0.1) * US), round((n * gap_s + k * 0.1 + 0.1) * US), 0.9)
              for k, w in enumerate(line.split())]
        segments.append(Segment(ws[0].start_us, ws[-1].end_us, line, ws))
    return Transcript(segments, "test/beam5/en", round(len(lines) * gap_s * US))


SAID = [
    "Nobody asked me about it.",  # 0
    "I went to the desk and they told me to wait over there by the window for an hour",  # 1
    "The desk.",  # 2
    "ring them and ring us at the desk",  # 3: "ring" twice, "desk" once
    "ring them at the desk or the desk",  # 4: "ring" once, "desk" twice
    "Ring the bell.",  # 5
    "you can ring the number",  # 6
    "they ring every morning",  # 7
    "You'll see the well-being team at nhs.uk by 8:00, it costs £3.50",  # 8
    "Okonkwo said the café was shut",  # 9
    "I don’t know, ÉTÉ",  # 10
    "a naïve question",  # 11
]


@pytest.fixture(scope="module")
def film_file(tmp_path_factory):
    return write_film(tmp_path_factory.mktemp("films") / "desk talk.mp4", Timeline().pause(3.0).samples())


def _library_with(lib, film_file, lines=SAID) -> int:
    from app.films import importing

    (result,) = importing.import_files(lib, [film_file])
    transcripts.store(lib, result.film_id, heard(lines))
    return result.film_id


@pytest.fixture
def film(lib, film_file):
    return _library_with(lib, film_file)


def said(lib, words, **kw) -> list[str]:
    with lib.read() as s:
        return [m.text for m in search.said(s, words, **kw)]


def clips_saying(lib, words) -> list[int]:
    with lib.read() as s:
        return queries.clip_ids(s, ClipFilter(text=words))


def test_the_library_has_its_full_text_index(lib, film):
    with lib.read() as s:
        assert search.has_index(s)  # FTS5 on SQLite, the tsvector column on PostgreSQL


def test_a_word_is_found_whole_never_inside_another_word(lib, film):
    """Fails on the LIKE fallback: "bout" is inside "about", "sked" inside "asked"."""
    clip = clip_ops.add(lib, film, 0, 600_000, title="First words")
    assert clips_saying(lib, "about it") == [clip]
    assert clips_saying(lib, "bout it") == []
    assert clips_saying(lib, "sked me") == []
    assert clips_saying(lib, "nobody ask") == [clip]  # the last word as you type: only begun
    assert clips_saying(lib, "ask") == [clip]
    assert clips_saying(lib, "sk") == []  # a beginning, not a middle
    assert said(lib, "ring") == said(lib, "RING!") and "The desk." not in said(lib, "ring")
    assert said(lib, "rin") == [] and said(lib, "rin", prefix_last=True) == said(lib, "ring")
    assert said(lib, "x" * 3000) == [] and clips_saying(lib, "desk " + "x" * 990) == []  # longer than any word kept


def test_the_best_line_comes_first_shorter_lines_and_rarer_words_weigh_more(lib, film):
    """BM25 as FTS5 ranks: a word said in a short line before the same word in a long one; of
    lines saying the words apart, the one saying the rarer word ("desk", in 5 lines) twice
    before the one saying the commoner ("ring", in 6 lines) twice. Fails on the LIKE fallback,
    which lists them in the order they were said."""
    assert said(lib, "desk") == [SAID[2], SAID[4], SAID[3], SAID[1]]
    assert said(lib, "ring desk") == [SAID[4], SAID[3]]
    assert said(lib, "the desk") == [SAID[2], SAID[4], SAID[3], SAID[1]]  # together, each by rank


def test_the_words_together_come_before_the_words_apart(lib, film):
    assert said(lib, "ring the") == [SAID[5], SAID[6], SAID[3], SAID[4]]  # "they" is not "the"
    assert said(lib, "the ring") == [SAID[3], SAID[5], SAID[6], SAID[4]]  # apart in each: by rank


@pytest.mark.parametrize("typed, line", [
    ("you'll", 8), ("ll", 8), ("well being", 8), ("being", 8), ("nhs", 8), ("uk", 8), ("8", 8), ("00", 8),
    ("3 50", 8), ("Okonkwo", 9), ("cafe", 9), ("Café", 9), ("don't", 10), ("don", 10), ("ete", 10), ("été", 10),
    ("naive", 11),
])
def test_names_and_words_with_accents_or_punctuation_are_found_as_written(lib, film, typed, line):
    """The 'simple' configuration: no stemming, no stop words (a name is a word like any
    other); accents and case do not matter; a word is split where the index splits it."""
    assert said(lib, typed) == [SAID[line]]


def test_a_corrected_word_is_in_the_index_at_once_and_undo_redo_keep_it_in_step(lib, film):
    first = [seg.id for seg in _record(lib, film).segments][0]
    clip = clip_ops.add(lib, film, 0, 600_000, title="First words")
    transcripts.correct_word(lib, first, 4, "yesterday.")
    assert said(lib, "yesterday") == ["Nobody asked me about yesterday."] and clips_saying(lib, "yesterday") == [clip]
    assert said(lib, "about it") == [] and clips_saying(lib, "about it") == []
    lib.undo()
    assert said(lib, "yesterday") == [] and clips_saying(lib, "yesterday") == []
    assert said(lib, "about it") == [SAID[0]] and clips_saying(lib, "about it") == [clip]
    lib.redo()
    assert said(lib, "yesterday") == ["Nobody asked me about yesterday."]
    transcripts.correct_word(lib, first, 0, "")  # a word removed
    assert said(lib, "nobody") == []


def _record(lib, film_id):
    with lib.read() as s:
        return transcripts.transcript_record(s, film_id)


def test_protoreel_said_prints_the_best_moment_first(cli, film_file):
    """The command line searches with the index: the short line first (fails on LIKE)."""
    import json

    from app.library import Library

    with Library.open(cli.library) as lib:
        film_id = _library_with(lib, film_file)
    code, out, err = cli("said", "desk", "--json")
    assert code == 0, err
    got = [json.loads(line) for line in out.splitlines()]
    assert [g["text"] for g in got] == [SAID[2], SAID[4], SAID[3], SAID[1]]
    assert got[0] == {"film": film_id, "start_us": 4_100_000, "end_us": 4_200_000, "text": "The desk."}  # "desk"
    code, out, err = cli("said", "esk")
    assert code == 0 and out == "" and "nobody was heard saying" in err


# -- the two databases side by side (a PostgreSQL server is needed) ---------------------------------
def _talk(seed: int = 5, lines: int = 300) -> list[str]:
    """Lines drawn from a small vocabulary, common words often, with punctuation and accents."""
    rng = random.Random(seed)
    vocabulary = ("the a to and you I it ring back desk eight nobody asked me GP's carer's well-being "
                  "appointment letter café naïve Okonkwo 8:00 nhs.uk don't won't Ring Desk RING wait "
                  "receptionist morning phone number surgery practice nurse doctor").split()
    weights = [1 / (k + 1) for k in range(len(vocabulary))]
    return [" ".join(rng.choices(vocabulary, weights, k=rng.randint(1, 16))) for _ in range(lines)]


QUERIES = ["ring", "desk", "ring back", "back ring", "the desk", "nobody asked me", "gp s", "carer", "well being",
           "cafe", "naive", "okonkwo", "8 00", "nhs uk", "don t", "won", "appointment letter", "the a to and",
           "receptionist phone number", "surgery nurse doctor", "eight", "morning wait"]
BEGUN = ["r", "ri", "rin", "de", "app", "receptionist ph", "nurse d", "ok", "ca", "the de"]


@pytest.fixture
def on_both(postgres_databases, tmp_path, film_file):
    """The same transcript in a SQLite library (FTS5) and a PostgreSQL one (the tsvector)."""
    if postgres_databases is None:
        pytest.skip("needs a PostgreSQL server (PROTOREEL_TEST_POSTGRES; scripts/run-tests.sh starts one)")
    from app.library import Library

    lines = _talk()
    with Library.open(tmp_path / "lite", db.sqlite_url(tmp_path / "lite.db")) as lite, \
            Library.open(tmp_path / "pg", postgres_databases.for_root(tmp_path / "pg")) as pg:
        assert lite.engine.dialect.name == "sqlite" and pg.engine.dialect.name == "postgresql"
        for library in (lite, pg):
            _library_with(library, film_file, lines)
        yield lite, pg


def _ranked(lib, words, prefix_last=False):
    with lib.read() as s:
        query = search.matching_segments(s, search.tokens(words), prefix_last, ranked=True, limit=500)
        return [(i, r) for i, r in s.execute(query)]


def test_postgres_finds_the_same_moments_as_sqlite_in_the_same_order_with_the_same_bm25(on_both):
    lite, pg = on_both
    found = 0
    for words in QUERIES:
        on_lite, on_pg = _ranked(lite, words), _ranked(pg, words)
        assert [i for i, _r in on_pg] == [i for i, _r in on_lite], words
        assert [r for _i, r in on_pg] == pytest.approx([r for _i, r in on_lite], rel=1e-9), words
        found += bool(on_lite)
    assert found >= len(QUERIES) - 3  # the queries do find lines (a few rarer runs may not)
    for words in BEGUN:
        on_lite, on_pg = _ranked(lite, words, True), _ranked(pg, words, True)
        assert [i for i, _r in on_pg] == [i for i, _r in on_lite], words
        assert [r for _i, r in on_pg] == pytest.approx([r for _i, r in on_lite], rel=1e-9), words
        found += bool(on_lite)
    assert found >= len(QUERIES) + len(BEGUN) - 5
    for words in QUERIES + BEGUN:
        for prefix in (False, True):
            with lite.read() as a, pg.read() as b:
                assert search.said(b, words, prefix_last=prefix) == search.said(a, words, prefix_last=prefix), words
                assert (queries.clip_ids(b, ClipFilter(text=words)) == queries.clip_ids(a, ClipFilter(text=words)))


def test_words_said_in_many_lines_are_counted_from_postgres_statistics_with_the_same_rank(on_both, monkeypatch):
    """PostgreSQL counts the lines saying a word only up to RANK_AT_MOST (it must visit each
    line); beyond, the share ANALYZE saw (here every line is sampled: the same count), else,
    not yet analyzed, every line counted."""
    lite, pg = on_both
    monkeypatch.setattr(search, "RANK_AT_MOST", 20)  # "ring", "the", "desk" ... are said in more lines
    for analyzed in (False, True):
        if analyzed:
            with pg.engine.connect() as conn:
                conn.execute(text("ANALYZE transcript_segments"))
                conn.commit()
        with pg.read() as s:
            assert (search._analyzed_shares(s) is not None) == analyzed or analyzed is False
        for words in ["ring", "the desk", "ring back", "de"]:
            prefix = words == "de"
            on_lite, on_pg = _ranked(lite, words, prefix), _ranked(pg, words, prefix)
            assert [i for i, _r in on_pg] == [i for i, _r in on_lite], (words, analyzed)
            assert [r for _i, r in on_pg] == pytest.approx([r for _i, r in on_lite], rel=1e-6), (words, analyzed)


def test_postgres_and_sqlite_agree_on_lines_said_together_and_on_counting(on_both):
    lite, pg = on_both
    for words in QUERIES:
        tokens = search.tokens(words)
        for prefix in (False, True):
            found = []
            for lib in (lite, pg):
                with lib.read() as s:
                    found.append((
                        [i for i, _r in s.execute(search.matching_segments(s, tokens, prefix, together=True))],
                        search.how_many(s, tokens, prefix, at_most=50)))
            assert found[1] == found[0], (words, prefix)


def test_postgres_uses_its_gin_index_and_the_migration_fills_and_removes_it(postgres_databases, film_file, tmp_path):
    """0012 on a library that already holds transcripts: every line is indexed; searching reads
    the GIN index; the step back leaves the lines and drops only the index's columns."""
    if postgres_databases is None:
        pytest.skip("needs a PostgreSQL server (PROTOREEL_TEST_POSTGRES; scripts/run-tests.sh starts one)")
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from app.library import Library

    url = postgres_databases.for_root(tmp_path / "lib")
    with Library.open(tmp_path / "lib", url) as lib:
        _library_with(lib, film_file)
    engine = create_engine(url)
    cfg = db.alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011_clip_version")
            assert "transcript_search" not in {c["name"] for c in inspect(conn).get_columns("transcript_segments")}
            assert conn.execute(text("SELECT count(*) FROM transcript_segments")).scalar() == len(SAID)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            found = conn.execute(text("SELECT text FROM transcript_segments WHERE transcript_search @@ "
                                      "CAST(:q AS tsquery) ORDER BY id"), {"q": "'desk'"}).scalars().all()
            assert found == [SAID[1], SAID[2], SAID[3], SAID[4]]
    finally:
        engine.dispose()
    with Library.open(tmp_path / "lib", url) as lib, lib.read() as s:
        assert [m.text for m in search.said(s, "desk")] == [SAID[2], SAID[4], SAID[3], SAID[1]]
        s.execute(text("SET LOCAL enable_seqscan = off"))  # a few lines: else reading them all is cheaper
        for query in (search.matching_segments(s, ["desk"], ranked=True, limit=10),
                      search.matching_segments(s, ["ring", "de"], True, ranked=True, limit=10),
                      search.matching_segments(s, ["de"], True, limit=10, ordered=False)):
            compiled = query.compile(dialect=s.get_bind().dialect, compile_kwargs={"literal_binds": True})
            plan = "\n".join(s.execute(text(f"EXPLAIN {compiled}")).scalars())
            assert "transcript_search_gin" in plan, plan


def test_on_postgres_the_migrations_match_the_models_but_for_the_full_text_index(team_database):
    """0012's columns and indexes are made by the migration, not from a model: the schema is the
    models' and theirs, nothing else (autogenerate leaves them be, as SQLite's FTS5 tables)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine, inspect

    from app.models import Base, is_search_index

    engine = create_engine(team_database)
    try:
        with engine.connect() as conn:
            ours = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_name": lambda name, _type, _p: not (name and is_search_index(name))})
            assert compare_metadata(ours, Base.metadata) == []
            everything = MigrationContext.configure(conn, opts={"compare_type": True})
            extra = {(d[0], getattr(d[-1], "name", None) or d[-1]) for d in compare_metadata(everything, Base.metadata)
                     if not isinstance(d, list)}
            columns = {c["name"] for c in inspect(conn).get_columns("transcript_segments")}
            indexes = {i["name"] for i in inspect(conn).get_indexes("transcript_segments")}
    finally:
        engine.dispose()
    assert {"transcript_search", "transcript_search_words"} <= columns
    assert {"transcript_search_gin", "transcript_search_words_ix"} <= indexes
    assert extra and all(is_search_index(str(name)) for _kind, name in extra), extra
