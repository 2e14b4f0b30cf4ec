"""Challenge coordinators, and themes up to 100 characters.

`challenge_coordinator`: one row per challenge and coordinator given it (the grant
command with a challenge's number); the App Home's "Your challenges" lists the challenges a
coordinator created or was given. `idea.theme` widens from 80 to 100 characters, the
longest theme a challenge may now list.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types
from storage import search_index

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challengecoordinator",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("given_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("given_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"]),
        sa.PrimaryKeyConstraint("challenge_id", "user_id"),
    )
    with op.batch_alter_table("challengecoordinator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_challengecoordinator_user_id"), ["user_id"], unique=False
        )
    # An idea's theme is one of its challenge's, which may now be up to 100 characters.
    # The ideas' full-text index reads the column (PostgreSQL's generated tsvector) and
    # SQLite rebuilds the table (losing its triggers): the index is dropped and rebuilt.
    _widen_theme(80, 100)


def _widen_theme(old: int, new: int) -> None:
    dialect = op.get_bind().dialect.name
    for statement in search_index.drop_statements(dialect, search_index.IDEAS):
        op.execute(statement)
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.alter_column(
            "theme",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=old),
            type_=sqlmodel.sql.sqltypes.AutoString(length=new),
            existing_nullable=True,
        )
    for statement in search_index.create_statements(dialect, search_index.IDEAS):
        op.execute(statement)


def downgrade() -> None:
    _widen_theme(100, 80)
    with op.batch_alter_table("challengecoordinator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challengecoordinator_user_id"))
    op.drop_table("challengecoordinator")
