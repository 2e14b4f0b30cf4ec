"""Workspaces, places and audiences: one core for every platform and workspace.

- A `workspace` table; every challenge, coordinator grant, audit event and outbox row
  belongs to one. An install that has data joins one Slack workspace whose team id is
  learnt (and filled in) when Lair next connects with its bot token.
- Where Lair posted a message is a `postedmessage` row (the platform's reference as data)
  instead of Slack `ts` columns on ideas, challenges and the outbox.
- The outbox names its platform and its audience (a channel, a person, a thread under a
  posted message, or a posted message redrawn) instead of a bare Slack id.
- Platform ids are wide enough for Teams (user ids 128, conversation ids 255).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

USER = sqlmodel.sql.sqltypes.AutoString(length=128)
CONVERSATION = sqlmodel.sql.sqltypes.AutoString(length=255)
OLD_ID = sa.VARCHAR(length=32)

# Outbox kinds of 0001 that were private messages to one person.
_TO_PERSON = {"learning_update", "direct", "panel_nudge", "author_notice", "outcome"}

_widen_users = {
    "ballot": ["voter_id"],
    "conflict": ["user_id"],
    "decision": ["decided_by"],
    "idea": ["author_id"],
    "ideamember": ["user_id"],
    "panelmember": ["user_id", "added_by"],
    "pendingimport": ["uploaded_by"],
    "scorecard": ["member_id"],
    "vote": ["voter_id"],
}


def upgrade() -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    bind = op.get_bind()

    op.create_table(
        "workspace",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("installed_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("uninstalled_at", storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "tenant_id", name="uq_workspace_tenant"),
    )
    op.create_table(
        "postedmessage",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=True),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", CONVERSATION, nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("service_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("posted_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"]),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"]),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("postedmessage") as b:
        b.create_index("ix_posted_message_place", ["conversation_id", "message_id"])
        b.create_index(b.f("ix_postedmessage_challenge_id"), ["challenge_id"])
        b.create_index(b.f("ix_postedmessage_idea_id"), ["idea_id"])

    # The one workspace an existing install's rows join (only if it has any).
    has_data = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in ("challenge", "coordinator", "auditevent", "outboxmessage")
    )
    workspace_id = None
    if has_data:
        workspace = sa.table(
            "workspace", sa.column("id", sa.Integer), sa.column("platform"),
            sa.column("tenant_id"), sa.column("name"), sa.column("installed_at"),
        )  # fmt: skip
        bind.execute(
            workspace.insert().values(platform="slack", tenant_id="", name="", installed_at=now)
        )
        workspace_id = bind.execute(sa.select(workspace.c.id)).scalar_one()

    # Nullable first, filled, then required.
    for table in ("challenge", "auditevent", "outboxmessage"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("workspace_id", sa.Integer(), nullable=True))
        if workspace_id is not None:
            bind.execute(sa.text(f"UPDATE {table} SET workspace_id = :w"), {"w": workspace_id})

    _places(bind, workspace_id, now)
    _outbox(bind)

    with op.batch_alter_table("challenge") as b:
        b.alter_column("workspace_id", existing_type=sa.Integer(), nullable=False)
        b.alter_column(
            "channel_id", existing_type=OLD_ID, type_=CONVERSATION, existing_nullable=False
        )
        b.alter_column(
            "panel_channel_id", existing_type=OLD_ID, type_=CONVERSATION, existing_nullable=True
        )
        b.alter_column("created_by", existing_type=OLD_ID, type_=USER, existing_nullable=False)
        b.create_index(b.f("ix_challenge_workspace_id"), ["workspace_id"])
        b.create_foreign_key("fk_challenge_workspace", "workspace", ["workspace_id"], ["id"])
        b.drop_column("announcement_channel")
        b.drop_column("announcement_ts")

    with op.batch_alter_table("auditevent") as b:
        b.alter_column("actor_id", existing_type=OLD_ID, type_=USER, existing_nullable=False)
        b.create_index(b.f("ix_auditevent_workspace_id"), ["workspace_id"])
        b.create_foreign_key("fk_auditevent_workspace", "workspace", ["workspace_id"], ["id"])

    with op.batch_alter_table("outboxmessage") as b:
        b.alter_column("workspace_id", existing_type=sa.Integer(), nullable=False)
        for name in ("platform", "audience"):
            b.alter_column(
                name, existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
            )
        b.alter_column("address", existing_type=CONVERSATION, nullable=False)
        b.create_index("ix_outbox_queue", ["workspace_id", "address", "status"])
        b.create_foreign_key("fk_outboxmessage_workspace", "workspace", ["workspace_id"], ["id"])
        b.drop_column("sent_channel")
        b.drop_column("sent_ts")
        b.drop_column("target")

    with op.batch_alter_table("idea") as b:
        b.drop_column("card_ts")
        b.drop_column("card_channel")
        b.drop_column("panel_ts")

    for table, columns in _widen_users.items():
        with op.batch_alter_table(table) as b:
            for column in columns:
                b.alter_column(column, existing_type=OLD_ID, type_=USER, existing_nullable=False)

    # A grant belongs to a workspace: the key becomes (workspace_id, user_id).
    op.create_table(
        "coordinator_0002",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", USER, nullable=False),
        sa.Column("granted_by", USER, nullable=False),
        sa.Column("granted_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"]),
        sa.PrimaryKeyConstraint("workspace_id", "user_id"),
    )
    if workspace_id is not None:
        bind.execute(
            sa.text(
                "INSERT INTO coordinator_0002 (workspace_id, user_id, granted_by, granted_at) "
                "SELECT :w, user_id, granted_by, granted_at FROM coordinator"
            ),
            {"w": workspace_id},
        )
    op.drop_table("coordinator")
    op.rename_table("coordinator_0002", "coordinator")
    if bind.dialect.name == "postgresql":  # keep the conventional name for the renamed key
        op.execute("ALTER INDEX coordinator_0002_pkey RENAME TO coordinator_pkey")


def _places(bind, workspace_id: int | None, now: datetime) -> None:
    """Where 0001 kept Slack message ts values, as postedmessage rows."""
    if workspace_id is None:
        return
    posted = sa.table(
        "postedmessage", sa.column("key"), sa.column("workspace_id"), sa.column("challenge_id"),
        sa.column("idea_id"), sa.column("conversation_id"), sa.column("message_id"),
        sa.column("service_url"), sa.column("outbox_id"), sa.column("posted_at"),
    )  # fmt: skip
    rows: dict[str, dict] = {}

    def add(key, challenge_id, idea_id, conversation, ts, outbox_id=None):
        if conversation and ts:
            rows[key] = dict(key=key, workspace_id=workspace_id, challenge_id=challenge_id,
                             idea_id=idea_id, conversation_id=conversation, message_id=ts,
                             service_url=None, outbox_id=outbox_id, posted_at=now)  # fmt: skip

    for idea_id, challenge_id, channel, ts, panel_ts, panel_channel in bind.execute(
        sa.text(
            "SELECT i.id, i.challenge_id, i.card_channel, i.card_ts, i.panel_ts, c.panel_channel_id "
            "FROM idea i JOIN challenge c ON c.id = i.challenge_id"
        )
    ):
        add(f"idea:{idea_id}:card", challenge_id, idea_id, channel, ts)
        add(f"idea:{idea_id}:panel", challenge_id, idea_id, panel_channel, panel_ts)
    for challenge_id, channel, ts in bind.execute(
        sa.text("SELECT id, announcement_channel, announcement_ts FROM challenge")
    ):
        add(f"challenge:{challenge_id}:announcement", challenge_id, None, channel, ts)
    for outbox_id, challenge_id, channel, ts in bind.execute(
        sa.text(
            "SELECT id, challenge_id, sent_channel, sent_ts FROM outboxmessage "
            "WHERE kind = 'results' AND status = 'sent'"
        )
    ):
        add(f"challenge:{challenge_id}:results", challenge_id, None, channel, ts, outbox_id)
    if rows:
        bind.execute(posted.insert(), list(rows.values()))


def _outbox(bind) -> None:
    """Each outbox row's platform, audience, address, and the place it records or redraws."""
    with op.batch_alter_table("outboxmessage") as b:
        b.add_column(
            sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        b.add_column(
            sa.Column("audience", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        b.add_column(sa.Column("address", CONVERSATION, nullable=True))
        b.add_column(
            sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        b.add_column(
            sa.Column("save_as", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
    outbox = sa.table(
        "outboxmessage", sa.column("id", sa.Integer), sa.column("platform"), sa.column("audience"),
        sa.column("address"), sa.column("place"), sa.column("save_as"),
    )  # fmt: skip
    rows = bind.execute(
        sa.text("SELECT id, kind, target, challenge_id, payload FROM outboxmessage")
    ).all()
    for outbox_id, kind, target, challenge_id, payload in rows:
        payload = _json(payload)
        idea_id = payload.get("idea_id")
        audience, place, save_as = "channel", None, None
        if kind in _TO_PERSON:
            audience = "person"
        elif kind == "card_update":
            audience, place = "update", f"idea:{idea_id}:card"
        elif kind == "idea_card":
            save_as = f"idea:{idea_id}:card"
        elif kind == "panel_parent":
            save_as = f"idea:{idea_id}:panel"
        elif kind == "results":
            save_as = f"challenge:{challenge_id}:results"
        elif kind == "stage_announcement" and payload.get("stage") == "submissions":
            save_as = f"challenge:{challenge_id}:announcement"
        bind.execute(
            outbox.update()
            .where(outbox.c.id == outbox_id)
            .values(
                platform="slack", audience=audience, address=target, place=place, save_as=save_as
            )  # fmt: skip
        )


def _json(value) -> dict:
    if isinstance(value, dict):
        return value
    import json

    return json.loads(value or "{}")


def downgrade() -> None:
    raise NotImplementedError(
        "0002 cannot be undone: restore the backup taken before upgrading (see README, Upgrading)."
    )
