"""The shortlist: the top ideas by votes when voting closes, adjustable until scoring starts.

When a challenge enters the panel stage the top `shortlist_size` ideas by votes go
through (every idea tied at the cut too; withdrawn ideas never), and each gets a
parent message in the panel channel, all in the transition's transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, update
from sqlmodel import Session, select

from challenges import audit, places
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import InvalidInput, Problem, ShortlistLocked, WrongStage
from challenges.panel import locked_challenge, post_parents, sync_conflicts
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.enums import IdeaStatus
from storage.models import Challenge, Idea, Scorecard, Vote

SYSTEM = "lair"


def cut(tallies: Iterable[tuple[int, int]], size: int) -> list[int]:
    """Idea ids on the shortlist, most votes first: the top `size`, and every idea tied with
    the last of them. `tallies` are (idea id, votes); ties are listed by idea id."""
    ranked = sorted(tallies, key=lambda t: (-t[1], t[0]))
    if len(ranked) <= size:
        return [i for i, _ in ranked]
    threshold = ranked[size - 1][1]
    return [i for i, votes in ranked if votes >= threshold]


def _votes_of(idea_id):
    return select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id).scalar_subquery()


def tallies(session: Session, challenge_id: int) -> dict[int, int]:
    """Votes per idea that may be shortlisted (not withdrawn), zero included."""
    ideas = session.exec(
        select(Idea.id).where(
            Idea.challenge_id == challenge_id, Idea.status == IdeaStatus.SUBMITTED
        )
    ).all()
    counts = dict(
        session.exec(
            select(Vote.idea_id, func.count())
            .where(Vote.challenge_id == challenge_id)
            .group_by(Vote.idea_id)
        ).all()
    )
    return {i: counts.get(i, 0) for i in ideas}


def shortlist_on_panel(session: Session, challenge: Challenge, ctx: Context) -> None:
    """Set-based, whatever the number of ideas: the count at the cut (the
    `shortlist_size`-th most votes), one UPDATE marking every live idea with at least that
    many (ties at the cut go through, as `cut` says), and a read of the chosen few."""
    now = ctx.now()
    conn = session.connection()
    votes = _votes_of(Idea.id)
    live = Idea.status == IdeaStatus.SUBMITTED
    if conn.dialect.name == "postgresql":
        ids = _top_on_postgresql(conn, challenge)
        chosen_now = live if ids is None else and_(live, Idea.id.in_(ids))
    else:
        at_cut = conn.execute(_at_cut(challenge)).scalar()
        chosen_now = and_(live, votes >= (at_cut or 0))
    session.flush()
    conn.execute(  # only the rows that change: a write per row is the cost on PostgreSQL
        update(Idea)
        .where(Idea.challenge_id == challenge.id, Idea.shortlisted.is_distinct_from(chosen_now))
        .values(shortlisted=chosen_now)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    tally = conn.execute(
        select(Idea.id, votes).where(Idea.challenge_id == challenge.id, Idea.shortlisted)
    ).all()
    chosen = cut(tally, len(tally))
    audit.record(
        session, actor=SYSTEM, action="shortlist.computed", at=now, challenge_id=challenge.id,
        subject=f"challenge:{challenge.id}", size=challenge.shortlist_size, ideas=chosen,
        votes={str(i): n for i, n in tally},
    )  # fmt: skip
    sync_conflicts(session, challenge.id, actor=SYSTEM, now=now)
    post_parents(session, challenge, now)


def _at_cut(challenge: Challenge):
    """The votes of the `shortlist_size`-th live idea (None, taken as 0, when there is
    none), counted per live idea through the index on `vote.idea_id` (fastest on SQLite)."""
    votes = _votes_of(Idea.id)
    return (
        select(votes)
        .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.SUBMITTED)
        .order_by(votes.desc()).limit(1).offset(challenge.shortlist_size - 1)
    )  # fmt: skip


def _top_on_postgresql(conn, challenge: Challenge) -> list[int] | None:
    """The live ideas at or above the cut, from one pass over the challenge's votes grouped
    by idea (a tally: PostgreSQL plans it the same whatever it knows of the tables, where a
    count per idea costs twice as much), less those of ideas not live. An idea is at or
    above the cut when fewer than `shortlist_size` ideas have more votes (its rank). None
    when fewer than `shortlist_size` ideas have votes: the cut is 0, every live idea."""
    not_live = select(Idea.id).where(
        Idea.challenge_id == challenge.id, Idea.status != IdeaStatus.SUBMITTED
    )
    ranked = (
        select(Vote.idea_id, func.rank().over(order_by=func.count().desc()).label("place"))
        .where(Vote.challenge_id == challenge.id, Vote.idea_id.not_in(not_live))
        .group_by(Vote.idea_id)
        .subquery()
    )
    ids = conn.execute(
        select(ranked.c.idea_id).where(ranked.c.place <= challenge.shortlist_size)
    ).scalars().all()  # fmt: skip
    return list(ids) if len(ids) >= challenge.shortlist_size else None


def scoring_started(session: Session, challenge_id: int) -> bool:
    return (
        session.exec(
            select(Scorecard.id)
            .join(Idea, Idea.id == Scorecard.idea_id)
            .where(Idea.challenge_id == challenge_id)
        ).first()
        is not None
    )


def _require_adjustable(session: Session, challenge: Challenge) -> None:
    if challenge.stage != Stage.PANEL:
        raise WrongStage(
            Code.SHORTLIST_NOT_NOW, challenge=challenge.title, stage=Stage(challenge.stage).label
        )
    if scoring_started(session, challenge.id):
        raise ShortlistLocked(Code.SHORTLIST_LOCKED)


@dataclass(frozen=True)
class Candidate:
    idea_id: int
    title: str
    votes: int
    shortlisted: bool


@dataclass(frozen=True)
class ShortlistForm:
    challenge: Challenge
    candidates: list[Candidate]  # most votes first


def form(ctx: Context, actor: str, challenge_id: int) -> ShortlistForm:
    """What a coordinator's shortlist command shows; refuses when the shortlist cannot change."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        challenge = get_challenge(session, challenge_id)
        _require_adjustable(session, challenge)
        votes = tallies(session, challenge_id)
        ideas = {
            i.id: i
            for i in session.exec(
                select(Idea).where(
                    Idea.challenge_id == challenge_id, Idea.status == IdeaStatus.SUBMITTED
                )
            )
        }
        candidates = [
            Candidate(i, ideas[i].title, votes[i], ideas[i].shortlisted)
            for i in sorted(votes, key=lambda i: (-votes[i], i))
        ]
        return ShortlistForm(challenge, candidates)


@dataclass(frozen=True)
class ShortlistChange:
    added: list[int]
    removed: list[int]
    shortlist: list[int]
    to_refresh: list[int]  # ideas whose panel message exists and should be redrawn


def set_shortlist(
    ctx: Context, actor: str, challenge_id: int, idea_ids: list[int]
) -> ShortlistChange:
    """A coordinator's shortlist, replacing the current one (before scoring starts)."""
    now = ctx.now()
    wanted = list(dict.fromkeys(idea_ids))
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        challenge = locked_challenge(session, challenge_id)
        _require_adjustable(session, challenge)
        if not wanted:
            raise InvalidInput({"shortlist": Problem(Code.SHORTLIST_EMPTY)})
        ideas = {
            i.id: i for i in session.exec(select(Idea).where(Idea.challenge_id == challenge_id))
        }
        for idea_id in wanted:
            idea = ideas.get(idea_id)
            if idea is None:
                raise InvalidInput(
                    {"shortlist": Problem(Code.SHORTLIST_OTHER_IDEA, {"idea_id": idea_id})}
                )
            if idea.status == IdeaStatus.REMOVED:
                raise InvalidInput({"shortlist": Problem(Code.IDEA_REMOVED, {"title": idea.title})})
            if idea.status == IdeaStatus.WITHDRAWN:
                raise InvalidInput(
                    {"shortlist": Problem(Code.SHORTLIST_WITHDRAWN, {"title": idea.title})}
                )
        added = sorted(i for i in wanted if not ideas[i].shortlisted)
        removed = sorted(i for i, idea in ideas.items() if idea.shortlisted and i not in wanted)
        for i in added:
            ideas[i].shortlisted = True
            ideas[i].updated_at = now
        for i in removed:
            ideas[i].shortlisted = False
            ideas[i].updated_at = now
        if added or removed:
            audit.record(
                session, actor=actor, action="shortlist.changed", at=now, challenge_id=challenge_id,
                subject=f"challenge:{challenge_id}", added=added, removed=removed,
            )  # fmt: skip
        session.flush()
        sync_conflicts(session, challenge_id, actor=actor, now=now)
        post_parents(session, challenge, now)
        return ShortlistChange(
            added=added,
            removed=removed,
            shortlist=sorted(wanted),
            to_refresh=[
                i for i in added + removed if places.find(session, places.panel(i)) is not None
            ],  # fmt: skip
        )
