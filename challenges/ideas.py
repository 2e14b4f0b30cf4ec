"""Submitting, editing and withdrawing ideas."""

from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, select

from challenges import audit, ballots, outbox, places, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import InvalidInput, LairError, NotAllowed, Problem, WrongStage
from challenges.inputs import IdeaDraft
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.enums import IdeaStatus, MemberRole
from storage.models import Challenge, Idea, IdeaMember, Vote


@dataclass(frozen=True)
class IdeaView:
    """An idea with what is needed to show it: its challenge and team."""

    idea: Idea
    challenge: Challenge
    team: list[str]


def get(session: Session, idea_id: int) -> Idea:
    """The idea, if it is in the acting person's workspace (see challenges/scope.py)."""
    return scope.idea(session, idea_id)


def team_of(session: Session, idea_id: int) -> list[str]:
    """Team members other than the author, in the order they were named."""
    return list(
        session.exec(
            select(IdeaMember.user_id).where(
                IdeaMember.idea_id == idea_id, IdeaMember.role == MemberRole.MEMBER
            )
        )
    )


def members_of(session: Session, idea_id: int) -> set[str]:
    """Author and team."""
    return set(session.exec(select(IdeaMember.user_id).where(IdeaMember.idea_id == idea_id)))


def _check_against_challenge(challenge: Challenge, draft: IdeaDraft) -> None:
    errors = {}
    if draft.funding_requested > challenge.max_award:
        errors["funding_requested"] = Problem(
            Code.ASKS_OVER_MAX_AWARD, {"max_award": challenge.max_award}
        )
    if draft.theme and challenge.themes and draft.theme not in challenge.themes:
        errors["theme"] = Problem(Code.NOT_A_THEME)
    if draft.anonymous and not challenge.allow_anonymous:
        errors["anonymous"] = Problem(Code.NO_ANONYMOUS_IDEAS)
    if errors:
        raise InvalidInput(errors)


def require_taking_ideas(challenge: Challenge) -> None:
    """Refuses unless the challenge is taking ideas now."""
    if challenge.stage != Stage.SUBMISSIONS:
        raise WrongStage(
            Code.NOT_TAKING_IDEAS, challenge=challenge.title, stage=Stage(challenge.stage).label
        )


def _set_team(session: Session, idea: Idea, team: list[str]) -> None:
    session.execute(
        delete(IdeaMember).where(
            IdeaMember.idea_id == idea.id, IdeaMember.role == MemberRole.MEMBER
        )
    )
    for user in team:
        if user != idea.author_id:
            session.add(IdeaMember(idea_id=idea.id, user_id=user, role=MemberRole.MEMBER))


def submit_idea(
    ctx: Context,
    actor: str,
    challenge_id: int,
    draft: IdeaDraft,
    *,
    source_permalink: str | None = None,
) -> IdeaView:
    with ctx.transaction() as session:
        challenge = get_challenge(session, challenge_id)
        check_submission(challenge, draft)
        return submit_in(
            session, ctx.now(), actor, challenge, draft, source_permalink=source_permalink
        )


def check_submission(challenge: Challenge, draft: IdeaDraft) -> None:
    """Refuse a draft the challenge cannot take now."""
    require_taking_ideas(challenge)
    _check_against_challenge(challenge, draft)


def submit_in(
    session: Session, now, actor: str, challenge: Challenge, draft: IdeaDraft, *,
    source_permalink: str | None = None,
) -> IdeaView:  # fmt: skip
    """Store a checked draft as an idea, audited, its card queued: in the caller's transaction."""
    idea = Idea(
        challenge_id=challenge.id, author_id=actor, title=draft.title, problem=draft.problem,
        proposal=draft.proposal, benefit=draft.benefit, funding_requested=draft.funding_requested,
        partners=draft.partners, theme=draft.theme, anonymous=draft.anonymous,
        source_permalink=source_permalink, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(idea)
    session.flush()
    session.add(IdeaMember(idea_id=idea.id, user_id=actor, role=MemberRole.AUTHOR))
    _set_team(session, idea, draft.team)
    audit.record(
        session, actor=actor, action="idea.submitted", at=now, challenge_id=challenge.id,
        subject=f"idea:{idea.id}", title=draft.title, funding_requested=draft.funding_requested,
    )  # fmt: skip
    outbox.enqueue(
        session, key=f"idea:{idea.id}:card", kind=outbox.MessageKind.IDEA_CARD,
        to=outbox.to_channel(challenge.channel_id), payload={"idea_id": idea.id}, now=now,
        challenge=challenge, save_as=places.card(idea.id),
    )  # fmt: skip
    return IdeaView(idea, challenge, team_of(session, idea.id))


def _own_idea(session: Session, actor: str, idea_id: int) -> Idea:
    idea = get(session, idea_id)
    if idea.author_id != actor:
        raise NotAllowed(Code.NOT_YOUR_IDEA)
    if idea.status == IdeaStatus.REMOVED:
        raise WrongStage(Code.IDEA_REMOVED, title=idea.title)
    if idea.status == IdeaStatus.WITHDRAWN:
        raise WrongStage(Code.IDEA_WITHDRAWN)
    return idea


def require_editable(challenge: Challenge) -> None:
    """Refuses unless ideas of the challenge can be edited now."""
    if challenge.stage != Stage.SUBMISSIONS:
        raise WrongStage(Code.EDIT_AFTER_SUBMISSIONS, challenge=challenge.title)


def edit_idea(ctx: Context, actor: str, idea_id: int, draft: IdeaDraft) -> IdeaView:
    now = ctx.now()
    with ctx.transaction() as session:
        ballots.lock_idea(session, idea_id)  # no vote lands on it while its team is checked
        idea = _own_idea(session, actor, idea_id)
        challenge = get_challenge(session, idea.challenge_id)
        if challenge.stage != Stage.SUBMISSIONS:
            require_editable(challenge)
        _check_against_challenge(challenge, draft)
        changed = [
            name for name in ("title", "problem", "proposal", "benefit", "funding_requested", "partners", "theme", "anonymous")
            if getattr(idea, name) != getattr(draft, name)
        ]  # fmt: skip
        for name in changed:
            setattr(idea, name, getattr(draft, name))
        if sorted(team_of(session, idea.id)) != sorted(u for u in draft.team if u != actor):
            # The team is fixed once voting has started (challenges/ballots.py, "Teams and
            # the secret ballot"): changing it could reveal or remove a colleague's vote.
            if voting_started(session, challenge):
                raise LairError(Code.TEAM_LOCKED, field="team", title=idea.title)
            changed.append("team")
            _set_team(session, idea, draft.team)
        idea.updated_at = now
        audit.record(
            session, actor=actor, action="idea.edited", at=now, challenge_id=challenge.id,
            subject=f"idea:{idea.id}", fields=changed,
        )  # fmt: skip
        return IdeaView(idea, challenge, team_of(session, idea.id))


def voting_started(session: Session, challenge: Challenge) -> bool:
    """Votes can be cast in the challenge, or have been (early voting since turned off)."""
    return (
        challenge.stage != Stage.SUBMISSIONS
        or challenge.vote_during_submissions
        or session.exec(select(Vote.id).where(Vote.challenge_id == challenge.id).limit(1)).first()
        is not None
    )


def withdraw_idea(ctx: Context, actor: str, idea_id: int) -> IdeaView:
    """Withdraw an idea; any votes it had go back to their voters' budgets."""
    now = ctx.now()
    with ctx.transaction() as session:
        ballots.lock_idea(session, idea_id)  # before any check: see challenges/ballots.py
        idea = _own_idea(session, actor, idea_id)
        challenge = get_challenge(session, idea.challenge_id)
        if challenge.stage not in (Stage.SUBMISSIONS, Stage.VOTING):
            raise WrongStage(Code.WITHDRAW_TOO_LATE)
        released = ballots.release_votes(session, idea, now)
        idea.status = IdeaStatus.WITHDRAWN
        idea.shortlisted = False
        idea.updated_at = now
        audit.record(
            session, actor=actor, action="idea.withdrawn", at=now, challenge_id=challenge.id,
            subject=f"idea:{idea.id}", votes_released=released,
        )  # fmt: skip
        return IdeaView(idea, challenge, team_of(session, idea.id))


def load(ctx: Context, idea_id: int) -> IdeaView:
    with ctx.transaction() as session:
        return view_in(session, idea_id)


def view_in(session: Session, idea_id: int) -> IdeaView:
    idea = get(session, idea_id)
    return IdeaView(idea, get_challenge(session, idea.challenge_id), team_of(session, idea.id))


def load_own(ctx: Context, actor: str, idea_id: int) -> IdeaView:
    with ctx.transaction() as session:
        idea = _own_idea(session, actor, idea_id)
        return IdeaView(idea, get_challenge(session, idea.challenge_id), team_of(session, idea.id))


@dataclass(frozen=True)
class MyIdea:
    idea: Idea
    challenge: Challenge
    role: str
    votes: int | None  # None while the tally is hidden


def ideas_of(ctx: Context, user_id: str) -> list[MyIdea]:
    """Ideas the user authored or is on the team of, newest first."""
    with ctx.read() as session:
        return mine(session, user_id)


def mine(session: Session, user_id: str) -> list[MyIdea]:
    """`ideas_of` in an open session: two statements however many ideas (the counts shown
    come from one grouped query)."""
    rows = session.exec(
        select(Idea, Challenge, IdeaMember.role)
        .join(IdeaMember, IdeaMember.idea_id == Idea.id)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .where(IdeaMember.user_id == user_id, scope.visible(session))
        .order_by(Idea.id.desc())
    ).all()
    shown = sorted(idea.id for idea, challenge, _ in rows if tallies_visible(challenge))
    counts = {}
    if shown:
        counts = dict(
            session.exec(
                select(Vote.idea_id, func.count())
                .where(Vote.idea_id.in_(shown))
                .group_by(Vote.idea_id)
            ).all()
        )
    visible = set(shown)
    return [
        MyIdea(idea, challenge, role, counts.get(idea.id, 0) if idea.id in visible else None)
        for idea, challenge, role in rows
    ]


def tallies_visible(challenge: Challenge) -> bool:
    """Vote counts are shown once voting has closed, or live if the challenge says so."""
    order = list(Stage)
    return challenge.show_tallies_live or order.index(Stage(challenge.stage)) >= order.index(
        Stage.PANEL
    )
