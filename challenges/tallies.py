"""Votes per idea, for coordinators: hidden while voting is open on a challenge that hides
its tallies (from coordinators too), unless a coordinator asks to see them, which is audited.

Coordinators always see how many people have voted and how many votes were cast in all
(challenges.setup.numbers); these are the per-idea counts.
"""

from dataclasses import dataclass

from sqlmodel import select

from challenges import audit, scope
from challenges.context import Context
from challenges.ideas import tallies_visible
from challenges.roles import require_coordinator
from challenges.voting import counts
from storage.enums import IdeaStatus
from storage.models import Idea

REVEALED = "tallies.revealed"  # the audit action: a coordinator looked at hidden counts


@dataclass(frozen=True)
class Standing:
    idea_id: int
    title: str
    votes: int


@dataclass(frozen=True)
class Tallies:
    """What a coordinator may see of a challenge's votes per idea."""

    hidden: bool  # the challenge hides its tallies at this stage
    revealed: bool  # …and the coordinator asked to see them anyway (audited)
    standings: list[Standing]  # most votes first; empty while hidden and not revealed


def standings(ctx: Context, actor: str, challenge_id: int, *, reveal: bool = False) -> Tallies:
    """Every live idea's count, most votes first, for a coordinator. While the challenge hides
    its tallies they are withheld, unless `reveal` (which writes an audit event)."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        challenge = scope.challenge(session, challenge_id)
        hidden = not tallies_visible(challenge)
        if hidden and not reveal:
            return Tallies(hidden=True, revealed=False, standings=[])
        per_idea = counts(session, challenge_id)
        live = session.exec(
            select(Idea.id, Idea.title).where(
                Idea.challenge_id == challenge_id, Idea.status == IdeaStatus.SUBMITTED
            )
        ).all()
        if hidden:
            audit.record(
                session, actor=actor, action=REVEALED, at=ctx.now(), challenge_id=challenge_id,
                subject=f"challenge:{challenge_id}", stage=challenge.stage,
            )  # fmt: skip
    ranked = [Standing(i, title, per_idea.get(i, 0)) for i, title in live]
    return Tallies(
        hidden=hidden,
        revealed=hidden,
        standings=sorted(ranked, key=lambda s: (-s.votes, s.idea_id)),
    )
