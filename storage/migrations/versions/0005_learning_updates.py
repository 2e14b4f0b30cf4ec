"""Learning updates: what funded teams share on their challenge's learning dates.

`learning_update`: one per idea and learning date (status, what was done, what
happened, what was learned, advice for another council, £ spent in pence, a link),
with who first wrote it and who last changed it.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0005"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learning_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("did", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("happened", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("learned", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("advice", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("spent_pence", sa.Integer(), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("written_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("spent_pence >= 0", name="ck_learning_spent"),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"]),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idea_id", "due_date", name="uq_learning_update"),
    )
    with op.batch_alter_table("learning_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_update_challenge_id"), ["challenge_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_learning_update_idea_id"), ["idea_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("learning_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_update_idea_id"))
        batch_op.drop_index(batch_op.f("ix_learning_update_challenge_id"))
    op.drop_table("learning_update")
