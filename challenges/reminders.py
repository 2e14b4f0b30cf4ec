"""Reminders before each close, and the panel's "you still have ideas to score" nudges.

Each reminder has a dedupe key naming the challenge and the stage, so it is sent once
per stage: if a coordinator moves a close after its reminder went out, the reminder is
not sent again (the channel already knows the stage is closing; the new close shows in
`/challenge status` and the App Home). Moving a close *before* its reminder went out
simply moves the reminder.
"""

from datetime import datetime

from sqlmodel import Session, select

from challenges import audit, outbox, timeline
from challenges.stages import Stage
from storage.models import Challenge, Conflict, Idea, IdeaMember, PanelMember, Scorecard


def reminder_key(challenge_id: int, stage: Stage) -> str:
    return f"challenge:{challenge_id}:reminder:{stage.value}"


def nudge_key(challenge_id: int, member: str) -> str:
    return f"challenge:{challenge_id}:reminder:panel:{member}"


def shortlist(session: Session, challenge_id: int) -> list[Idea]:
    return list(
        session.exec(
            select(Idea)
            .where(
                Idea.challenge_id == challenge_id,
                Idea.shortlisted == True,  # noqa: E712 - SQL comparison
                Idea.status != "withdrawn",
            )
            .order_by(Idea.id)
        )
    )


def unscored(session: Session, challenge_id: int) -> dict[str, list[Idea]]:
    """Each panel member → the shortlisted ideas they may score and have not yet scored.

    A member may not score an idea they authored, are on the team of, or declared a
    conflict on. A member has scored an idea when their scorecard for it exists.
    """
    ideas = shortlist(session, challenge_id)
    ids = [i.id for i in ideas]
    members = session.exec(
        select(PanelMember.user_id)
        .where(PanelMember.challenge_id == challenge_id)
        .order_by(PanelMember.user_id)
    ).all()
    if not ids or not members:
        return {}
    barred = {(i, u) for i, u in session.exec(select(Conflict.idea_id, Conflict.user_id).where(Conflict.idea_id.in_(ids)))}  # fmt: skip
    barred |= {(i, u) for i, u in session.exec(select(IdeaMember.idea_id, IdeaMember.user_id).where(IdeaMember.idea_id.in_(ids)))}  # fmt: skip
    barred |= {(i.id, i.author_id) for i in ideas}
    scored = {(i, u) for i, u in session.exec(select(Scorecard.idea_id, Scorecard.member_id).where(Scorecard.idea_id.in_(ids)))}  # fmt: skip
    left: dict[str, list[Idea]] = {}
    for member in members:
        todo = [i for i in ideas if (i.id, member) not in barred | scored]
        if todo:
            left[member] = todo
    return left


def enqueue_due(session: Session, challenge: Challenge, now: datetime) -> int:
    """Queue the reminder for the current stage if it is due now. Returns messages queued."""
    if not timeline.reminder_due(challenge, now):
        return 0
    stage = Stage(challenge.stage)
    queued = 0
    target = challenge.panel_channel_id if stage == Stage.PANEL else challenge.channel_id
    payload = {"challenge_id": challenge.id, "stage": stage.value}
    if target and outbox.enqueue(
        session, key=reminder_key(challenge.id, stage), kind=outbox.MessageKind.REMINDER,
        target=target, payload=payload, now=now, challenge_id=challenge.id,
    ):  # fmt: skip
        queued += 1
    if stage == Stage.PANEL:
        for member in unscored(session, challenge.id):
            queued += outbox.enqueue(
                session, key=nudge_key(challenge.id, member), kind=outbox.MessageKind.PANEL_NUDGE,
                target=member, payload={"challenge_id": challenge.id, "member": member},
                now=now, challenge_id=challenge.id,
            )  # fmt: skip
    if queued:
        audit.record(
            session, actor="scheduler", action="reminder.queued", at=now,
            challenge_id=challenge.id, subject=f"challenge:{challenge.id}", stage=stage.value,
            messages=queued,
        )  # fmt: skip
    return queued
