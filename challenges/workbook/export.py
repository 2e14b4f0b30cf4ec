"""Exporting a challenge's workbook: the service adapters call."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlmodel import Session

from challenges import audit
from challenges.codes import Code
from challenges.context import Context
from challenges.decisions import can_record
from challenges.errors import LairError, Problem
from challenges.funding import Recommendation, recommend_challenge
from challenges.ranking import IdeaRank, rank_ideas
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.workbook.build import write
from challenges.workbook.data import WorkbookData, collect
from challenges.workbook.shortlist import write_shortlist
from storage.models import Challenge


@dataclass(frozen=True)
class Export:
    challenge_id: int
    filename: str
    content: bytes
    summary: Problem  # what is in it, as facts (Code.EXPORT_SUMMARY)
    # Decisions can still be recorded, so an edited workbook sent back would be read.
    decisions_open: bool = False


def filename_for(challenge_id: int, title: str, when) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:40] or "challenge"
    return f"lair-{challenge_id}-{slug}-{when:%Y%m%d-%H%M}.xlsx"


# Times the recommendation is worked out again when the panel's scores (or the pot) change
# between its read and the snapshot the workbook is written from (see export_workbook).
ATTEMPTS = 5


def _recommendation_basis(session: Session, challenge_id: int) -> tuple[Challenge, list[IdeaRank]]:
    """What the recommendation is worked out from: the challenge (its pot and largest award)
    and the ranked shortlist."""
    return get_challenge(session, challenge_id), rank_ideas(session, challenge_id)


def _inputs(basis: tuple[Challenge, list[IdeaRank]]) -> tuple:
    """All the recommendation depends on: equal inputs, equal recommendations (the exact
    scores too, which IdeaRank's equality leaves out)."""
    challenge, ranks = basis
    return challenge.fund_pot, challenge.max_award, [(r, r.weighted_exact) for r in ranks]


def _write(data: WorkbookData, ranks: list[IdeaRank], recommendation: Recommendation,
           words: Callable[[Problem], str]) -> bytes:  # fmt: skip
    return write(
        data,
        lambda wb: write_shortlist(wb, data, ranks, recommendation, words),
        recommendation.total,
    )


def export_workbook(
    ctx: Context,
    actor: str,
    challenge_id: int,
    *,
    words: Callable[[Problem], str],
    people: Mapping[str, str] | None = None,
) -> Export:
    """Build the workbook (coordinators only) and audit the export. `words` words the
    recommendation's reasons in the workbook (bot.words: the catalogue, in plain text).

    Every sheet is read from one snapshot of the database (`ctx.snapshot`: it never takes a
    lock a vote needs), the long ones streamed from it as they are written, so a vote or an
    idea committed meanwhile is in none of them or, in a later export, in all. The funding
    recommendation is worked out outside any transaction, from the ranks read just before
    the snapshot; the snapshot reads them again, and if they changed meanwhile (a score came
    in), the recommendation is worked out again from those, outside, and a new snapshot
    taken: the Shortlist's recommendation is always that of the ranks written beside it."""
    now = ctx.now()
    with ctx.read() as session:
        require_coordinator(session, ctx, actor)
        basis = _recommendation_basis(session, challenge_id)
    for _ in range(ATTEMPTS):
        # Outside any transaction: the recommendation can take a while and needs no database.
        recommendation = recommend_challenge(*basis)
        with ctx.snapshot() as session:
            seen = _recommendation_basis(session, challenge_id)
            if _inputs(seen) != _inputs(basis):
                basis = seen
                continue
            ranks = seen[1]
            data = collect(session, challenge_id, now=now, people=people)
            decisions_open = can_record(session, data.challenge)
            content = _write(data, ranks, recommendation, words)  # streams from `session`
        break
    else:
        raise LairError(Code.EXPORT_KEPT_CHANGING, challenge_id=challenge_id, attempts=ATTEMPTS)
    with ctx.transaction() as session:
        audit.record(
            session, actor=actor, action="workbook.exported", at=now, challenge_id=challenge_id,
            subject=f"challenge:{challenge_id}", shortlisted=len(ranks), bytes=len(content),
        )  # fmt: skip
    c = data.challenge
    summary = Problem(
        Code.EXPORT_SUMMARY,
        {"shortlisted": len(ranks), "ideas": data.numbers.ideas,
         "recommended": recommendation.total, "pot": c.fund_pot},
    )  # fmt: skip
    return Export(c.id, filename_for(c.id, c.title, now), content, summary, decisions_open)
