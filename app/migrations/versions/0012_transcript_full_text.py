"""transcript full text on PostgreSQL: a tsvector of each line of what was said, with a GIN index

Revision ID: 0012_transcript_full_text
Revises: 0011_clip_version
Create Date: 2026-12-07

SQLite has its FTS5 index since 0009; this gives a team library (PostgreSQL) its own. Each line
of a transcript gets two stored generated columns, which PostgreSQL itself keeps in step with
every write (a correction, an undo, which writes rows directly, a new transcript):

- ``transcript_search``: the line's words as a tsvector ('simple' configuration: no stemming, no
  stop words, so names and words of any language are found as said), indexed by GIN;
- ``transcript_search_words``: how many words the line has (BM25's line length), with a B-tree
  index so that the library's total is read from the index, not the table.

The words are the ones ``app.transcripts.search.tokens`` makes of a query (and FTS5's unicode61
tokenizer of a line): case-folded, accents dropped, split at anything that is not a letter or a
digit ("You'll" -> "you", "ll"; "well-being" -> "well", "being"; "nhs.uk" -> "nhs", "uk"), so
both sides of a search read the same words. PostgreSQL's own parser would keep "well-being",
"nhs.uk" or "3.5" whole: the line is split first, the parser then only sees words and spaces.
Letters are told from the rest by ICU (the "und-x-icu" collation) where PostgreSQL has it, so a
server whose own locale is C still folds and splits any language; without ICU, by Unicode's
punctuation and symbol blocks. Other databases: nothing (SQLite's index is 0009's).
"""
from alembic import op


revision = '0012_transcript_full_text'
down_revision = '0011_clip_version'
branch_labels = None
depends_on = None

# app.transcripts.search and app.models name these too.
COLUMN = "transcript_search"
WORDS = "transcript_search_words"
GIN = "transcript_search_gin"
WORDS_INDEX = "transcript_search_words_ix"

COMBINING = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# Without ICU: what is not a letter or digit, from Unicode's blocks of punctuation and symbols.
NOT_WORD_BLOCKS = (r"[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf\xd7\xf7\u2000-\u2bff\u2e00-\u2e7f\u3000-\u303f"
                   r"\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+")


def words_expression(icu: bool) -> str:
    """The line's words, lower-case and unaccented, one space between them (SQL on ``text``)."""
    collate = ' COLLATE "und-x-icu"' if icu else ""
    unaccented = f"regexp_replace(normalize(text, NFKD), '{COMBINING}', '', 'g')"
    folded = f"replace(translate(lower(({unaccented}){collate}), 'ς', 'σ'), 'ß', 'ss')"
    not_word = "[^[:alnum:]]+" if icu else NOT_WORD_BLOCKS
    return f"btrim(regexp_replace(({folded}){collate}, '{not_word}', ' ', 'g'))"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    icu = bind.exec_driver_sql("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'").scalar() is not None
    words = words_expression(icu)
    run = bind.exec_driver_sql  # as written (no bind parameters: "[:alnum:]")
    run(f"ALTER TABLE transcript_segments ADD COLUMN {COLUMN} tsvector "
               f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {words})) STORED")
    run(f"ALTER TABLE transcript_segments ADD COLUMN {WORDS} integer GENERATED ALWAYS AS "
               f"(CASE WHEN {words} = '' THEN 0 ELSE array_length(regexp_split_to_array({words}, ' '), 1) END) STORED")
    run(f"CREATE INDEX {GIN} ON transcript_segments USING gin ({COLUMN})")
    run(f"CREATE INDEX {WORDS_INDEX} ON transcript_segments ({WORDS})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {WORDS_INDEX}")
    op.execute(f"DROP INDEX IF EXISTS {GIN}")
    op.execute(f"ALTER TABLE transcript_segments DROP COLUMN IF EXISTS {WORDS}")
    op.execute(f"ALTER TABLE transcript_segments DROP COLUMN IF EXISTS {COLUMN}")
