"""reel titles are unique, whatever their letter case

A reel is named on the command line by its title (``reel export TITLE``); two processes
creating the same title at once must not both succeed. Libraries that already hold the same
title twice keep every reel: the later ones are renamed "TITLE (2)", "TITLE (3)"...

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    reels = sa.table("reels", sa.column("id", sa.Integer), sa.column("title", sa.String))
    taken: set[str] = set()
    rows = conn.execute(sa.select(reels.c.id, reels.c.title).order_by(reels.c.id)).all()
    every = {title.lower() for _id, title in rows}
    for reel_id, title in rows:
        new, n = title, 1
        # A new name must not be taken now nor be another reel's own title, met later.
        while new.lower() in taken or (new != title and new.lower() in every):
            n += 1
            new = f"{title} ({n})"
        taken.add(new.lower())
        if new != title:
            conn.execute(reels.update().where(reels.c.id == reel_id).values(title=new))
    op.create_index("uq_reels_title_lower", "reels", [sa.text("lower(title)")], unique=True)


def downgrade() -> None:
    op.drop_index("uq_reels_title_lower", table_name="reels")
