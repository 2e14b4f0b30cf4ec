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
    session.add(
        AuditEvent(
            challenge_id=challenge_id,
            actor_id=actor,
            action=action,
            subject=subject,
            detail=detail,
            at=at,
        )
    )


def events_for(session: Session, challenge_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.challenge_id == challenge_id)
            .order_by(AuditEvent.id)
        )
    )
