"""What each queued message says, as facts, read when its turn to be sent comes — or None
when it no longer applies (a reminder whose close has passed, a nudge to a member who has
since scored everything, a learning reminder for an idea no longer funded). The sender
then skips it. Every platform's adapter words these facts its own way.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from challenges import decisions, ideas, learning, reminders, scoring, setup, timeline
from challenges.context import Context
from challenges.outbox import MessageKind
from challenges.stages import Stage
from storage.enums import IdeaStatus, Outcome
from storage.models import Challenge, Decision, Idea, LearningUpdate, Scorecard, Vote


@dataclass(frozen=True)
class StageNews:
    """A stage has begun (announced in the challenge channel)."""

    challenge: Challenge
    stage: Stage
    shortlist: list[Idea]  # entering the panel: the ideas that go through


@dataclass(frozen=True)
class IdeaCard:
    """An idea's card in the challenge channel (posted, or redrawn in place)."""

    view: ideas.IdeaView
    votes: int | None  # None while the tally is hidden


@dataclass(frozen=True)
class Reminder:
    """A stage closes soon (posted where the stage's work happens)."""

    challenge: Challenge
    stage: Stage
    close: datetime
    scored: int  # the panel stage: scorecards given so far
    expected: int  # … and in all


@dataclass(frozen=True)
class PanelNudge:
    """To one panel member: the ideas they still have to score before the close."""

    challenge: Challenge
    close: datetime
    ideas: list[Idea]


@dataclass(frozen=True)
class AuthorNotice:
    """To an author: voting has opened on their ideas."""

    challenge: Challenge
    ideas: list[Idea]


@dataclass(frozen=True)
class LearningDue:
    """To a funded team member: a learning-update date has come."""

    idea: Idea
    challenge: Challenge
    award: int
    day: date | None = None  # the learning date (older messages may not name it)


@dataclass(frozen=True)
class IdeaModerated:
    """To an author: a coordinator removed their idea (and why), or restored it."""

    idea: Idea
    challenge: Challenge
    reason: str
    restored: bool


def idea_moderated(ctx: Context, payload: dict[str, Any]) -> IdeaModerated:
    view = ideas.load(ctx, payload["idea_id"])
    return IdeaModerated(view.idea, view.challenge, payload["reason"], payload["restored"])


@dataclass(frozen=True)
class Unsendable:
    """To the coordinator: a message about their challenge could not be sent, for good."""

    challenge: Challenge
    kind: MessageKind  # what it was
    idea: Idea | None  # the idea it was about, if one
    error: str  # the platform's reason, as it gave it


def unsendable(ctx: Context, payload: dict[str, Any]) -> Unsendable:
    with ctx.transaction() as session:
        challenge = setup.get(session, payload["challenge_id"])
        idea = session.get(Idea, payload["idea_id"]) if payload.get("idea_id") else None
    return Unsendable(challenge, MessageKind(payload["kind"]), idea, payload["error"])


def idea_card(ctx: Context, idea_id: int) -> IdeaCard:
    """The card as it is now: one read (live counts redraw cards while votes are cast, and a
    read takes no write lock a vote needs)."""
    with ctx.read() as session:
        view = ideas.view_in(session, idea_id)
        votes = None
        if ideas.tallies_visible(view.challenge):
            votes = session.exec(
                select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id)
            ).one()
    return IdeaCard(view, votes)


def stage_news(ctx: Context, challenge_id: int, stage: Stage) -> StageNews:
    with ctx.transaction() as session:
        challenge = setup.get(session, challenge_id)
        shortlist = reminders.shortlist(session, challenge.id) if stage == Stage.PANEL else []
    return StageNews(challenge, stage, shortlist)


def reminder(ctx: Context, challenge_id: int, stage: Stage) -> Reminder | None:
    with ctx.transaction() as session:
        challenge = setup.get(session, challenge_id)
        close = timeline.ends_at(challenge)
        if challenge.stage != stage or close is None or close <= ctx.now():
            return None
        scored = expected = 0
        if stage == Stage.PANEL:
            left = sum(len(todo) for todo in reminders.unscored(session, challenge.id).values())
            scored = session.exec(
                select(func.count()).select_from(Scorecard).join(Idea, Idea.id == Scorecard.idea_id)
                .where(Idea.challenge_id == challenge.id, Idea.shortlisted.is_(True))
            ).one()  # fmt: skip
            expected = scored + left
    return Reminder(challenge, stage, close, scored, expected)


def panel_nudge(ctx: Context, challenge_id: int, member: str) -> PanelNudge | None:
    with ctx.transaction() as session:
        challenge = setup.get(session, challenge_id)
        close = timeline.ends_at(challenge)
        if challenge.stage != Stage.PANEL or close is None or close <= ctx.now():
            return None
        left = reminders.unscored(session, challenge.id).get(member)
    return PanelNudge(challenge, close, left) if left else None


def author_notice(ctx: Context, challenge_id: int, author: str) -> AuthorNotice | None:
    with ctx.transaction() as session:
        challenge = setup.get(session, challenge_id)
        if challenge.stage != Stage.VOTING:
            return None
        theirs = session.exec(
            select(Idea).where(Idea.challenge_id == challenge.id,
                               Idea.status == IdeaStatus.SUBMITTED.value,
                               Idea.author_id == author).order_by(Idea.id)
        ).all()  # fmt: skip
    return AuthorNotice(challenge, list(theirs)) if theirs else None


def learning_due(ctx: Context, idea_id: int, day: date | None = None) -> LearningDue | None:
    view = ideas.load(ctx, idea_id)
    with ctx.transaction() as session:
        decision = session.get(Decision, view.idea.id)
        answered = day is not None and session.exec(
            select(LearningUpdate.id).where(LearningUpdate.idea_id == idea_id,
                                            LearningUpdate.due_date == day)
        ).first()  # fmt: skip
    if (
        decision is None
        or decision.outcome != Outcome.FUND
        or view.idea.status == IdeaStatus.WITHDRAWN
        or answered  # the team shared its update early
    ):
        return None  # no longer funded: nothing to report on
    return LearningDue(view.idea, view.challenge, decision.award, day)


def _day(payload: dict[str, Any]) -> date | None:
    return date.fromisoformat(payload["date"]) if payload.get("date") else None


def facts(ctx: Context, kind: MessageKind, payload: dict[str, Any]) -> object | None:
    """The facts an outbox message of `kind` carries now, or None if it no longer applies."""
    match kind:
        case MessageKind.IDEA_CARD | MessageKind.CARD_UPDATE:
            return idea_card(ctx, payload["idea_id"])
        case MessageKind.STAGE_ANNOUNCEMENT:
            return stage_news(ctx, payload["challenge_id"], Stage(payload["stage"]))
        case MessageKind.REMINDER:
            return reminder(ctx, payload["challenge_id"], Stage(payload["stage"]))
        case MessageKind.PANEL_NUDGE:
            return panel_nudge(ctx, payload["challenge_id"], payload["member"])
        case MessageKind.AUTHOR_NOTICE:
            return author_notice(ctx, payload["challenge_id"], payload["user"])
        case MessageKind.PANEL_PARENT:
            return scoring.panel_card(ctx, payload["idea_id"])
        case MessageKind.RESULTS:
            return decisions.results(ctx, payload["challenge_id"])
        case MessageKind.OUTCOME:
            return decisions.outcome(ctx, payload["idea_id"])
        case MessageKind.LEARNING_UPDATE:
            return learning_due(ctx, payload["idea_id"], _day(payload))
        case MessageKind.LEARNING_NUDGE:
            return learning.nudge_facts(ctx, payload["idea_id"], _day(payload),
                                        by_coordinator=payload.get("by") == "coordinator")  # fmt: skip
        case MessageKind.LEARNING_CARD:
            return learning.card(ctx, payload["idea_id"], _day(payload))
        case MessageKind.MODERATION:
            return idea_moderated(ctx, payload)
        case MessageKind.UNSENDABLE:
            return unsendable(ctx, payload)
    raise ValueError(f"no facts for outbox messages of kind {kind}")
