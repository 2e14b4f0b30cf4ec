"""Funding decisions: recorded by a coordinator once the panel has closed, then announced.

Announcing is once only (the outbox's dedupe keys make it so): the winners in the
challenge channel, and a message to the author of every idea with its outcome — for a
shortlisted idea the panel's mean per criterion and the comments members chose to
share. After the announcement the decisions are final.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from challenges import audit, outbox, places, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import InvalidInput, NotFound, Problem, WrongStage
from challenges.funding import Recommendation, recommend_challenge
from challenges.panel import locked_challenge
from challenges.ranking import IdeaRank, counting_scores, criteria_info, rank_ideas
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.enums import IdeaStatus
from storage.enums import Outcome as Verdict
from storage.models import Challenge, Decision, Idea, OutboxMessage, Scorecard, Vote

OUTCOMES = {Verdict.FUND: "Fund", Verdict.DONT_FUND: "Don't fund", Verdict.DEFER: "Defer"}


def results_key(challenge_id: int) -> str:
    return f"challenge:{challenge_id}:results"


def outcome_key(idea_id: int) -> str:
    return f"idea:{idea_id}:outcome"


def announced(session: Session, challenge_id: int) -> bool:
    return (
        session.exec(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == results_key(challenge_id))
        ).first()
        is not None
    )


def require_deciding(session: Session, challenge: Challenge) -> None:
    stage = Stage(challenge.stage)
    if stage in (Stage.DRAFT, Stage.SUBMISSIONS, Stage.VOTING, Stage.PANEL):
        raise WrongStage(
            Code.DECISIONS_NOT_YET,
            challenge=challenge.title, stage=stage.label, challenge_id=challenge.id,
        )  # fmt: skip
    if stage == Stage.CLOSED:
        raise WrongStage(Code.DECISIONS_CLOSED, challenge=challenge.title)
    if announced(session, challenge.id):
        raise WrongStage(Code.DECISIONS_ANNOUNCED, challenge=challenge.title)


def can_record(session: Session, challenge: Challenge) -> bool:
    """Decisions may be recorded now (the panel has closed and nothing is announced yet)."""
    try:
        require_deciding(session, challenge)
    except WrongStage:
        return False
    return True


def check_deciding(ctx: Context, actor: str, challenge_id: int) -> None:
    """Refuses unless `actor` may record decisions for the challenge now."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        challenge = scope.find_challenge(session, challenge_id)
        if challenge is None:
            raise NotFound(Code.NO_SUCH_CHALLENGE, challenge_id=challenge_id)
        require_deciding(session, challenge)


@dataclass(frozen=True)
class DecisionForm:
    challenge: Challenge
    ranks: list[IdeaRank]
    recommendation: Recommendation
    decisions: dict[int, Decision]


def decision_form(ctx: Context, actor: str, challenge_id: int) -> DecisionForm:
    with ctx.read() as session:  # on SQLite, no write lock: votes elsewhere carry on
        require_coordinator(session, ctx, actor)
        challenge = get_challenge(session, challenge_id)  # read only: no lock while computing
        require_deciding(session, challenge)
        ranks = rank_ideas(session, challenge.id)
        decisions = {
            d.idea_id: d
            for d in session.exec(
                select(Decision).where(Decision.idea_id.in_([r.idea_id for r in ranks]))
            )
        }
    # Outside the transaction: the recommendation can take a while and needs no database.
    return DecisionForm(challenge, ranks, recommend_challenge(challenge, ranks), decisions)


NOTES_MAX = 1000  # characters, as Decision.notes holds


@dataclass(frozen=True)
class DecisionInput:
    idea_id: int
    outcome: str
    award: int
    notes: str | None = None  # None: leave the notes as they are


@dataclass(frozen=True)
class DecisionResult:
    challenge: Challenge
    changed: int
    announced: bool
    total_awarded: int
    funded: int


def record_decisions(
    ctx: Context, actor: str, challenge_id: int, inputs: list[DecisionInput], *, announce: bool
) -> DecisionResult:
    """Record decisions for shortlisted ideas; with `announce`, every shortlisted idea must
    then have one, and the results and each author's outcome are queued, once."""
    with ctx.transaction() as session:
        return record_in(session, ctx, actor, challenge_id, inputs, announce=announce)


def record_in(
    session: Session,
    ctx: Context,
    actor: str,
    challenge_id: int,
    inputs: list[DecisionInput],
    *,
    announce: bool,
    allow_over_pot: bool = False,
) -> DecisionResult:
    """`record_decisions` inside the caller's transaction. `allow_over_pot` lets a returned
    workbook record awards above the pot (the fund panel's call, shown as a warning); the
    results can still not be announced over the pot."""
    now = ctx.now()
    require_coordinator(session, ctx, actor)
    challenge = locked_challenge(session, challenge_id)
    require_deciding(session, challenge)
    shortlist = {
        i.id: i
        for i in session.exec(
            select(Idea).where(Idea.challenge_id == challenge_id, Idea.shortlisted.is_(True))
        )
    }
    errors: dict[str, Problem] = {}
    for d in inputs:
        if d.idea_id not in shortlist:
            raise NotFound(Code.DECISION_NOT_SHORTLISTED, idea_id=d.idea_id)
        if d.outcome not in OUTCOMES:
            errors[f"outcome.{d.idea_id}"] = Problem(Code.CHOOSE_OUTCOME)
        elif d.outcome == Verdict.FUND and not 0 < d.award <= challenge.max_award:
            errors[f"award.{d.idea_id}"] = Problem(
                Code.AWARD_RANGE, {"max_award": challenge.max_award}
            )
    if errors:
        raise InvalidInput(errors)
    existing = {
        d.idea_id: d
        for d in session.exec(select(Decision).where(Decision.idea_id.in_(list(shortlist))))
    }
    changed = 0
    for d in inputs:
        award = d.award if d.outcome == Verdict.FUND else 0
        row = existing.get(d.idea_id)
        notes = (row.notes if row is not None else "") if d.notes is None else d.notes
        if row is not None and (row.outcome, row.award, row.notes) == (d.outcome, award, notes):
            continue
        old = None if row is None else {"outcome": row.outcome, "award": row.award}
        new: dict = {"outcome": d.outcome, "award": award}
        if row is None:
            if notes:
                new["notes"] = notes
        elif notes != row.notes:
            old["notes"], new["notes"] = row.notes, notes
        if row is None:
            row = Decision(idea_id=d.idea_id, outcome=d.outcome, award=award, decided_by=actor)
            session.add(row)
            existing[d.idea_id] = row
        row.outcome, row.award, row.decided_by, row.decided_at = d.outcome, award, actor, now
        row.notes = notes
        changed += 1
        audit.record(
            session, actor=actor, action="decision.recorded", at=now, challenge_id=challenge_id,
            subject=f"idea:{d.idea_id}", old=old, new=new,
        )  # fmt: skip
    total = sum(r.award for r in existing.values() if r.outcome == Verdict.FUND)
    if total > challenge.fund_pot and (announce or not allow_over_pot):
        over = [f"award.{d.idea_id}" for d in inputs if d.outcome == Verdict.FUND] or ["announce"]
        raise InvalidInput(
            {over[-1]: Problem(Code.AWARDS_OVER_POT, {"total": total, "pot": challenge.fund_pot})}
        )
    if announce:
        undecided = [i for i in shortlist if i not in existing]
        if undecided:
            names = ", ".join(f"“{shortlist[i].title}”" for i in sorted(undecided)[:3])
            raise InvalidInput({"announce": Problem(Code.UNDECIDED_IDEAS, {"titles": names})})
        _announce(session, challenge, now, actor)
    session.flush()
    return DecisionResult(
        challenge=challenge,
        changed=changed,
        announced=announce,
        total_awarded=total,
        funded=sum(1 for r in existing.values() if r.outcome == Verdict.FUND),
    )


def _announce(session: Session, challenge: Challenge, now, actor: str) -> None:
    outbox.enqueue(
        session, key=results_key(challenge.id), kind=outbox.MessageKind.RESULTS,
        to=outbox.to_channel(challenge.channel_id), payload={"challenge_id": challenge.id},
        now=now, challenge=challenge, save_as=places.results(challenge.id),
    )  # fmt: skip
    authors = session.exec(
        select(Idea.id, Idea.author_id)
        .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.SUBMITTED)
        .order_by(Idea.id)
    ).all()
    for idea_id, author in authors:
        outbox.enqueue(
            session, key=outcome_key(idea_id), kind=outbox.MessageKind.OUTCOME,
            to=outbox.to_person(author), payload={"idea_id": idea_id}, now=now, challenge=challenge,
        )  # fmt: skip
    audit.record(
        session, actor=actor, action="results.announced", at=now, challenge_id=challenge.id,
        subject=f"challenge:{challenge.id}", authors_told=len(authors),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# What the announcement and the authors' messages say


@dataclass(frozen=True)
class Winner:
    idea: Idea
    team: list[str]
    award: int


@dataclass(frozen=True)
class Results:
    challenge: Challenge
    winners: list[Winner]  # biggest award first
    deferred: int
    shortlisted: int
    total: int


def results(ctx: Context, challenge_id: int) -> Results:
    from challenges.ideas import team_of

    with ctx.transaction() as session:
        challenge = scope.find_challenge(session, challenge_id)
        rows = session.exec(
            select(Idea, Decision)
            .join(Decision, Decision.idea_id == Idea.id)
            .where(Idea.challenge_id == challenge_id, Idea.shortlisted.is_(True))
        ).all()
        winners = sorted(
            (
                Winner(idea, [idea.author_id, *team_of(session, idea.id)], decision.award)
                for idea, decision in rows
                if decision.outcome == Verdict.FUND
            ),
            key=lambda w: (-w.award, w.idea.id),
        )
        shortlisted = session.exec(
            select(func.count())
            .select_from(Idea)
            .where(Idea.challenge_id == challenge_id, Idea.shortlisted.is_(True))
        ).one()
        return Results(
            challenge, winners, sum(1 for _, d in rows if d.outcome == Verdict.DEFER), shortlisted,
            sum(w.award for w in winners),
        )  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    idea: Idea
    challenge: Challenge
    shortlisted: bool
    votes: int
    decision: Decision | None
    criteria: list[str]  # names, in order
    means: list[float | None]  # the panel's mean per criterion
    scorers: int
    comments: list[str]  # comments panel members chose to share
    scale: tuple[int, int] = (1, 5)


def outcome(ctx: Context, idea_id: int) -> Outcome:
    with ctx.transaction() as session:
        idea = scope.find_idea(session, idea_id)
        if idea is None:
            raise NotFound(Code.NO_SUCH_IDEA, idea_id=idea_id)
        challenge = session.get(Challenge, idea.challenge_id)
        votes = session.exec(
            select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id)
        ).one()
        criteria = criteria_info(session, challenge.id)
        cards = counting_scores(session, challenge.id).get(idea_id, {}) if idea.shortlisted else {}
        means = [
            (sum(card[i] for card in cards.values()) / len(cards)) if cards else None
            for i in range(len(criteria))
        ]
        comments = [
            c.comment.strip()
            for c in session.exec(
                select(Scorecard)
                .where(Scorecard.idea_id == idea_id, Scorecard.share_comment.is_(True))
                .order_by(Scorecard.id)
            )
            if c.member_id in cards and c.comment.strip()
        ]
        return Outcome(
            idea, challenge, idea.shortlisted, votes, session.get(Decision, idea_id),
            [c.name for c in criteria], means, len(cards), comments,
            (criteria[0].scale_min, criteria[0].scale_max) if criteria else (1, 5),
        )  # fmt: skip
