"""Reminders before each close, the panel's "you still have ideas to score" nudges, and,
once a round is closed, funded teams' learning-update reminders.

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
from storage.models import (
    Challenge,
    Conflict,
    Decision,
    Idea,
    IdeaMember,
    LearningUpdate,
    OutboxMessage,
    PanelMember,
    Scorecard,
)


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


def learning_key(idea_id: int, day, user: str) -> str:
    return f"idea:{idea_id}:learning:{day}:{user}"


def second_key(idea_id: int, day, user: str) -> str:
    return f"{learning_key(idea_id, day, user)}:again"


def _second_nudge(session: Session, challenge: Challenge, idea_id: int, day, user: str,
                  now: datetime) -> bool:  # fmt: skip
    """Remind a team member once more when their team has not shared the update a week after
    their first reminder (measured from when it was queued, so a clock that was down does
    not send both at once)."""
    answered = session.exec(
        select(LearningUpdate.id).where(LearningUpdate.idea_id == idea_id, LearningUpdate.due_date == day)
    ).first()  # fmt: skip
    if answered is not None:
        return False
    first = session.exec(
        select(OutboxMessage.created_at).where(OutboxMessage.dedupe_key == learning_key(idea_id, day, user))
    ).first()  # fmt: skip
    if first is None or first + timeline.LEARNING_OVERDUE_AFTER > now:
        return False
    return outbox.enqueue(
        session, key=second_key(idea_id, day, user), kind=outbox.MessageKind.LEARNING_NUDGE,
        to=outbox.to_person(user), payload={"idea_id": idea_id, "date": day.isoformat()},
        now=now, challenge=challenge,
    )  # fmt: skip


def enqueue_learning_updates(session: Session, challenge: Challenge, now: datetime) -> int:
    """DM every member of each funded team on each learning-update date that has come, once
    (the dedupe key is per idea, date and person, so a clock that was down catches up); a
    week later, once more to the members of a team that has not shared its update."""
    moments = timeline.learning_moments(challenge)
    due = [day for day, at in moments if at <= now]
    overdue = [day for day, at in moments if at + timeline.LEARNING_OVERDUE_AFTER <= now]
    if not due:
        return 0
    funded = session.exec(
        select(Idea.id)
        .join(Decision, Decision.idea_id == Idea.id)
        .where(
            Idea.challenge_id == challenge.id,
            Decision.outcome == "fund",
            Idea.status != "withdrawn",
        )
        .order_by(Idea.id)
    ).all()
    queued = 0
    for idea_id in funded:
        team = session.exec(
            select(IdeaMember.user_id)
            .where(IdeaMember.idea_id == idea_id)
            .order_by(IdeaMember.user_id)
        ).all()
        for day in due:
            for user in team:
                queued += outbox.enqueue(
                    session, key=learning_key(idea_id, day, user), kind=outbox.MessageKind.LEARNING_UPDATE,
                    to=outbox.to_person(user), payload={"idea_id": idea_id, "date": day.isoformat()},
                    now=now, challenge=challenge,
                )  # fmt: skip
        for day in overdue:
            for user in team:
                queued += _second_nudge(session, challenge, idea_id, day, user, now)
    if queued:
        audit.record(
            session, actor="scheduler", action="reminder.queued", at=now, challenge_id=challenge.id,
            subject=f"challenge:{challenge.id}", stage=Stage.CLOSED.value, messages=queued,
        )  # fmt: skip
    return queued


def enqueue_due(session: Session, challenge: Challenge, now: datetime) -> int:
    """Queue the reminders due now: before the current stage's close, or, once the round is
    closed, the learning updates. Returns messages queued."""
    if challenge.stage == Stage.CLOSED:
        return enqueue_learning_updates(session, challenge, now)
    if not timeline.reminder_due(challenge, now):
        return 0
    stage = Stage(challenge.stage)
    queued = 0
    target = challenge.panel_channel_id if stage == Stage.PANEL else challenge.channel_id
    payload = {"challenge_id": challenge.id, "stage": stage.value}
    if target and outbox.enqueue(
        session, key=reminder_key(challenge.id, stage), kind=outbox.MessageKind.REMINDER,
        to=outbox.to_channel(target), payload=payload, now=now, challenge=challenge,
    ):  # fmt: skip
        queued += 1
    if stage == Stage.PANEL:
        for member in unscored(session, challenge.id):
            queued += outbox.enqueue(
                session, key=nudge_key(challenge.id, member), kind=outbox.MessageKind.PANEL_NUDGE,
                to=outbox.to_person(member), payload={"challenge_id": challenge.id, "member": member},
                now=now, challenge=challenge,
            )  # fmt: skip
    if queued:
        audit.record(
            session, actor="scheduler", action="reminder.queued", at=now,
            challenge_id=challenge.id, subject=f"challenge:{challenge.id}", stage=stage.value,
            messages=queued,
        )  # fmt: skip
    return queued
