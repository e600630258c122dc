"""indexes for the clip list's order and its tag filters at any size (100,000 clips)

Revision ID: 0013_list_order_indexes
Revises: 0012_transcript_full_text
Create Date: 2026-12-07

films(title, id): the clip list is ordered by film title, then film, then start; with this
index the first page walks the films in title order and each film's clips by
ix_clips_film_start, and stops after a page, instead of sorting every clip.
clip_tags(tag_id, clip_id): a tag's clips (and their count) straight from the index, without
reading the link rows.
"""
from alembic import op


revision = '0013_list_order_indexes'
down_revision = '0012_transcript_full_text'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_films_title', 'films', ['title', 'id'])
    op.create_index('ix_clip_tags_tag_clip', 'clip_tags', ['tag_id', 'clip_id'])


def downgrade() -> None:
    op.drop_index('ix_clip_tags_tag_clip', table_name='clip_tags')
    op.drop_index('ix_films_title', table_name='films')
