"""films: import_state (registered at once, still being hashed, copied and analysed) and when
it was recorded: the UTC offset there and where the time was read from

Revision ID: 0004_film_import_and_recording
Revises: 0003
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_film_import_and_recording'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('films', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_state', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('recorded_offset_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recorded_source', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('films', schema=None) as batch_op:
        batch_op.drop_column('recorded_source')
        batch_op.drop_column('recorded_offset_min')
        batch_op.drop_column('import_state')
