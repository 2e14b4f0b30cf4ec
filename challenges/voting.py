"""Peer voting: one vote per idea, within a budget, secret, and never counted twice.

The locking that makes this exact under concurrent clicks is described in
`challenges/ballots.py`. The secret ballot: nothing here writes who voted for what
anywhere but the `vote` table itself. The audit trail records that a person cast
or took back a vote in a challenge, never on which idea (the audit sheet is
exported), and ideas' counts are only ever shown as numbers.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from challenges import outbox, vote_path
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import (
    LairError,
    NotFound,
    OwnIdea,
    VoteBudgetSpent,
    VotingClosed,
    WrongStage,
)
from challenges.ideas import tallies_visible
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.models import Ballot, Challenge, Vote

# A second click by the same person on the same idea this soon after the first is a
# double click, not a change of mind: it has no effect. (Slack re-sends with the same
# action_ts are dropped earlier, by bot/slack/middleware.py; a double click has two.)
# Someone who really means to take a vote straight back clicks again after this.
DOUBLE_CLICK = timedelta(seconds=2)


@dataclass(frozen=True)
class VoteOutcome:
    """What a click did, for the reply to the voter."""

    idea_id: int
    idea_title: str
    challenge_id: int
    backed: bool  # the voter backs the idea now
    changed: bool  # False when the click repeated one a moment before (a double click)
    votes_left: int
    budget: int
    tally_live: bool  # the idea's count is on show, so its card needs refreshing
    redelivered: bool = False  # the platform sent this very click again (not a second click)


def toggle_vote(
    ctx: Context, *, voter: str, idea_id: int, request_key: str | None = None
) -> VoteOutcome:
    """Back the idea, or take the vote back if the voter already backs it.

    `request_key` identifies the click across redeliveries (see bot/slack/middleware.py); it is
    recorded in the vote's own transaction, and a click already recorded has no effect.
    The checks and writes are `challenges/vote_path.py`'s: one round trip on PostgreSQL.
    """
    now = ctx.now()
    click = ctx.db.run_raw(
        lambda dialect, conn: vote_path.toggle(
            dialect, conn, idea_id=idea_id, voter=voter, workspace_id=ctx.workspace_id,
            click_key=_click_key(idea_id, voter),
            request_key=request_key[:200] if request_key else None,
            now=now, recent=now - DOUBLE_CLICK,
        )
    )  # fmt: skip
    if click.refusal is not None:
        raise _refused(click)
    return VoteOutcome(
        idea_id=idea_id, idea_title=click.idea_title, challenge_id=click.challenge_id,
        backed=click.backed, changed=click.changed, votes_left=click.vote_budget - click.used,
        budget=click.vote_budget, redelivered=click.redelivered,
        # the Click has the stage and show_tallies_live that tallies_visible reads
        tally_live=click.changed and tallies_visible(click),
    )  # fmt: skip


def _refused(click: vote_path.Click) -> LairError:
    title = click.idea_title
    match click.refusal:
        case vote_path.Refusal.GONE:
            return NotFound(Code.IDEA_GONE)
        case vote_path.Refusal.NOT_OPEN:
            return _not_open(click)
        case vote_path.Refusal.REMOVED:
            return WrongStage(Code.IDEA_REMOVED, title=title)
        case vote_path.Refusal.WITHDRAWN:
            return WrongStage(Code.VOTE_FOR_WITHDRAWN, title=title)
        case vote_path.Refusal.OWN:
            return OwnIdea(Code.VOTE_OWN_IDEA, title=title)
        case vote_path.Refusal.TEAM:
            return OwnIdea(Code.VOTE_TEAM_IDEA, title=title)
        case vote_path.Refusal.SPENT:
            return VoteBudgetSpent(Code.VOTE_BUDGET_SPENT, budget=click.vote_budget,
                                   challenge=click.challenge_title, title=title)  # fmt: skip
    raise AssertionError(click.refusal)


# The secret ballot (issue 14, item 4): the double-click marker must not say who clicked
# which idea, since it outlives a vote taken back (requests are forgotten after two days).
# It is keyed by a digest under a secret that lives only in this process's memory, new at
# each start: a repeated click finds its marker, and nobody reading the database can tell
# whose click on which idea a marker was. (Two processes have different secrets, so a
# double click split across them counts twice — the behaviour without the marker.)
_CLICK_SECRET = secrets.token_bytes(32)


def _click_key(idea_id: int, voter: str) -> str:
    """The row remembering a voter's last click on an idea (for DOUBLE_CLICK), named by a
    digest that neither names the idea nor the voter."""
    digest = hmac.new(_CLICK_SECRET, f"{idea_id}:{voter}".encode(), hashlib.sha256)
    return f"vote-click:{digest.hexdigest()[:40]}"


def _not_open(click: vote_path.Click) -> VotingClosed:
    before = Stage(click.stage) in (Stage.DRAFT, Stage.SUBMISSIONS)
    code = Code.VOTING_NOT_OPEN if before else Code.VOTING_CLOSED
    return VotingClosed(code, challenge=click.challenge_title)


def votes_left(ctx: Context, voter: str, challenge_id: int) -> int:
    with ctx.transaction() as session:
        challenge = get_challenge(session, challenge_id)
        ballot = session.get(Ballot, (challenge_id, voter))
        return challenge.vote_budget - (ballot.votes_used if ballot else 0)


def counts(session: Session, challenge_id: int) -> dict[int, int]:
    """Votes per idea (ideas with none are absent)."""
    rows = session.exec(
        select(Vote.idea_id, func.count())
        .where(Vote.challenge_id == challenge_id)
        .group_by(Vote.idea_id)
    )
    return dict(rows.all())


def refresh_cards(session: Session, challenge: Challenge, ctx: Context) -> None:
    """Cards gain their Vote button when voting opens, and lose it (showing the counts)
    when it closes. Whatever the number of ideas, a few statements: an earlier stage's
    redraws still waiting are superseded (each renders the card as it is when sent), and
    this stage's are queued as one row, behind the stage's announcement, which the sender
    turns into one redraw per card (challenges/outbox.py)."""
    now = ctx.now()
    outbox.supersede(session, challenge_id=challenge.id, kind=outbox.MessageKind.CARD_UPDATE,
                     keys_like="idea:%:card:%", now=now)  # fmt: skip
    outbox.supersede(session, challenge_id=challenge.id, kind=outbox.MessageKind.CARD_REDRAWS,
                     keys_like="challenge:%:cards:%", now=now)  # fmt: skip
    outbox.enqueue_card_redraws(session, challenge=challenge, stage=challenge.stage, now=now)
