"""first schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('name', name=op.f('uq_events_name'))
    )
    op.create_table('library_meta',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_library_meta'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('consent', sa.String(length=20), nullable=False),
    sa.Column('consent_withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint("consent IN ('none', 'team', 'collaborative', 'public')", name=op.f('ck_people_consent')),
    sa.CheckConstraint("role IN ('actor', 'lived_experience', 'carer', 'staff', 'facilitator')", name=op.f('ck_people_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('name', name=op.f('uq_people_name'))
    )
    op.create_table('prototypes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("stage IN ('idea', 'prototyping', 'testing', 'adopted', 'dropped')", name=op.f('ck_prototypes_stage')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prototypes')),
    sa.UniqueConstraint('name', name=op.f('uq_prototypes_name'))
    )
    op.create_table('reels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subtitle', sa.String(length=300), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('settings_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("audience IN ('team', 'collaborative', 'public')", name=op.f('ck_reels_audience')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reels'))
    )
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('color', sa.String(length=9), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('shortcut', sa.String(length=1), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('challenge', 'opportunity', 'theme')", name=op.f('ck_tags_kind')),
    sa.ForeignKeyConstraint(['parent_id'], ['tags.id'], name=op.f('fk_tags_parent_id_tags'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('kind', 'name', name='uq_tags_kind_name')
    )
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reel_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('items_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reel_id'], ['reels.id'], name=op.f('fk_exports_reel_id_reels'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exports_reel_id'), ['reel_id'], unique=False)

    op.create_table('films',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('linked', sa.Boolean(), nullable=False),
    sa.Column('original_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('container', sa.String(length=100), nullable=False),
    sa.Column('duration_us', sa.BigInteger(), nullable=False),
    sa.Column('start_us', sa.BigInteger(), nullable=False),
    sa.Column('has_video', sa.Boolean(), nullable=False),
    sa.Column('video_codec', sa.String(length=50), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('rotation', sa.Integer(), nullable=False),
    sa.Column('sar_num', sa.Integer(), nullable=False),
    sa.Column('sar_den', sa.Integer(), nullable=False),
    sa.Column('fps_num', sa.Integer(), nullable=True),
    sa.Column('fps_den', sa.Integer(), nullable=True),
    sa.Column('frame_count', sa.Integer(), nullable=True),
    sa.Column('vfr', sa.Boolean(), nullable=False),
    sa.Column('has_audio', sa.Boolean(), nullable=False),
    sa.Column('audio_codec', sa.String(length=50), nullable=False),
    sa.Column('audio_rate', sa.Integer(), nullable=True),
    sa.Column('audio_channels', sa.Integer(), nullable=True),
    sa.Column('missing', sa.Boolean(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('duration_us >= 0', name=op.f('ck_films_duration')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_films_event_id_events'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_films')),
    sa.UniqueConstraint('sha256', name=op.f('uq_films_sha256'))
    )
    with op.batch_alter_table('films', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_films_event_id'), ['event_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('reel_id', sa.Integer(), nullable=True),
    sa.Column('prototype_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['prototype_id'], ['prototypes.id'], name=op.f('fk_reviews_prototype_id_prototypes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reel_id'], ['reels.id'], name=op.f('fk_reviews_reel_id_reels'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    op.create_table('appearances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('film_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['film_id'], ['films.id'], name=op.f('fk_appearances_film_id_films'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_appearances_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appearances')),
    sa.UniqueConstraint('person_id', 'film_id', name='uq_appearances_person_film')
    )
    with op.batch_alter_table('appearances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appearances_film_id'), ['film_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appearances_person_id'), ['person_id'], unique=False)

    op.create_table('clips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('film_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('start_us', sa.BigInteger(), nullable=False),
    sa.Column('end_us', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('start_us >= 0 AND end_us > start_us', name=op.f('ck_clips_range')),
    sa.ForeignKeyConstraint(['film_id'], ['films.id'], name=op.f('fk_clips_film_id_films'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clips'))
    )
    with op.batch_alter_table('clips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clips_film_id'), ['film_id'], unique=False)
        batch_op.create_index('ix_clips_film_start', ['film_id', 'start_us'], unique=False)

    op.create_table('clip_prototypes',
    sa.Column('clip_id', sa.Integer(), nullable=False),
    sa.Column('prototype_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clip_id'], ['clips.id'], name=op.f('fk_clip_prototypes_clip_id_clips'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prototype_id'], ['prototypes.id'], name=op.f('fk_clip_prototypes_prototype_id_prototypes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('clip_id', 'prototype_id', name=op.f('pk_clip_prototypes'))
    )
    with op.batch_alter_table('clip_prototypes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clip_prototypes_prototype_id'), ['prototype_id'], unique=False)

    op.create_table('clip_tags',
    sa.Column('clip_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['clip_id'], ['clips.id'], name=op.f('fk_clip_tags_clip_id_clips'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_clip_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('clip_id', 'tag_id', name=op.f('pk_clip_tags'))
    )
    with op.batch_alter_table('clip_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clip_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('reel_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reel_id', sa.Integer(), nullable=False),
    sa.Column('clip_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('card_text', sa.Text(), nullable=False),
    sa.Column('caption', sa.Text(), nullable=True),
    sa.Column('fade', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['clip_id'], ['clips.id'], name=op.f('fk_reel_items_clip_id_clips'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reel_id'], ['reels.id'], name=op.f('fk_reel_items_reel_id_reels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reel_items'))
    )
    with op.batch_alter_table('reel_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reel_items_clip_id'), ['clip_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reel_items_reel_id'), ['reel_id'], unique=False)

    op.create_table('review_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('clip_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['clip_id'], ['clips.id'], name=op.f('fk_review_notes_clip_id_clips'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_notes_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_notes'))
    )
    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_notes_clip_id'), ['clip_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_notes_review_id'), ['review_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_notes_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_notes_clip_id'))

    op.drop_table('review_notes')
    with op.batch_alter_table('reel_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reel_items_reel_id'))
        batch_op.drop_index(batch_op.f('ix_reel_items_clip_id'))

    op.drop_table('reel_items')
    with op.batch_alter_table('clip_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clip_tags_tag_id'))

    op.drop_table('clip_tags')
    with op.batch_alter_table('clip_prototypes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clip_prototypes_prototype_id'))

    op.drop_table('clip_prototypes')
    with op.batch_alter_table('clips', schema=None) as batch_op:
        batch_op.drop_index('ix_clips_film_start')
        batch_op.drop_index(batch_op.f('ix_clips_film_id'))

    op.drop_table('clips')
    with op.batch_alter_table('appearances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appearances_person_id'))
        batch_op.drop_index(batch_op.f('ix_appearances_film_id'))

    op.drop_table('appearances')
    op.drop_table('reviews')
    with op.batch_alter_table('films', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_films_event_id'))

    op.drop_table('films')
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exports_reel_id'))

    op.drop_table('exports')
    op.drop_table('tags')
    op.drop_table('reels')
    op.drop_table('prototypes')
    op.drop_table('people')
    op.drop_table('library_meta')
    op.drop_table('events')
