"""Retention: when a round's records were reduced, and how many people voted in it.

`challenge.records_reduced_at`: set once, when LAIR_RETENTION_DAYS after the round closed
its votes lost their voters (challenges/retention.py). `challenge.voters_kept`: the number
of people who voted, kept then, since the votes can no longer tell.

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("challenge") as b:
        b.add_column(sa.Column("records_reduced_at", storage.types.UTCDateTime(), nullable=True))
        b.add_column(sa.Column("voters_kept", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("challenge") as b:
        b.drop_column("voters_kept")
        b.drop_column("records_reduced_at")
