"""clips.version: raised by every change of a clip, so that an edit made from an older reading
of it (a second facilitator on a team library changed it meanwhile) is refused, not written over

Revision ID: 0011_clip_version
Revises: 0010_film_fields_sound_end
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_clip_version'
down_revision = '0010_film_fields_sound_end'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('clips') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('clips') as batch:
        batch.drop_column('version')
