"""A vote click's checks and writes, written once per database for the hot path.

A click is the busiest thing Lair does (a round's whole staff, within minutes of voting
opening). The rules are those of `challenges/voting.py` and the locking is that of
`challenges/ballots.py`; this module only makes them cheap:

- PostgreSQL: one stored function does every check and every write, called in autocommit
  (the call is its own transaction): one round trip per click, no BEGIN or COMMIT. It
  takes the same locks in the same order as every other change to votes (challenge and
  idea FOR SHARE, then the voter's ballot by an upsert), so it cannot deadlock them.
- SQLite: one read and the writes on the DBAPI connection in one BEGIN IMMEDIATE
  transaction (SQLite runs writers one at a time, so no row locks are needed); the
  statements are SQLite's own, prepared once and cached by the driver.

Both return the same `Click`. A refusal is decided before anything is written, so a
refused click changes nothing. The function is named by a digest of its text and made
when first called and missing, so a new release's rules never run an old release's function.
"""

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.dialects import sqlite

from challenges.stages import takes_votes
from storage.enums import IdeaStatus
from storage.types import UTCDateTime


class Refusal(StrEnum):
    GONE = "gone"  # no such idea (in the voter's workspace)
    NOT_OPEN = "not_open"  # the challenge is not taking votes (see `stage`)
    REMOVED = "removed"
    WITHDRAWN = "withdrawn"
    OWN = "own"
    TEAM = "team"
    SPENT = "spent"  # the budget is used up


@dataclass(frozen=True)
class Click:
    """What the database did with a click, and the facts needed to say so."""

    refusal: Refusal | None
    challenge_id: int | None = None
    challenge_title: str = ""
    stage: str = ""
    vote_budget: int = 0
    show_tallies_live: bool = False
    idea_title: str = ""
    backed: bool = False  # the voter backs the idea now
    changed: bool = False  # False: a redelivery or a double click, nothing written
    redelivered: bool = False
    used: int = 0  # votes used in the challenge now


def toggle(dialect: str, conn, *, idea_id: int, voter: str, workspace_id: int | None,
           click_key: str, request_key: str | None, now: datetime,
           recent: datetime) -> Click:  # fmt: skip
    """Back the idea or take the vote back, unless refused or a repeat. `click_key` names
    the voter's last click on the idea (a repeat after `recent` is a double click);
    `request_key`, the request (a repeat of it is a redelivery)."""
    if dialect == "postgresql":
        return _postgresql(conn, idea_id, voter, workspace_id, click_key, request_key, now, recent)
    return _sqlite(conn, idea_id, voter, workspace_id, click_key, request_key, now, recent)


# --- SQLite -----------------------------------------------------------------------------

_SQLITE_READ = """
SELECT c.id, c.title, c.stage, c.vote_budget, c.show_tallies_live, c.vote_during_submissions,
       c.workspace_id, i.title, i.status, i.author_id,
       EXISTS (SELECT 1 FROM ideamember m WHERE m.idea_id = i.id AND m.user_id = :voter),
       EXISTS (SELECT 1 FROM vote v WHERE v.idea_id = i.id AND v.voter_id = :voter),
       COALESCE((SELECT b.votes_used FROM ballot b
                 WHERE b.challenge_id = c.id AND b.voter_id = :voter), 0),
       EXISTS (SELECT 1 FROM processedrequest p WHERE p.key = :click AND p.seen_at > :recent),
       EXISTS (SELECT 1 FROM processedrequest p WHERE p.key = :request)
FROM challenge c JOIN idea i ON i.challenge_id = c.id
WHERE i.id = :idea AND (:workspace IS NULL OR c.workspace_id = :workspace)
"""
_SQLITE_TAKE_BACK = (
    "DELETE FROM vote WHERE idea_id = :idea AND voter_id = :voter",
    "UPDATE ballot SET votes_used = votes_used - 1, updated_at = :now "
    "WHERE challenge_id = :challenge AND voter_id = :voter",
)
_SQLITE_CAST = (
    "INSERT INTO ballot (challenge_id, voter_id, votes_used, updated_at) "
    "VALUES (:challenge, :voter, 1, :now) ON CONFLICT (challenge_id, voter_id) "
    "DO UPDATE SET votes_used = votes_used + 1, updated_at = excluded.updated_at "
    "WHERE votes_used < :budget",
    "INSERT INTO vote (challenge_id, idea_id, voter_id, created_at) "
    "VALUES (:challenge, :idea, :voter, :now)",
)
_SQLITE_REMEMBER_ONE = (
    "INSERT INTO processedrequest (key, seen_at) VALUES (:click, :now) "
    "ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at"
)
_SQLITE_REMEMBER_TWO = (
    "INSERT INTO processedrequest (key, seen_at) VALUES (:click, :now), (:request, :now) "
    "ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at"
)
_SQLITE_AUDIT = (
    "INSERT INTO auditevent (workspace_id, challenge_id, actor_id, action, subject, detail, at) "
    "VALUES (:audit_workspace, :challenge, :voter, :action, :subject, :detail, :now)"
)


def _stored(moment: datetime) -> datetime:
    """As every Lair timestamp is stored: naive UTC (storage.types.UTCDateTime)."""
    return _UTC.process_bind_param(moment, None)


def _sqlite_time(moment: datetime) -> str:
    """As SQLAlchemy writes a DateTime into SQLite (its own bind processor), so the values
    compare and read back like every other row's."""
    return _SQLITE_DATETIME(_stored(moment))


_UTC = UTCDateTime()
_SQLITE_DATETIME = sqlite.DATETIME().bind_processor(sqlite.dialect())


def _sqlite(conn, idea_id, voter, workspace_id, click_key, request_key, now, recent) -> Click:
    args = {"idea": idea_id, "voter": voter, "workspace": workspace_id, "click": click_key,
            "request": request_key or "", "recent": _sqlite_time(recent),
            "now": _sqlite_time(now)}  # fmt: skip
    row = conn.execute(_SQLITE_READ, args).fetchone()
    if row is None:
        return Click(Refusal.GONE)
    (challenge_id, title, stage, budget, live, early, challenge_workspace, idea_title, status,
     author, on_team, backed, used, double_click, seen) = row  # fmt: skip
    facts = {"challenge_id": challenge_id, "challenge_title": title, "stage": stage,
             "vote_budget": budget, "show_tallies_live": bool(live), "idea_title": idea_title}  # fmt: skip
    refusal = _refusal(stage, bool(early), status, author == voter, bool(on_team))
    if refusal is not None:
        return Click(refusal, **facts)
    if seen or double_click:
        return Click(None, **facts, backed=bool(backed), used=used, redelivered=bool(seen))
    if not backed and used >= budget:
        return Click(Refusal.SPENT, **facts, used=used)
    args["challenge"], args["budget"] = challenge_id, budget
    for statement in _SQLITE_TAKE_BACK if backed else _SQLITE_CAST:
        if conn.execute(statement, args).rowcount != 1:  # the database's own guards
            raise RuntimeError("vote changed under its write lock")
    used = used - 1 if backed else used + 1
    conn.execute(_SQLITE_REMEMBER_ONE if request_key is None else _SQLITE_REMEMBER_TWO, args)
    conn.execute(_SQLITE_AUDIT, {
        **args, "audit_workspace": workspace_id or challenge_workspace,
        "action": "vote.withdrawn" if backed else "vote.cast",
        "subject": f"challenge:{challenge_id}", "detail": json.dumps({"votes_used": used}),
    })  # fmt: skip
    return Click(None, **facts, backed=not backed, changed=True, used=used)


def _refusal(stage: str, early: bool, status: str, own: bool, on_team: bool) -> Refusal | None:
    if not takes_votes(stage, early):
        return Refusal.NOT_OPEN
    if status == IdeaStatus.REMOVED:
        return Refusal.REMOVED
    if status == IdeaStatus.WITHDRAWN:
        return Refusal.WITHDRAWN
    if on_team:
        return Refusal.OWN if own else Refusal.TEAM
    return None


# --- PostgreSQL ---------------------------------------------------------------------------

_FUNCTION_BODY = """
DECLARE
  r record;
  v_used integer;
  v_backed boolean;
  v_double boolean;
  v_seen boolean;
BEGIN
  -- The challenge and the idea, FOR SHARE: a stage change or a withdrawal waits for this
  -- click, and a click after one sees it (challenges/ballots.py, lock order).
  SELECT c.id, c.title, c.stage, c.vote_budget, c.show_tallies_live,
         c.vote_during_submissions, c.workspace_id, i.title AS idea_title, i.status,
         i.author_id,
         EXISTS (SELECT 1 FROM ideamember m WHERE m.idea_id = i.id AND m.user_id = p_voter)
           AS on_team
    INTO r
    FROM challenge c JOIN idea i ON i.challenge_id = c.id
   WHERE i.id = p_idea AND (p_workspace IS NULL OR c.workspace_id = p_workspace)
     FOR SHARE;
  IF NOT FOUND THEN
    o_refusal := 'gone';
    RETURN NEXT;
    RETURN;
  END IF;
  o_challenge_id := r.id; o_challenge_title := r.title; o_stage := r.stage;
  o_vote_budget := r.vote_budget; o_show_tallies_live := r.show_tallies_live;
  o_idea_title := r.idea_title; o_changed := false; o_redelivered := false; o_backed := false;
  o_used := 0;
  IF NOT (r.stage = 'voting' OR (r.stage = 'submissions' AND r.vote_during_submissions)) THEN
    o_refusal := 'not_open';
  ELSIF r.status = 'removed' THEN
    o_refusal := 'removed';
  ELSIF r.status = 'withdrawn' THEN
    o_refusal := 'withdrawn';
  ELSIF r.on_team THEN
    o_refusal := CASE WHEN r.author_id = p_voter THEN 'own' ELSE 'team' END;
  END IF;
  IF o_refusal IS NOT NULL THEN
    RETURN NEXT;
    RETURN;
  END IF;

  -- The voter's ballot, locked (created on first use): one voter's clicks run one at a
  -- time, and each sees every earlier one.
  INSERT INTO ballot AS b (challenge_id, voter_id, votes_used, updated_at)
  VALUES (r.id, p_voter, 0, p_now)
  ON CONFLICT (challenge_id, voter_id) DO UPDATE SET votes_used = b.votes_used
  RETURNING b.votes_used INTO v_used;
  v_backed := EXISTS (SELECT 1 FROM vote v WHERE v.idea_id = p_idea AND v.voter_id = p_voter);
  v_double := EXISTS (SELECT 1 FROM processedrequest p
                      WHERE p.key = p_click AND p.seen_at > p_recent);
  v_seen := EXISTS (SELECT 1 FROM processedrequest p WHERE p.key = p_request);
  o_used := v_used;
  o_backed := v_backed;
  IF v_seen OR v_double THEN
    o_redelivered := v_seen;
    RETURN NEXT;
    RETURN;
  END IF;
  IF v_backed THEN
    DELETE FROM vote v WHERE v.idea_id = p_idea AND v.voter_id = p_voter;
    UPDATE ballot b SET votes_used = b.votes_used - 1, updated_at = p_now
     WHERE b.challenge_id = r.id AND b.voter_id = p_voter;
    v_used := v_used - 1;
  ELSE
    IF v_used >= r.vote_budget THEN
      o_refusal := 'spent';
      RETURN NEXT;
      RETURN;
    END IF;
    UPDATE ballot b SET votes_used = b.votes_used + 1, updated_at = p_now
     WHERE b.challenge_id = r.id AND b.voter_id = p_voter AND b.votes_used < r.vote_budget;
    IF NOT FOUND THEN  -- never, with the lock held; the guard is the database's own
      RAISE EXCEPTION 'vote budget overrun';
    END IF;
    INSERT INTO vote (challenge_id, idea_id, voter_id, created_at)
    VALUES (r.id, p_idea, p_voter, p_now);
    v_used := v_used + 1;
  END IF;
  INSERT INTO processedrequest AS p (key, seen_at) VALUES (p_click, p_now)
  ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at;
  IF p_request IS NOT NULL THEN
    INSERT INTO processedrequest AS p (key, seen_at) VALUES (p_request, p_now)
    ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at;
  END IF;
  -- Who and when, never which idea (the audit sheet is exported: a secret ballot).
  INSERT INTO auditevent (workspace_id, challenge_id, actor_id, action, subject, detail, at)
  VALUES (COALESCE(p_workspace, r.workspace_id), r.id, p_voter,
          CASE WHEN v_backed THEN 'vote.withdrawn' ELSE 'vote.cast' END,
          'challenge:' || r.id, ('{"votes_used": ' || v_used || '}')::json, p_now);
  o_used := v_used;
  o_backed := NOT v_backed;
  o_changed := true;
  RETURN NEXT;
END
"""
_SIGNATURE = (
    "(p_idea integer, p_voter text, p_workspace integer, p_click text, p_request text, "
    "p_now timestamp, p_recent timestamp) RETURNS TABLE (o_refusal text, o_challenge_id "
    "integer, o_challenge_title text, o_stage text, o_vote_budget integer, o_show_tallies_live "
    "boolean, o_idea_title text, o_backed boolean, o_changed boolean, o_redelivered boolean, "
    "o_used integer)"
)
FUNCTION = "lair_vote_" + hashlib.sha256((_SIGNATURE + _FUNCTION_BODY).encode()).hexdigest()[:12]
_CALL = (
    f"SELECT * FROM {FUNCTION}(%s::integer, %s::text, %s::integer, %s::text, %s::text, "
    "%s::timestamp, %s::timestamp)"
)
UNDEFINED_FUNCTION = "42883"
_making = threading.Lock()


def _create_function(conn) -> None:
    """Create this release's function (the first click after an upgrade, in each schema).
    One creator at a time, across processes too (an advisory lock held by the creating
    transaction); CREATE OR REPLACE, so a second creator just writes the same text."""
    with _making, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (FUNCTION,))
        conn.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}{_SIGNATURE} "
            f"LANGUAGE plpgsql AS $lair${_FUNCTION_BODY}$lair$"
        )


def _postgresql(conn, idea_id, voter, workspace_id, click_key, request_key, now,
                recent) -> Click:  # fmt: skip
    args = (idea_id, voter, workspace_id, click_key, request_key, _stored(now), _stored(recent))
    try:
        row = conn.execute(_CALL, args).fetchone()
    except Exception as exc:
        if getattr(exc, "sqlstate", None) != UNDEFINED_FUNCTION:
            raise
        _create_function(conn)  # nothing ran: in autocommit the failed call was its own
        row = conn.execute(_CALL, args).fetchone()
    (refusal, challenge_id, title, stage, budget, live, idea_title, backed, changed,
     redelivered, used) = row  # fmt: skip
    return Click(
        Refusal(refusal) if refusal else None, challenge_id=challenge_id, challenge_title=title,
        stage=stage, vote_budget=budget, show_tallies_live=live, idea_title=idea_title,
        backed=backed, changed=changed, redelivered=redelivered, used=used,
    )  # fmt: skip
