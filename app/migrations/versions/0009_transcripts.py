"""transcripts: what was said in each film, word by word, and a full-text index of it

Revision ID: 0009_transcripts
Revises: 0008_showings_and_reel_cards
Create Date: 2026-12-07

On SQLite the segments' text is indexed by an FTS5 table kept in step by triggers (so an undo,
which writes rows directly, keeps it right too). Other databases, and a SQLite built without
FTS5, get no index here: searching falls back to matching words (app.transcripts.search looks
for the table; PostgreSQL's full text comes with the team library).
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_transcripts'
down_revision = '0008_showings_and_reel_cards'
branch_labels = None
depends_on = None

# The search index's tables (FTS5 makes the shadow tables itself): app.transcripts.search names them too.
INDEX = "transcript_search"
TRIGGERS = {
    "transcript_search_ai": f"""CREATE TRIGGER transcript_search_ai AFTER INSERT ON transcript_segments BEGIN
        INSERT INTO {INDEX}(rowid, text) VALUES (new.id, new.text); END""",
    "transcript_search_ad": f"""CREATE TRIGGER transcript_search_ad AFTER DELETE ON transcript_segments BEGIN
        INSERT INTO {INDEX}({INDEX}, rowid, text) VALUES ('delete', old.id, old.text); END""",
    "transcript_search_au": f"""CREATE TRIGGER transcript_search_au AFTER UPDATE OF text ON transcript_segments BEGIN
        INSERT INTO {INDEX}({INDEX}, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO {INDEX}(rowid, text) VALUES (new.id, new.text); END""",
}


def _sqlite_with_fts5() -> bool:
    """Whether this database is SQLite and can make an FTS5 table (a SQLite may be built
    without it): a throwaway one is made and dropped in the connection's temporary schema."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.transcript_search_probe USING fts5(text)")
    except sa.exc.DBAPIError:
        return False
    bind.exec_driver_sql("DROP TABLE temp.transcript_search_probe")
    return True


def upgrade() -> None:
    op.create_table('transcripts',
    sa.Column('film_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=60), nullable=False),
    sa.Column('sound_us', sa.BigInteger(), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['film_id'], ['films.id'], name=op.f('fk_transcripts_film_id_films'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('film_id', name=op.f('pk_transcripts'))
    )
    op.create_table('transcript_segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('film_id', sa.Integer(), nullable=False),
    sa.Column('start_us', sa.BigInteger(), nullable=False),
    sa.Column('end_us', sa.BigInteger(), nullable=False),
    sa.Column('speaker', sa.String(length=100), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('words_json', sa.Text(), nullable=False),
    sa.CheckConstraint('start_us >= 0 AND end_us >= start_us', name=op.f('ck_transcript_segments_range')),
    sa.ForeignKeyConstraint(['film_id'], ['transcripts.film_id'],
                            name=op.f('fk_transcript_segments_film_id_transcripts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_segments'))
    )
    with op.batch_alter_table('transcript_segments', schema=None) as batch_op:
        batch_op.create_index('ix_transcript_segments_film_start', ['film_id', 'start_us'], unique=False)
    if _sqlite_with_fts5():
        op.execute(f"CREATE VIRTUAL TABLE {INDEX} USING fts5(text, content='transcript_segments', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
        for sql in TRIGGERS.values():
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {INDEX}")
    with op.batch_alter_table('transcript_segments', schema=None) as batch_op:
        batch_op.drop_index('ix_transcript_segments_film_start')
    op.drop_table('transcript_segments')
    op.drop_table('transcripts')
