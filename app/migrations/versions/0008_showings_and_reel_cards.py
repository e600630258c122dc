"""exports: the review a showing belongs to; reviews: a reel's opening and closing cards;
review items: a reel item's own card

Revision ID: 0008_showings_and_reel_cards
Revises: 0007_person_faces
Create Date: 2026-12-07
"""
import warnings

from alembic import op
import sqlalchemy as sa


revision = '0008_showings_and_reel_cards'
down_revision = '0007_person_faces'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with warnings.catch_warnings():  # see 0005: reflecting `reels` warns about an index not touched here
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('exports', schema=None) as batch_op:
            batch_op.add_column(sa.Column('review_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f('ix_exports_review_id'), ['review_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f('fk_exports_review_id_reviews'), 'reviews', ['review_id'], ['id'],
                                        ondelete='SET NULL')
        with op.batch_alter_table('reviews', schema=None) as batch_op:
            batch_op.add_column(sa.Column('opening_title', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('opening_subtitle', sa.Text(), server_default='', nullable=False))
            batch_op.add_column(sa.Column('closing_credits', sa.Text(), nullable=True))
        with op.batch_alter_table('review_items', schema=None) as batch_op:
            batch_op.add_column(sa.Column('card', sa.Text(), nullable=True))


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('review_items', schema=None) as batch_op:
            batch_op.drop_column('card')
        with op.batch_alter_table('reviews', schema=None) as batch_op:
            batch_op.drop_column('closing_credits')
            batch_op.drop_column('opening_subtitle')
            batch_op.drop_column('opening_title')
        with op.batch_alter_table('exports', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('fk_exports_review_id_reviews'), type_='foreignkey')
            batch_op.drop_index(batch_op.f('ix_exports_review_id'))
            batch_op.drop_column('review_id')
