"""Search and similar ideas.

- The ideas' full-text index: SQLite FTS5 (external content, kept by triggers) or a
  PostgreSQL generated tsvector column with a GIN index (storage/search_index.py).
- `similarcheck`: an idea form held back to show similar ideas, and what its author chose.
- `similaridea`: an idea submitted although similar ones were shown, linked to them.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types
from storage import search_index

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "similarcheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("source_permalink", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("similar", sa.JSON(), nullable=False),
        sa.Column("choice", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("decided_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"]),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("similarcheck", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_similarcheck_challenge_id"), ["challenge_id"], unique=False
        )
    op.create_table(
        "similaridea",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("similar_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["similar_id"], ["idea.id"]),
        sa.PrimaryKeyConstraint("idea_id", "similar_id"),
    )
    with op.batch_alter_table("similaridea", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_similaridea_similar_id"), ["similar_id"], unique=False)
    dialect = op.get_bind().dialect.name
    for searchable in (search_index.IDEAS, search_index.LEARNING):
        for statement in search_index.create_statements(dialect, searchable):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for searchable in (search_index.LEARNING, search_index.IDEAS):
        for statement in search_index.drop_statements(dialect, searchable):
            op.execute(statement)
    with op.batch_alter_table("similaridea", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_similaridea_similar_id"))
    op.drop_table("similaridea")
    with op.batch_alter_table("similarcheck", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_similarcheck_challenge_id"))
    op.drop_table("similarcheck")
