"""The audit trail: who did what, when. Written in the same transaction as the change."""

from typing import Any

from sqlmodel import Session

from challenges.scope import workspace_of
from storage.models import AuditEvent, Challenge


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    at,
    challenge_id: int | None = None,
    workspace_id: int | None = None,
    subject: str = "",
    **detail: Any,
) -> None:
    """Append an event. Its workspace is the one given, else the acting person's, else
    (Lair itself acting, e.g. the clock) the challenge's."""
    workspace_id = workspace_id or workspace_of(session)
    if workspace_id is None and challenge_id is not None:
        challenge = session.get(Challenge, challenge_id)
        workspace_id = challenge.workspace_id if challenge is not None else None
    # A prebuilt Core insert: an audit row is never read back in the transaction that
    # writes it, so it need not go through the ORM's unit of work (a vote's hot path).
    session.connection().execute(
        _INSERT,
        {"workspace_id": workspace_id, "challenge_id": challenge_id, "actor_id": actor,
         "action": action, "subject": subject, "detail": detail, "at": at},
    )  # fmt: skip


_INSERT = AuditEvent.__table__.insert()
