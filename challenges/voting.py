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
from datetime import datetime, timedelta

from sqlalchemy import bindparam, exists, func
from sqlmodel import Session, select

from challenges import audit, ballots, outbox, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import NotFound, OwnIdea, VoteBudgetSpent, VotingClosed, WrongStage
from challenges.ideas import tallies_visible
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.enums import IdeaStatus
from storage.models import Ballot, Challenge, Idea, IdeaMember, ProcessedRequest, Vote

# A second click by the same person on the same idea this soon after the first is a
# double click, not a change of mind: it has no effect. (Slack re-sends with the same
# action_ts are dropped earlier, by bot/slack/middleware.py; a double click has two.)
# Someone who really means to take a vote straight back clicks again after this.
DOUBLE_CLICK = timedelta(seconds=2)

# Tables for the Core statements of the hot path (see challenges/ballots.py).
CHALLENGE, IDEA, MEMBER = Challenge.__table__, Idea.__table__, IdeaMember.__table__
CLICK = ProcessedRequest.__table__


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


def voting_open(challenge) -> bool:
    """Votes may be cast or taken back: in the voting stage, or early if the challenge allows."""
    return challenge.stage == Stage.VOTING or (
        challenge.stage == Stage.SUBMISSIONS and challenge.vote_during_submissions
    )


def toggle_vote(
    ctx: Context, *, voter: str, idea_id: int, request_key: str | None = None
) -> VoteOutcome:
    """Back the idea, or take the vote back if the voter already backs it.

    `request_key` identifies the click across redeliveries (see bot/slack/middleware.py); it is
    recorded in the vote's own transaction, and a click already recorded has no effect.
    """
    now = ctx.now()
    return ctx.run(lambda session: _toggle(session, voter, idea_id, now, request_key))


# The hot path's reads, prebuilt (see challenges/ballots.py). The first locks the
# challenge and the idea FOR SHARE in one statement; PostgreSQL takes a statement's
# row locks in FROM order, so challenge → idea → ballot, as documented there.
_CHALLENGE_AND_IDEA = (
    select(
        *(CHALLENGE.c[name] for name in ("id", "title", "stage", "vote_budget", "show_tallies_live", "vote_during_submissions")),
        IDEA.c.title.label("idea_title"), IDEA.c.status.label("idea_status"),
        IDEA.c.author_id,
        exists().where(MEMBER.c.idea_id == IDEA.c.id, MEMBER.c.user_id == bindparam("voter")).label("on_team"),
    )
    .select_from(CHALLENGE.join(IDEA, IDEA.c.challenge_id == CHALLENGE.c.id))
    .where(IDEA.c.id == bindparam("idea"))
    .with_for_update(read=True)
)  # fmt: skip
# The same, for a voter acting in a workspace: another workspace's idea is not found.
_CHALLENGE_AND_IDEA_IN = _CHALLENGE_AND_IDEA.where(
    CHALLENGE.c.workspace_id == bindparam("workspace")
)
_BACKED_LAST_CLICK_SEEN = select(
    exists().where(Vote.__table__.c.idea_id == bindparam("idea"), Vote.__table__.c.voter_id == bindparam("voter")),
    select(CLICK.c.seen_at).where(CLICK.c.key == bindparam("click")).scalar_subquery(),
    exists().where(CLICK.c.key == bindparam("request")),
)  # fmt: skip


def _toggle(
    session: Session, voter: str, idea_id: int, now: datetime, request_key: str | None
) -> VoteOutcome:
    conn = session.connection()
    workspace = scope.workspace_of(session)
    row = conn.execute(
        _CHALLENGE_AND_IDEA if workspace is None else _CHALLENGE_AND_IDEA_IN,
        {"idea": idea_id, "voter": voter, "workspace": workspace},
    ).first()
    if row is None:
        raise NotFound(Code.IDEA_GONE)
    challenge, title = row, row.idea_title
    if not voting_open(challenge):
        raise _not_open(challenge)
    if row.idea_status == IdeaStatus.REMOVED:
        raise WrongStage(Code.IDEA_REMOVED, title=title)
    if row.idea_status == IdeaStatus.WITHDRAWN:
        raise WrongStage(Code.VOTE_FOR_WITHDRAWN, title=title)
    if row.on_team:
        mine = row.author_id == voter
        raise OwnIdea(Code.VOTE_OWN_IDEA if mine else Code.VOTE_TEAM_IDEA, title=title)

    used = ballots.lock_ballot(session, challenge.id, voter, now)
    # Read after the ballot lock is held, so it sees every earlier click by this voter.
    click = _click_key(idea_id, voter)
    backed, last_click, seen = conn.execute(
        _BACKED_LAST_CLICK_SEEN,
        {"idea": idea_id, "voter": voter, "click": click, "request": request_key or ""},
    ).one()
    if seen or (last_click is not None and last_click > now - DOUBLE_CLICK):
        # A redelivery of a click already counted, or a double click: no effect.
        return _outcome(idea_id, title, challenge, used, backed=backed, changed=False,
                        redelivered=seen)  # fmt: skip

    if backed:
        ballots.remove_vote(session, challenge.id, voter, idea_id, now)
        used, action = used - 1, "vote.withdrawn"
    else:
        if not ballots.add_vote(session, challenge.id, voter, idea_id, challenge.vote_budget, now):
            raise VoteBudgetSpent(
                Code.VOTE_BUDGET_SPENT,
                budget=challenge.vote_budget, challenge=challenge.title, title=title,
            )  # fmt: skip
        used, action = used + 1, "vote.cast"
    # Remember this click (for DOUBLE_CLICK) and the request (for redeliveries) at once.
    if request_key is None:
        conn.execute(ballots.upsert(session, "remember_one"), {"key": click, "seen_at": now})
    else:
        conn.execute(
            ballots.upsert(session, "remember_two"),
            {"key1": click, "key2": request_key[:200], "now": now},
        )
    # Who and when, never which idea: the audit trail is exported (secret ballot).
    audit.record(
        session, actor=voter, action=action, at=now, challenge_id=challenge.id,
        subject=f"challenge:{challenge.id}", votes_used=used,
    )  # fmt: skip
    return _outcome(idea_id, title, challenge, used, backed=not backed, changed=True)


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


def _outcome(idea_id: int, title: str, challenge, used: int, *, backed: bool,
             changed: bool, redelivered: bool = False) -> VoteOutcome:  # fmt: skip
    return VoteOutcome(
        idea_id=idea_id, idea_title=title, challenge_id=challenge.id, backed=backed,
        changed=changed, votes_left=challenge.vote_budget - used, budget=challenge.vote_budget,
        tally_live=changed and tallies_visible(challenge), redelivered=redelivered,
    )  # fmt: skip


def _not_open(challenge: Challenge) -> VotingClosed:
    before = Stage(challenge.stage) in (Stage.DRAFT, Stage.SUBMISSIONS)
    code = Code.VOTING_NOT_OPEN if before else Code.VOTING_CLOSED
    return VotingClosed(code, challenge=challenge.title)


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
