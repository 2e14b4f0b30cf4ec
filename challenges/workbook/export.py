"""Exporting a challenge's workbook: the service adapters call."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from challenges import audit
from challenges.codes import Code
from challenges.context import Context
from challenges.decisions import can_record
from challenges.errors import Problem
from challenges.funding import recommend_challenge
from challenges.ranking import rank_ideas
from challenges.roles import require_coordinator
from challenges.workbook.build import write
from challenges.workbook.data import collect
from challenges.workbook.shortlist import write_shortlist


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


def export_workbook(
    ctx: Context,
    actor: str,
    challenge_id: int,
    *,
    words: Callable[[Problem], str],
    people: Mapping[str, str] | None = None,
) -> Export:
    """Build the workbook (coordinators only) and audit the export. `words` words the
    recommendation's reasons in the workbook (bot.words: the catalogue, in plain text)."""
    now = ctx.now()
    # A read: on SQLite it never takes the write lock, so votes carry on meanwhile; the
    # audit trail (a row per vote) is streamed from a read of its own as it is written.
    with ctx.read() as session:
        require_coordinator(session, ctx, actor)
        data = collect(session, challenge_id, now=now, people=people, read=ctx.read)
        ranks = rank_ideas(session, data.challenge.id)
        decisions_open = can_record(session, data.challenge)
    # Outside any transaction: the recommendation and the file need no database.
    recommendation = recommend_challenge(data.challenge, ranks)
    content = write(
        data,
        lambda wb: write_shortlist(wb, data, ranks, recommendation, words),
        recommendation.total,
    )
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
