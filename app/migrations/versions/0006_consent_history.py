"""people: consent history, pseudonyms, appearance ranges; clips: safeguarding flag;
exports: kind, subject, who, anonymisation and the people in each export

Revision ID: 0006_consent
Revises: 0005_breakfast_reviews
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_consent'
down_revision = '0005_breakfast_reviews'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('pseudonym', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('clips') as batch:
        batch.add_column(sa.Column('safeguarding', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('safeguarding_note', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('exports') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=30), nullable=False, server_default='reel'))
        batch.add_column(sa.Column('subject', sa.String(length=300), nullable=False, server_default=''))
        batch.add_column(sa.Column('exported_by', sa.String(length=200), nullable=False, server_default=''))
        batch.add_column(sa.Column('anonymisation', sa.Text(), nullable=False, server_default=''))
    op.create_table('appearance_ranges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appearance_id', sa.Integer(), nullable=False),
    sa.Column('start_us', sa.BigInteger(), nullable=False),
    sa.Column('end_us', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('start_us >= 0 AND end_us > start_us', name=op.f('ck_appearance_ranges_range')),
    sa.ForeignKeyConstraint(['appearance_id'], ['appearances.id'], name=op.f('fk_appearance_ranges_appearance_id_appearances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appearance_ranges'))
    )
    op.create_index(op.f('ix_appearance_ranges_appearance_id'), 'appearance_ranges', ['appearance_id'], unique=False)
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=True),
    sa.Column('how', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('withdrawal', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("scope IN ('none', 'team', 'collaborative', 'public')", name=op.f('ck_consent_records_scope')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_consent_records_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    op.create_index(op.f('ix_consent_records_person_id'), 'consent_records', ['person_id'], unique=False)
    op.create_table('export_people',
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('anonymised', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['export_id'], ['exports.id'], name=op.f('fk_export_people_export_id_exports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_export_people_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('export_id', 'person_id', name=op.f('pk_export_people'))
    )
    op.create_index(op.f('ix_export_people_person_id'), 'export_people', ['person_id'], unique=False)
    # The consent each person has today becomes the first record of their history.
    op.execute("INSERT INTO consent_records (person_id, scope, given_on, how, notes, withdrawal, recorded_at) "
               "SELECT id, consent, NULL, '', 'recorded before consent history was kept', "
               "consent_withdrawn_at IS NOT NULL, COALESCE(consent_withdrawn_at, CURRENT_TIMESTAMP) FROM people")


def downgrade() -> None:
    op.drop_index(op.f('ix_export_people_person_id'), table_name='export_people')
    op.drop_table('export_people')
    op.drop_index(op.f('ix_consent_records_person_id'), table_name='consent_records')
    op.drop_table('consent_records')
    op.drop_index(op.f('ix_appearance_ranges_appearance_id'), table_name='appearance_ranges')
    op.drop_table('appearance_ranges')
    with op.batch_alter_table('exports') as batch:
        for col in ('anonymisation', 'exported_by', 'subject', 'kind'):
            batch.drop_column(col)
    with op.batch_alter_table('clips') as batch:
        batch.drop_column('safeguarding_note')
        batch.drop_column('safeguarding')
    with op.batch_alter_table('people') as batch:
        batch.drop_column('pseudonym')
