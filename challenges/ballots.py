"""Row locks that keep voting exact: the voter's ballot row and the idea's row.

How votes stay race-free (on both back ends)
--------------------------------------------
Every change to a voter's votes in a challenge — casting, taking back, or releasing
them when an idea is withdrawn or its team changes — first locks that voter's
`Ballot` row (`SELECT … FOR UPDATE`; the row is created on first use with
`INSERT … ON CONFLICT DO NOTHING`, so two first clicks cannot both create it).
Holding that lock, the transaction reads `votes_used`, checks it against the
budget, and writes the vote and the new count. A second click by the same voter
waits for the first to commit and then sees its result, so no interleaving can
overrun a budget or cast two votes on one idea. The database backs this up:
`uq_vote_once` (one row per idea and voter), `ck_ballot_nonnegative`, and the
increment itself is `votes_used + 1 … WHERE votes_used < budget`.

Why a row lock rather than SERIALIZABLE with retries: the conflict is always on
one known row (the voter's ballot), so a lock serialises exactly the clicks that
can conflict — one voter's — and lets everyone else's run in parallel, with no
aborted work to redo under a burst. PostgreSQL runs at READ COMMITTED; SQLite has
no row locks, but every Lair transaction there starts with BEGIN IMMEDIATE
(storage/database.py), which takes the database's single write lock up front, so
whole write transactions are serial and the same reasoning holds trivially.

Lock order, so these transactions cannot deadlock each other or a stage change:
challenge → idea → ballot(s), ballots in voter-id order. A vote takes the
challenge row FOR SHARE (a stage change's UPDATE waits for votes in flight, and a
vote after it sees the new stage), then the idea row FOR SHARE (a withdrawal waits
for it), then its ballot. Withdrawing takes the idea FOR UPDATE first, so no vote
can land on it between reading its voters and releasing them.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from challenges.errors import NotFound
from storage.models import Ballot, Idea, Vote


def lock_ballot(session: Session, challenge_id: int, voter_id: str, now: datetime) -> Ballot:
    """The voter's ballot for the challenge, created if new, locked until the transaction ends."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(Ballot)
        .values(challenge_id=challenge_id, voter_id=voter_id, votes_used=0, updated_at=now)
        .on_conflict_do_nothing(index_elements=["challenge_id", "voter_id"])
    )
    return session.exec(
        select(Ballot)
        .where(Ballot.challenge_id == challenge_id, Ballot.voter_id == voter_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lock_idea(session: Session, idea_id: int, *, shared: bool = False) -> Idea:
    """The idea, re-read and locked: FOR SHARE to vote on it, FOR UPDATE to change it."""
    idea = session.exec(
        select(Idea)
        .where(Idea.id == idea_id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).first()
    if idea is None:
        raise NotFound(f"There is no idea {idea_id}. It may have been removed.")
    return idea


def add_vote(session: Session, ballot: Ballot, idea_id: int, budget: int, now: datetime) -> bool:
    """Record the vote and count it against the (locked) ballot. False if the budget is spent."""
    counted = session.execute(
        update(Ballot)
        .where(
            Ballot.challenge_id == ballot.challenge_id,
            Ballot.voter_id == ballot.voter_id,
            Ballot.votes_used < budget,
        )
        .values(votes_used=Ballot.votes_used + 1, updated_at=now)
        .execution_options(synchronize_session="evaluate")  # `ballot` shows the new count
    )
    if counted.rowcount != 1:
        return False
    session.add(
        Vote(challenge_id=ballot.challenge_id, idea_id=idea_id, voter_id=ballot.voter_id,
             created_at=now)
    )  # fmt: skip
    session.flush()
    return True


def remove_vote(session: Session, ballot: Ballot, idea_id: int, now: datetime) -> bool:
    """Take the voter's vote off the idea and give it back to the (locked) ballot."""
    removed = session.execute(
        delete(Vote).where(Vote.idea_id == idea_id, Vote.voter_id == ballot.voter_id)
    )
    if removed.rowcount != 1:
        return False
    session.execute(
        update(Ballot)
        .where(Ballot.challenge_id == ballot.challenge_id, Ballot.voter_id == ballot.voter_id)
        .values(votes_used=Ballot.votes_used - 1, updated_at=now)
        .execution_options(synchronize_session="evaluate")
    )
    return True


def release_votes(
    session: Session, idea: Idea, now: datetime, *, voters: Iterable[str] | None = None
) -> int:
    """Take the idea's votes (or only those of `voters`) back to their voters' budgets.

    Locks the idea FOR UPDATE first, so no vote lands on it meanwhile, then each
    voter's ballot in voter-id order. Returns how many votes were released.
    """
    lock_idea(session, idea.id)
    query = select(Vote.voter_id).where(Vote.idea_id == idea.id)
    if voters is not None:
        query = query.where(Vote.voter_id.in_(list(voters)))
    released = 0
    for voter in sorted(set(session.exec(query))):
        ballot = lock_ballot(session, idea.challenge_id, voter, now)
        released += remove_vote(session, ballot, idea.id, now)
    return released
