"""Panel scoring: one scorecard per member per shortlisted idea, from a form or a thread reply.

A scorecard can change until the panel closes; the latest values count and every
change is audited with its old and new values. Scoring is blind: a member sees the
panel's scores for an idea only once they have scored it themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from challenges import audit, places, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import (
    ConflictOfInterest,
    InvalidInput,
    MalformedScore,
    NotFound,
    NotOnPanel,
    Problem,
    ScoresHidden,
    WrongStage,
    no_nul,
)
from challenges.panel import conflict_of, eligible_scorers, is_member, locked_challenge
from challenges.roles import is_coordinator
from challenges.setup import criteria_of
from challenges.stages import Stage
from storage.enums import ConflictKind, MemberRole
from storage.models import Challenge, Criterion, Idea, IdeaMember, Score, Scorecard, Vote

COMMENT_MAX = 3000

# ---------------------------------------------------------------------------------------
# Reading a thread reply: `score 4 3 5 4 2 strong case` or `impact=4 feasibility=3 …`

_SCORE_WORD = re.compile(r"^\s*score\b\s*:?\s*", re.IGNORECASE)
# A score has at most 9 digits: a longer number is not read as one (int() would refuse
# over 4,300 digits), so the reply gets the usual hint.
_PAIR = re.compile(r"\s*([A-Za-z][\w-]*)\s*=\s*(-?\d{1,9})(?![\w.])[,;]?")
_NUMBER = re.compile(r"\s*(-?\d{1,9})(?:/\d+)?(?![\w.])[,;]?")


@dataclass(frozen=True)
class ParsedReply:
    values: dict[str, int]  # criterion key -> value (all criteria, or some when named)
    comment: str | None  # None: leave any earlier comment as it was


def looks_like_score(text: str) -> bool:
    """Is this thread reply an attempt to score (rather than discussion)?"""
    text = text or ""
    return bool(_SCORE_WORD.match(text) or re.match(r"^\s*[A-Za-z][\w-]*\s*=\s*-?\d", text))


def short_names(criteria: list[Criterion]) -> list[str]:
    """What to call each criterion in a reply: the first word of its key where that is unique."""
    firsts = [c.key.split("_")[0] for c in criteria]
    return [f if firsts.count(f) == 1 else c.key for f, c in zip(firsts, criteria, strict=True)]


def example(criteria: list[Criterion]) -> tuple[str, str]:
    """A correct positional reply and a correct named reply for these criteria."""
    pattern = [4, 3, 5, 4, 2]
    values = [
        min(max(pattern[i % len(pattern)], c.scale_min), c.scale_max)
        for i, c in enumerate(criteria)
    ]
    positional = "score " + " ".join(map(str, values)) + " strong case, costs look right"
    named = " ".join(f"{n}={v}" for n, v in zip(short_names(criteria), values, strict=True))
    return positional, named


def _hint(criteria: list[Criterion], code: Code, **facts) -> MalformedScore:
    """What was wrong (`code`, a part of the sentence) and a correct example to copy."""
    positional, named = example(criteria)
    low, high = (criteria[0].scale_min, criteria[0].scale_max) if criteria else (1, 5)
    return MalformedScore(
        Code.SCORE_UNREADABLE,
        problem=Problem(code, facts), low=low, high=high,
        order=", ".join(c.name for c in criteria), positional=positional, named=named,
    )  # fmt: skip


def _criterion_named(name: str, criteria: list[Criterion]) -> Criterion:
    wanted = name.lower().replace("-", "_")
    for c in criteria:
        if c.key == wanted:
            return c
    matches = [c for c in criteria if len(wanted) >= 3 and c.key.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(short_names(criteria))
    raise _hint(criteria, Code.SCORE_NOT_A_CRITERION, name=name, known=known)


def parse_reply(text: str, criteria: list[Criterion]) -> ParsedReply:
    """Read a scoring reply. Raises MalformedScore (with a correct example) when it cannot."""
    rest = text or ""
    if m := _SCORE_WORD.match(rest):
        rest = rest[m.end() :]
    values: dict[str, int] = {}
    if _PAIR.match(rest):
        while pair := _PAIR.match(rest):
            criterion = _criterion_named(pair.group(1), criteria)
            if criterion.key in values:
                raise _hint(criteria, Code.SCORE_TWICE, criterion=criterion.name)
            values[criterion.key] = int(pair.group(2))
            rest = rest[pair.end() :]
    else:
        numbers: list[int] = []
        while len(numbers) < len(criteria) and (number := _NUMBER.match(rest)):
            numbers.append(int(number.group(1)))
            rest = rest[number.end() :]
        for c, v in zip(criteria, numbers, strict=False):
            if not c.scale_min <= v <= c.scale_max:
                raise _hint(
                    criteria, Code.SCORE_OUT_OF_RANGE_SPACES,
                    criterion=c.name, low=c.scale_min, high=c.scale_max, given=v,
                )  # fmt: skip
        if len(numbers) < len(criteria):
            raise _hint(criteria, Code.SCORE_TOO_FEW, needed=len(criteria), found=len(numbers))
        values = {c.key: v for c, v in zip(criteria, numbers, strict=True)}
    for c in criteria:
        if c.key in values and not c.scale_min <= values[c.key] <= c.scale_max:
            raise _hint(
                criteria, Code.SCORE_OUT_OF_RANGE,
                criterion=c.name, low=c.scale_min, high=c.scale_max, given=values[c.key],
            )  # fmt: skip
    comment = rest.strip().lstrip("-—–:,;").strip()
    return ParsedReply(values=values, comment=comment or None)


# ---------------------------------------------------------------------------------------
# Who may score


def _scoring_idea(session: Session, idea_id: int, user: str) -> tuple[Idea, Challenge]:
    """The idea and its (locked) challenge, if `user` may score it now; refuses otherwise."""
    idea = scope.find_idea(session, idea_id)
    if idea is None:
        raise NotFound(Code.NO_SUCH_IDEA, idea_id=idea_id)
    challenge = locked_challenge(session, idea.challenge_id)
    stage = Stage(challenge.stage)
    if stage != Stage.PANEL:
        order = list(Stage)
        if order.index(stage) > order.index(Stage.PANEL):
            raise WrongStage(Code.SCORING_CLOSED, challenge=challenge.title)
        raise WrongStage(Code.SCORING_NOT_STARTED, challenge=challenge.title)
    if not is_member(session, challenge.id, user):
        raise NotOnPanel()
    if not idea.shortlisted:
        raise WrongStage(Code.SCORE_NOT_SHORTLISTED, title=idea.title)
    kind = conflict_of(session, idea.id, user)
    if kind is not None:
        code = {ConflictKind.AUTHOR: Code.BECAUSE_AUTHOR, ConflictKind.TEAM: Code.BECAUSE_TEAM}
        why = Problem(code.get(kind, Code.BECAUSE_DECLARED_CONFLICT))
        raise ConflictOfInterest(Code.CANNOT_SCORE_CONFLICT, title=idea.title, why=why)
    return idea, challenge


def _card(session: Session, idea_id: int, member: str) -> Scorecard | None:
    return session.exec(
        select(Scorecard).where(Scorecard.idea_id == idea_id, Scorecard.member_id == member)
    ).first()


def _values_of(
    session: Session, card: Scorecard | None, criteria: list[Criterion]
) -> dict[str, int]:
    if card is None:
        return {}
    by_id = {c.id: c.key for c in criteria}
    return {
        by_id[s.criterion_id]: s.value
        for s in session.exec(select(Score).where(Score.scorecard_id == card.id))
        if s.criterion_id in by_id
    }


def progress(session: Session, idea: Idea) -> tuple[int, int]:
    """(members who have scored, members who may score) for the idea."""
    eligible = eligible_scorers(session, idea)
    scored = set(
        session.exec(
            select(Scorecard.member_id).where(
                Scorecard.idea_id == idea.id, Scorecard.member_id.in_(eligible)
            )
        )
    )
    return len(scored), len(eligible)


# ---------------------------------------------------------------------------------------
# The form


@dataclass(frozen=True)
class ScoreForm:
    idea: Idea
    challenge: Challenge
    criteria: list[Criterion]
    values: dict[str, int]
    comment: str
    share_comment: bool


def score_form(ctx: Context, member: str, idea_id: int) -> ScoreForm:
    """What the Score button's form shows (the member's current scorecard, if any)."""
    with ctx.transaction() as session:
        idea, challenge = _scoring_idea(session, idea_id, member)
        criteria = criteria_of(session, challenge.id)
        card = _card(session, idea.id, member)
        return ScoreForm(
            idea, challenge, criteria, _values_of(session, card, criteria),
            card.comment if card else "", card.share_comment if card else False,
        )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Recording


@dataclass(frozen=True)
class ScoreResult:
    idea: Idea
    challenge: Challenge
    criteria: list[Criterion]
    values: dict[str, int]  # the scorecard now, every criterion
    comment: str
    share_comment: bool
    created: bool
    changed: bool
    scored: int
    eligible: int


def _field(c: Criterion) -> str:
    return f"score.{c.key}"


def record_scores(
    ctx: Context,
    *,
    member: str,
    idea_id: int,
    values: dict[str, int],
    comment: str | None = None,
    share_comment: bool | None = None,
    via: str,
) -> ScoreResult:
    """Create or change `member`'s scorecard for the idea. `values` maps criterion keys to
    values; a new scorecard needs every criterion, a change may give only some. A comment or
    share flag of None leaves the earlier one."""
    if comment is not None and len(comment) > COMMENT_MAX:
        raise InvalidInput({"comment": Problem(Code.COMMENT_TOO_LONG, {"most": COMMENT_MAX})})
    if comment is not None:
        no_nul(comment, label="comment", field="comment")
    try:
        return _record(ctx, member, idea_id, values, comment, share_comment, via)
    except IntegrityError:
        # Two first scores from one member at once (a double click, a form and a reply):
        # the other has created the scorecard; this one now changes it.
        return _record(ctx, member, idea_id, values, comment, share_comment, via)


def _record(ctx, member, idea_id, values, comment, share_comment, via) -> ScoreResult:
    now = ctx.now()
    with ctx.transaction() as session:
        idea, challenge = _scoring_idea(session, idea_id, member)
        criteria = criteria_of(session, challenge.id)
        keys = {c.key for c in criteria}
        unknown = sorted(set(values) - keys)
        if unknown:
            raise InvalidInput(
                {f"score.{unknown[0]}": Problem(Code.NOT_A_CRITERION, {"key": unknown[0]})}
            )
        errors = {
            _field(c): Problem(
                Code.SCORE_RANGE, {"criterion": c.name, "low": c.scale_min, "high": c.scale_max}
            )
            for c in criteria
            if c.key in values and not c.scale_min <= values[c.key] <= c.scale_max
        }
        card = _card(session, idea.id, member)
        old = _values_of(session, card, criteria)
        if card is None:
            errors.update(
                {
                    _field(c): Problem(Code.SCORE_MISSING, {"criterion": c.name})
                    for c in criteria
                    if c.key not in values
                }
            )
        if errors:
            raise InvalidInput(errors)
        new = {c.key: values.get(c.key, old.get(c.key)) for c in criteria}
        created = card is None
        if created:
            card = Scorecard(idea_id=idea.id, member_id=member, created_at=now, updated_at=now)
            session.add(card)
            session.flush()
        old_comment, old_share = card.comment, card.share_comment
        if comment is not None:
            card.comment = comment
        if share_comment is not None:
            card.share_comment = share_comment
        changed = (
            created or new != old or (card.comment, card.share_comment) != (old_comment, old_share)
        )
        if changed:
            existing = {
                s.criterion_id: s
                for s in session.exec(select(Score).where(Score.scorecard_id == card.id))
            }
            for c in criteria:
                row = existing.get(c.id)
                if row is None:
                    session.add(Score(scorecard_id=card.id, criterion_id=c.id, value=new[c.key]))
                elif row.value != new[c.key]:
                    row.value = new[c.key]
            card.updated_at = now
            detail = {"member": member, "via": via, "old": old or None, "new": new}
            if (card.comment, card.share_comment) != (old_comment, old_share):
                detail["comment_changed"] = card.comment != old_comment
                detail["share_comment"] = card.share_comment
            audit.record(
                session, actor=member, action="score.recorded" if created else "score.changed",
                at=now, challenge_id=challenge.id, subject=f"idea:{idea.id}", **detail,
            )  # fmt: skip
        session.flush()
        scored, eligible = progress(session, idea)
        return ScoreResult(
            idea, challenge, criteria, new, card.comment, card.share_comment, created, changed,
            scored, eligible,
        )  # fmt: skip


def idea_for_thread(ctx: Context, conversation_id: str, message_id: str) -> int | None:
    """The shortlisted idea whose panel message starts this thread, if any."""
    return places.idea_under(ctx, conversation_id, message_id)


def panel_message(ctx: Context, idea_id: int) -> places.Ref | None:
    """Where the idea's parent message in the panel channel is, once posted."""
    with ctx.transaction() as session:
        return places.find(session, places.panel(idea_id))


def record_reply(ctx: Context, *, member: str, idea_id: int, text: str) -> ScoreResult:
    """Score from a thread reply (already known to look like a score)."""
    with ctx.transaction() as session:
        idea, challenge = _scoring_idea(session, idea_id, member)
        criteria = criteria_of(session, challenge.id)
        card = _card(session, idea.id, member)
        parsed = parse_reply(text, criteria)
        missing = [c.name for c in criteria if c.key not in parsed.values]
        if card is None and missing:
            raise _hint(
                criteria,
                Code.SCORE_FIRST_NEEDS_ALL,
                count=len(criteria),
                missing=", ".join(missing),
            )
    if parsed.comment is not None and len(parsed.comment) > COMMENT_MAX:
        raise _hint(criteria, Code.SCORE_COMMENT_TOO_LONG, most=COMMENT_MAX)
    return record_scores(
        ctx,
        member=member,
        idea_id=idea_id,
        values=parsed.values,
        comment=parsed.comment,
        via="thread",
    )


# ---------------------------------------------------------------------------------------
# Seeing the panel's scores


@dataclass(frozen=True)
class MemberScores:
    member: str
    values: list[int]  # in criterion order
    comment: str
    counts: bool  # False when the member has since declared a conflict or left the panel


@dataclass(frozen=True)
class PanelScores:
    idea: Idea
    criteria: list[Criterion]
    cards: list[MemberScores]
    scored: int
    eligible: int


def panel_scores(ctx: Context, viewer: str, idea_id: int) -> PanelScores:
    """The panel's scores for an idea, for a panel member who has scored it (or a coordinator
    who is not on the panel). Blind scoring: refused to a member who has not scored it yet."""
    with ctx.transaction() as session:
        idea = scope.find_idea(session, idea_id)
        if idea is None:
            raise NotFound(Code.NO_SUCH_IDEA, idea_id=idea_id)
        challenge = session.get(Challenge, idea.challenge_id)
        on_panel = is_member(session, challenge.id, viewer)
        if on_panel:
            if conflict_of(session, idea.id, viewer) is not None:
                raise ConflictOfInterest(Code.SCORES_HIDDEN_CONFLICT, title=idea.title)
            if _card(session, idea.id, viewer) is None:
                raise ScoresHidden(Code.SCORES_HIDDEN_UNTIL_SCORED)
        elif not is_coordinator(session, ctx, viewer):
            raise NotOnPanel()
        criteria = criteria_of(session, challenge.id)
        eligible = set(eligible_scorers(session, idea))
        cards = []
        for card in session.exec(
            select(Scorecard)
            .where(Scorecard.idea_id == idea.id)
            .order_by(Scorecard.created_at, Scorecard.id)
        ):
            values = _values_of(session, card, criteria)
            cards.append(
                MemberScores(
                    card.member_id,
                    [values.get(c.key, 0) for c in criteria],
                    card.comment,
                    card.member_id in eligible,
                )  # fmt: skip
            )
        scored, total = progress(session, idea)
        return PanelScores(idea, criteria, cards, scored, total)


# ---------------------------------------------------------------------------------------
# The idea's parent message in the panel channel


@dataclass(frozen=True)
class PanelCard:
    idea: Idea
    challenge: Challenge
    team: list[str]  # author first
    votes: int
    scored: int
    eligible: int
    criteria: list[Criterion] = field(default_factory=list)


def panel_card(ctx: Context, idea_id: int) -> PanelCard:
    with ctx.transaction() as session:
        idea = scope.find_idea(session, idea_id)
        if idea is None:
            raise NotFound(Code.NO_SUCH_IDEA, idea_id=idea_id)
        challenge = session.get(Challenge, idea.challenge_id)
        team = [
            u
            for u, _role in sorted(
                session.exec(
                    select(IdeaMember.user_id, IdeaMember.role).where(IdeaMember.idea_id == idea.id)
                ).all(),
                key=lambda r: (r[1] != MemberRole.AUTHOR, r[0]),
            )
        ]
        votes = session.exec(
            select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id)
        ).one()
        scored, eligible = progress(session, idea)
        criteria = criteria_of(session, challenge.id)
        return PanelCard(idea, challenge, team, votes, scored, eligible, criteria)
