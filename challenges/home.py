"""What one person's App Home shows: open challenges, their ideas, votes left, scoring to do,
and for coordinators the numbers of running challenges. Platform-neutral data."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from challenges import ideas, learning_overview, scope
from challenges.context import Context
from challenges.ideas import MyIdea
from challenges.roles import is_coordinator
from challenges.setup import ChallengeNumbers, numbers_of, stage_labels
from challenges.stages import Stage
from storage.enums import IdeaStatus
from storage.models import (
    Challenge,
    ChallengeCoordinator,
    Conflict,
    Decision,
    Idea,
    PanelMember,
    Scorecard,
    Vote,
)

LEARNING_ROUNDS = 6  # the coordinator's learning summary: the newest rounds after their award
RECENTLY_LEARNED = 5

_DEADLINE = {
    Stage.DRAFT: ("opens", "opens_at"),
    Stage.SUBMISSIONS: ("ideas close", "submissions_close_at"),
    Stage.VOTING: ("voting closes", "voting_close_at"),
    Stage.PANEL: ("panel closes", "panel_close_at"),
}


@dataclass(frozen=True)
class OpenChallenge:
    challenge: Challenge
    deadline_label: str | None
    deadline: datetime | None
    votes_left: int | None  # only while the viewer can vote


@dataclass(frozen=True)
class ToScore:
    idea: Idea
    challenge: Challenge


@dataclass(frozen=True)
class CoordinatorView:
    challenge: Challenge
    numbers: ChallengeNumbers


@dataclass(frozen=True)
class Home:
    user_id: str
    open_challenges: list[OpenChallenge]
    my_ideas: list[MyIdea]
    outcomes: dict[int, Decision] = field(default_factory=dict)
    to_score: list[ToScore] = field(default_factory=list)
    coordinator: list[CoordinatorView] | None = None
    # Coordinators: each announced round's learning updates received, due and overdue.
    learning_rounds: list[learning_overview.RoundCounts] = field(default_factory=list)
    # Everyone: the latest learning updates across rounds.
    recently_learned: list[learning_overview.Recent] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # challenge id → its stage, as read

    def stage(self, challenge: Challenge) -> str:
        return self.labels.get(challenge.id) or Stage(challenge.stage).label


def next_deadline(challenge: Challenge) -> tuple[str | None, datetime | None]:
    label_attr = _DEADLINE.get(Stage(challenge.stage))
    if not label_attr:
        return None, None
    label, attr = label_attr
    return label, getattr(challenge, attr)


def voting_open(challenge: Challenge) -> bool:
    return challenge.stage == Stage.VOTING or (
        challenge.stage == Stage.SUBMISSIONS and challenge.vote_during_submissions
    )


def votes_left(session: Session, challenge: Challenge, user_id: str) -> int:
    used = session.exec(
        select(func.count())
        .select_from(Vote)
        .where(Vote.challenge_id == challenge.id, Vote.voter_id == user_id)
    ).one()
    return max(0, challenge.vote_budget - used)


def _to_score(session: Session, user_id: str) -> list[ToScore]:
    rows = session.exec(
        select(Idea, Challenge)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .join(
            PanelMember,
            (PanelMember.challenge_id == Challenge.id) & (PanelMember.user_id == user_id),
        )
        .where(
            Challenge.stage == Stage.PANEL.value,
            Idea.shortlisted,
            Idea.status == IdeaStatus.SUBMITTED,
            scope.visible(session),
        )
        .order_by(Challenge.id, Idea.id)
    ).all()
    scored = set(session.exec(select(Scorecard.idea_id).where(Scorecard.member_id == user_id)))
    conflicted = set(session.exec(select(Conflict.idea_id).where(Conflict.user_id == user_id)))
    return [ToScore(i, c) for i, c in rows if i.id not in scored and i.id not in conflicted]


def home_for(ctx: Context, user_id: str) -> Home:
    """A read (it never waits for writers) whose number of statements does not grow with
    the number of challenges or ideas: every per-challenge figure is one grouped query."""
    with ctx.read() as session:
        mine = ideas.mine(session, user_id)
        running = session.exec(
            select(Challenge)
            .where(
                Challenge.stage.in_(
                    [
                        Stage.SUBMISSIONS.value,
                        Stage.VOTING.value,
                        Stage.PANEL.value,
                        Stage.DECIDED.value,
                    ]
                ),
                scope.visible(session),
            )
            .order_by(Challenge.id.desc())
        ).all()
        voting = [c.id for c in running if voting_open(c)]
        used = (
            dict(
                session.exec(
                    select(Vote.challenge_id, func.count())
                    .where(Vote.challenge_id.in_(voting), Vote.voter_id == user_id)
                    .group_by(Vote.challenge_id)
                ).all()
            )
            if voting
            else {}
        )
        open_challenges = []
        for challenge in running:
            label, deadline = next_deadline(challenge)
            left = (
                max(0, challenge.vote_budget - used.get(challenge.id, 0))
                if voting_open(challenge)
                else None
            )
            open_challenges.append(OpenChallenge(challenge, label, deadline, left))
        idea_ids = [m.idea.id for m in mine]
        outcomes = (
            {
                d.idea_id: d
                for d in session.exec(select(Decision).where(Decision.idea_id.in_(idea_ids)))
            }
            if idea_ids
            else {}
        )
        coordinator, rounds = None, []
        if is_coordinator(session, ctx, user_id):
            given = select(ChallengeCoordinator.challenge_id).where(
                ChallengeCoordinator.user_id == user_id
            )
            after_award = session.exec(
                select(Challenge)
                .where(Challenge.stage.in_([Stage.DECIDED.value, Stage.CLOSED.value]),
                       scope.visible(session),
                       (Challenge.created_by == user_id) | Challenge.id.in_(given))
                .order_by(Challenge.id.desc())
                .limit(LEARNING_ROUNDS)
            ).all()  # fmt: skip
            rounds = learning_overview.round_counts(session, list(after_award), ctx.now())
            theirs = session.exec(
                select(Challenge)
                .where(
                    Challenge.stage != Stage.CLOSED.value,
                    scope.visible(session),
                    (Challenge.created_by == user_id) | Challenge.id.in_(given),
                )
                .order_by(Challenge.id.desc())
            ).all()
            figures = numbers_of(session, [c.id for c in theirs])
            coordinator = [CoordinatorView(c, figures[c.id]) for c in theirs]
        home = Home(
            user_id, open_challenges, mine, outcomes, _to_score(session, user_id), coordinator,
            rounds, learning_overview.recently_learned(session, limit=RECENTLY_LEARNED),
        )  # fmt: skip
    shown = [o.challenge for o in open_challenges] + [m.challenge for m in mine]
    shown += [v.challenge for v in coordinator or []]
    return replace(home, labels=stage_labels(ctx, {c.id: c for c in shown}.values()))
