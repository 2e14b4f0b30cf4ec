"""Moderation: a coordinator hides an idea that breaks the rules, with a reason.

Hiding an idea replaces its card (and its panel message, if it has one) with "Removed by
the coordinator", gives its votes back to their voters, takes it off the shortlist (so out
of the ranking), tells its author privately why, and is audited. Restoring it, before the
panel starts, puts the card back; the votes it had stay with their voters, who may back it
again.
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from challenges import audit, ballots, outbox, places
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import InvalidInput, LairError, Problem, WrongStage
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.enums import IdeaStatus
from storage.models import AuditEvent, Challenge, Idea

REASON_LIMIT = 500
HIDEABLE = (Stage.SUBMISSIONS, Stage.VOTING, Stage.PANEL)  # before any decision is recorded
RESTORABLE = (Stage.SUBMISSIONS, Stage.VOTING)  # before the panel
ACTIONS = ("idea.removed", "idea.restored")  # audit actions


@dataclass(frozen=True)
class Moderated:
    idea: Idea
    challenge: Challenge
    votes_released: int = 0


def hide_idea(ctx: Context, actor: str, idea_id: int, reason: str) -> Moderated:
    """Hide the idea for `reason` (told to its author privately)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput({"reason": Problem(Code.REMOVAL_REASON_NEEDED)})
    if len(reason) > REASON_LIMIT:
        raise InvalidInput({"reason": Problem(Code.REMOVAL_REASON_TOO_LONG,
                                              {"limit": REASON_LIMIT, "length": len(reason)})})  # fmt: skip
    now = ctx.now()
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        idea = ballots.lock_idea(session, idea_id)  # before any check: see challenges/ballots.py
        challenge = get_challenge(session, idea.challenge_id)
        if idea.status == IdeaStatus.REMOVED:
            raise LairError(Code.IDEA_ALREADY_REMOVED, title=idea.title, idea_id=idea.id)
        if idea.status == IdeaStatus.WITHDRAWN:
            raise LairError(Code.IDEA_WITHDRAWN_NOT_REMOVED, title=idea.title)
        if challenge.stage not in HIDEABLE:
            raise WrongStage(Code.CANNOT_REMOVE_NOW, title=idea.title,
                             stage=Stage(challenge.stage).label)  # fmt: skip
        released = ballots.release_votes(session, idea, now)
        was_shortlisted = idea.shortlisted
        idea.status, idea.shortlisted, idea.updated_at = IdeaStatus.REMOVED, False, now
        session.add(idea)
        event = _actions_so_far(session, idea.id)
        audit.record(
            session, actor=actor, action="idea.removed", at=now, challenge_id=challenge.id,
            subject=f"idea:{idea.id}", reason=reason, votes_released=released,
            was_shortlisted=was_shortlisted,
        )  # fmt: skip
        _tell(session, idea, challenge, now, reason=reason, restored=False, event=event)
        return Moderated(idea, challenge, released)


def restore_idea(ctx: Context, actor: str, idea_id: int) -> Moderated:
    """Put a hidden idea back, before the panel starts."""
    now = ctx.now()
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        idea = ballots.lock_idea(session, idea_id)
        challenge = get_challenge(session, idea.challenge_id)
        if idea.status != IdeaStatus.REMOVED:
            raise LairError(Code.IDEA_NOT_REMOVED, title=idea.title)
        if challenge.stage not in RESTORABLE:
            raise WrongStage(Code.CANNOT_RESTORE_NOW, title=idea.title,
                             stage=Stage(challenge.stage).label)  # fmt: skip
        idea.status, idea.updated_at = IdeaStatus.SUBMITTED, now
        session.add(idea)
        event = _actions_so_far(session, idea.id)
        audit.record(
            session, actor=actor, action="idea.restored", at=now, challenge_id=challenge.id,
            subject=f"idea:{idea.id}",
        )  # fmt: skip
        _tell(session, idea, challenge, now, reason="", restored=True, event=event)
        return Moderated(idea, challenge)


def _actions_so_far(session: Session, idea_id: int) -> int:
    """How many times the idea has been hidden or restored: each time's messages are its own."""
    return session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.subject == f"idea:{idea_id}", AuditEvent.action.in_(ACTIONS))
    ).one()


def _tell(session: Session, idea: Idea, challenge: Challenge, now, *, reason: str,
          restored: bool, event: int) -> None:  # fmt: skip
    """Redraw the idea's card (and panel message) and tell its author privately."""
    session.flush()
    outbox.enqueue(
        session, key=f"idea:{idea.id}:card:moderated:{event}", kind=outbox.MessageKind.CARD_UPDATE,
        to=outbox.redraw(places.card(idea.id), challenge.channel_id),
        payload={"idea_id": idea.id}, now=now, challenge=challenge,
    )  # fmt: skip
    if challenge.panel_channel_id and places.find(session, places.panel(idea.id)) is not None:
        outbox.enqueue(
            session, key=f"idea:{idea.id}:panel:moderated:{event}",
            kind=outbox.MessageKind.PANEL_PARENT,
            to=outbox.redraw(places.panel(idea.id), challenge.panel_channel_id),
            payload={"idea_id": idea.id}, now=now, challenge=challenge,
        )  # fmt: skip
    outbox.enqueue(
        session, key=f"idea:{idea.id}:moderation:{event}", kind=outbox.MessageKind.MODERATION,
        to=outbox.to_person(idea.author_id),
        payload={"idea_id": idea.id, "reason": reason, "restored": restored}, now=now,
        challenge=challenge,
    )  # fmt: skip
