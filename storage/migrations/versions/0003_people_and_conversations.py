"""People and conversations: names, and how to reach people and channels unprompted.

`person`: who Lair has met in a workspace (their display name; Teams' per-bot user id).
`conversation`: conversations Lair can post in proactively (Teams needs each one's
service URL); a person's own chat with Lair names them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("service_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("workspace_id", "conversation_id"),
    )
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_person", ["workspace_id", "user_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("platform_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("seen_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
        ),
        sa.PrimaryKeyConstraint("workspace_id", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("person")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_person")
    op.drop_table("conversation")
