"""Row locks that keep voting exact: the voter's ballot row and the idea's row.

How votes stay race-free (on both back ends)
--------------------------------------------
Every change to a voter's votes in a challenge — casting, taking back, or releasing
them when an idea is withdrawn or its team changes — first locks that voter's
`Ballot` row. The lock is one statement, `INSERT … ON CONFLICT DO UPDATE … RETURNING
votes_used`: it creates the row on first use (two first clicks cannot both create
it), and otherwise its no-op update takes the row lock like `SELECT … FOR UPDATE`,
waiting for any transaction holding it. Holding that lock, the transaction reads
the voter's vote on the idea, checks `votes_used` against the
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

Teams and the secret ballot
---------------------------
People on an idea's team may not vote for it. When a team could change while votes
could be cast (early voting, during submissions), adding a colleague meant taking
back their vote on the idea; with live counts on, an author who added colleagues one
at a time and watched the count learnt who had backed the idea (and the vote vanished
without a word). The choice: an idea's team is fixed once voting has started — votes
can be cast (`vote_during_submissions`) or any vote exists in the challenge — and a
team change is refused then (Code.TEAM_LOCKED, challenges/ideas.py), everything else
about the idea still editable. So a team change never returns anybody's vote: there
is no vote to tell a voter about and no count that moves with an edit. Delaying and
batching count updates was the other way; it still ties a drop to a window of edits,
needs a timer per card, and silently undoes a vote people made — refusing is exact
and says why.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from challenges import scope
from storage.models import Ballot, Idea, Vote

# A vote click itself is challenges/vote_path.py (the same locks, in the same order, in
# one round trip); what is here takes votes back in bulk (a withdrawal, a moderation).
BALLOT, VOTE = Ballot.__table__, Vote.__table__


def _lock(dialect):
    # Its no-op update takes the row lock (waiting for any holder) and returns the
    # committed count; a new voter's row is created instead.
    return (
        dialect.insert(BALLOT)
        .on_conflict_do_update(
            index_elements=[BALLOT.c.challenge_id, BALLOT.c.voter_id],
            set_={"votes_used": BALLOT.c.votes_used},
        )
        .returning(BALLOT.c.votes_used)
    )


_LOCK = {"postgresql": _lock(postgresql), "sqlite": _lock(sqlite)}


def lock_ballot(session: Session, challenge_id: int, voter_id: str, now: datetime) -> int:
    """Lock the voter's ballot for the challenge (creating it if new) until the transaction
    ends, and return its `votes_used`: one statement (see the module's docstring)."""
    dialect = session.get_bind().dialect.name
    return (
        session.connection()
        .execute(
            _LOCK["postgresql" if dialect == "postgresql" else "sqlite"],
            {
                "challenge_id": challenge_id,
                "voter_id": voter_id,
                "votes_used": 0,
                "updated_at": now,
            },
        )
        .scalar_one()
    )


def lock_idea(session: Session, idea_id: int) -> Idea:
    """The idea (in the acting person's workspace), re-read and locked FOR UPDATE, to change
    it or take its votes back: no vote lands on it meanwhile."""
    return scope.idea(session, idea_id, lock=True)


_MINE = (BALLOT.c.challenge_id == bindparam("b_challenge")) & (
    BALLOT.c.voter_id == bindparam("b_voter")
)
_GIVE_BACK = (
    update(BALLOT)
    .where(_MINE)
    .values(votes_used=BALLOT.c.votes_used - 1, updated_at=bindparam("b_now"))
)
_ERASE = delete(VOTE).where(
    VOTE.c.idea_id == bindparam("b_idea"), VOTE.c.voter_id == bindparam("b_voter")
)


def remove_vote(session: Session, challenge_id: int, voter_id: str, idea_id: int,
                now: datetime) -> bool:  # fmt: skip
    """Take the voter's vote off the idea and give it back to the (locked) ballot."""
    conn = session.connection()
    if conn.execute(_ERASE, {"b_idea": idea_id, "b_voter": voter_id}).rowcount != 1:
        return False
    conn.execute(_GIVE_BACK, {"b_challenge": challenge_id, "b_voter": voter_id, "b_now": now})
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
        lock_ballot(session, idea.challenge_id, voter, now)
        released += remove_vote(session, idea.challenge_id, voter, idea.id, now)
    return released
