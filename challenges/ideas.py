"""Submitting, editing and withdrawing ideas."""

from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, select

from challenges import audit, ballots, outbox, places, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import InvalidInput, LairError, NotAllowed, WrongStage
from challenges.inputs import IdeaDraft
from challenges.money import format_pounds
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.models import Challenge, Idea, IdeaMember, Vote

WITHDRAWN = "withdrawn"
SUBMITTED = "submitted"


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
                IdeaMember.idea_id == idea_id, IdeaMember.role == "member"
            )
        )
    )


def members_of(session: Session, idea_id: int) -> set[str]:
    """Author and team."""
    return set(session.exec(select(IdeaMember.user_id).where(IdeaMember.idea_id == idea_id)))


def _check_against_challenge(challenge: Challenge, draft: IdeaDraft) -> None:
    errors = {}
    if draft.funding_requested > challenge.max_award:
        errors["funding_requested"] = (
            f"This challenge awards at most {format_pounds(challenge.max_award)} to one idea. "
            f"Ask for {format_pounds(challenge.max_award)} or less."
        )
    if draft.theme and challenge.themes and draft.theme not in challenge.themes:
        errors["theme"] = "Choose one of the challenge's themes."
    if draft.anonymous and not challenge.allow_anonymous:
        errors["anonymous"] = "This challenge does not take anonymous ideas."
    if errors:
        raise InvalidInput(errors)


def _require_taking_ideas(challenge: Challenge) -> None:
    if challenge.stage != Stage.SUBMISSIONS:
        raise WrongStage(
            f"“{challenge.title}” is not taking ideas now (it is at “{Stage(challenge.stage).label}”). "
            "`/idea` shows the challenges that are open."
        )


def _set_team(session: Session, idea: Idea, team: list[str]) -> None:
    session.execute(
        delete(IdeaMember).where(IdeaMember.idea_id == idea.id, IdeaMember.role == "member")
    )
    for user in team:
        if user != idea.author_id:
            session.add(IdeaMember(idea_id=idea.id, user_id=user, role="member"))


def submit_idea(
    ctx: Context,
    actor: str,
    challenge_id: int,
    draft: IdeaDraft,
    *,
    source_permalink: str | None = None,
) -> IdeaView:
    now = ctx.now()
    with ctx.transaction() as session:
        challenge = get_challenge(session, challenge_id)
        _require_taking_ideas(challenge)
        _check_against_challenge(challenge, draft)
        idea = Idea(
            challenge_id=challenge.id, author_id=actor, title=draft.title, problem=draft.problem,
            proposal=draft.proposal, benefit=draft.benefit, funding_requested=draft.funding_requested,
            partners=draft.partners, theme=draft.theme, anonymous=draft.anonymous,
            source_permalink=source_permalink, created_at=now, updated_at=now,
        )  # fmt: skip
        session.add(idea)
        session.flush()
        session.add(IdeaMember(idea_id=idea.id, user_id=actor, role="author"))
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
        raise NotAllowed("Only the person who submitted an idea can change or withdraw it.")
    if idea.status == WITHDRAWN:
        raise WrongStage(
            "That idea has been withdrawn. Submit it again with `/idea` if the challenge is still open."
        )
    return idea


def edit_idea(ctx: Context, actor: str, idea_id: int, draft: IdeaDraft) -> IdeaView:
    now = ctx.now()
    with ctx.transaction() as session:
        ballots.lock_idea(session, idea_id)  # no vote lands on it while its team is checked
        idea = _own_idea(session, actor, idea_id)
        challenge = get_challenge(session, idea.challenge_id)
        if challenge.stage != Stage.SUBMISSIONS:
            raise WrongStage("Ideas can only be edited while the challenge is taking ideas.")
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
            raise WrongStage(
                "An idea can only be withdrawn while the challenge is taking ideas or voting. "
                "Ask the coordinator if you need it taken off the shortlist."
            )
        released = ballots.release_votes(session, idea, now)
        idea.status = WITHDRAWN
        idea.shortlisted = False
        idea.updated_at = now
        audit.record(
            session, actor=actor, action="idea.withdrawn", at=now, challenge_id=challenge.id,
            subject=f"idea:{idea.id}", votes_released=released,
        )  # fmt: skip
        return IdeaView(idea, challenge, team_of(session, idea.id))


def load(ctx: Context, idea_id: int) -> IdeaView:
    with ctx.transaction() as session:
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
    with ctx.transaction() as session:
        rows = session.exec(
            select(Idea, Challenge, IdeaMember.role)
            .join(IdeaMember, IdeaMember.idea_id == Idea.id)
            .join(Challenge, Challenge.id == Idea.challenge_id)
            .where(IdeaMember.user_id == user_id, scope.visible(session))
            .order_by(Idea.id.desc())
        ).all()
        result = []
        for idea, challenge, role in rows:
            votes = None
            if tallies_visible(challenge):
                votes = session.exec(
                    select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id)
                ).one()
            result.append(MyIdea(idea, challenge, role, votes))
        return result


def tallies_visible(challenge: Challenge) -> bool:
    """Vote counts are shown once voting has closed, or live if the challenge says so."""
    order = list(Stage)
    return challenge.show_tallies_live or order.index(Stage(challenge.stage)) >= order.index(
        Stage.PANEL
    )
