"""films.mirror: a front camera's left-right flip, kept beside the rotation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('films') as batch:
        batch.add_column(sa.Column('mirror', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('films') as batch:
        batch.drop_column('mirror')
