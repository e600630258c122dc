"""films.field_order (interlaced pictures: "tff", "bff" or "" for progressive) and
films.sound_end_us (where a damaged film's sound really stops, if before its last sound packet)

Revision ID: 0010_film_fields_sound_end
Revises: 0009_transcripts
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_film_fields_sound_end'
down_revision = '0009_transcripts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('films') as batch:
        batch.add_column(sa.Column('field_order', sa.String(length=3), nullable=False, server_default=''))
        batch.add_column(sa.Column('sound_end_us', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('films') as batch:
        batch.drop_column('sound_end_us')
        batch.drop_column('field_order')
