"""The audit trail: who did what, when. Written in the same transaction as the change."""

from typing import Any

from sqlmodel import Session, select

from storage.models import AuditEvent


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    at,
    challenge_id: int | None = None,
    subject: str = "",
    **detail: Any,
) -> None:
    # A prebuilt Core insert: an audit row is never read back in the transaction that
    # writes it, so it need not go through the ORM's unit of work (a vote's hot path).
    session.connection().execute(
        _INSERT,
        {"challenge_id": challenge_id, "actor_id": actor, "action": action, "subject": subject,
         "detail": detail, "at": at},
    )  # fmt: skip


_INSERT = AuditEvent.__table__.insert()


def events_for(session: Session, challenge_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.challenge_id == challenge_id)
            .order_by(AuditEvent.id)
        )
    )
