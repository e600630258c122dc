"""people: faces a facilitator said are theirs (readings for telling faces apart in exports)

Revision ID: 0007_person_faces
Revises: 0006_consent
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_person_faces'
down_revision = '0006_consent'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('person_faces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('film_id', sa.Integer(), nullable=True),
    sa.Column('time_us', sa.BigInteger(), nullable=False),
    sa.Column('x', sa.Integer(), nullable=False),
    sa.Column('y', sa.Integer(), nullable=False),
    sa.Column('w', sa.Integer(), nullable=False),
    sa.Column('h', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=40), nullable=False),
    sa.Column('reading', sa.LargeBinary(), nullable=False),
    sa.Column('picture', sa.LargeBinary(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['film_id'], ['films.id'], name=op.f('fk_person_faces_film_id_films'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_faces_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_faces'))
    )
    with op.batch_alter_table('person_faces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_faces_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person_faces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_faces_person_id'))
    op.drop_table('person_faces')
