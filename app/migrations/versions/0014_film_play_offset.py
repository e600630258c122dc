"""films.play_offset_us: where the film's time zero is on the player's clock. A film whose
unmarked AAC priming sits at the container's start (an MKV muxed by FFmpeg 5.1, an MPEG-TS) now
counts from its first picture, 21 ms after that start; Qt's player still counts from the
container's start. Films already in a library keep the zero they were imported with (the
container's start, offset 0), so their clips, marks and transcripts stay on the same frames.

Revision ID: 0014_film_play_offset
Revises: 0013_list_order_indexes
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_film_play_offset'
down_revision = '0013_list_order_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('films') as batch:
        batch.add_column(sa.Column('play_offset_us', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('films') as batch:
        batch.drop_column('play_offset_us')
