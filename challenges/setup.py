"""Creating, editing and finding challenges."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from challenges import audit, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import WrongStage
from challenges.inputs import ChallengeDraft
from challenges.panel import apply_panel, post_parents
from challenges.roles import require_coordinator
from challenges.stages import Stage, label_of
from storage.enums import IdeaStatus
from storage.models import AuditEvent, Challenge, Criterion, Idea, PanelMember, Scorecard, Vote

_DRAFT_FIELDS = (
    "title", "brief", "themes", "channel_id", "panel_channel_id", "fund_pot", "max_award",
    "vote_budget", "shortlist_size", "timezone", "opens_at", "submissions_close_at",
    "voting_close_at", "panel_close_at", "reminder_lead_hours", "allow_anonymous",
    "show_tallies_live", "vote_during_submissions",
)  # fmt: skip

# Fields that may no longer change once the round reaches a stage (fairness: the rules
# people voted or scored under stay the rules).
_LOCKED_FROM = {
    "channel_id": Stage.SUBMISSIONS,
    "allow_anonymous": Stage.SUBMISSIONS,
    "vote_budget": Stage.VOTING,
    "vote_during_submissions": Stage.VOTING,
    "shortlist_size": Stage.PANEL,
    "criteria": Stage.PANEL,
    "fund_pot": Stage.DECIDED,
    "max_award": Stage.DECIDED,
}

_LABELS = {
    "channel_id": "announcement channel", "allow_anonymous": "anonymous setting",
    "vote_budget": "vote budget", "vote_during_submissions": "early-voting setting",
    "shortlist_size": "shortlist size", "criteria": "scoring criteria",
    "fund_pot": "fund pot", "max_award": "maximum award",
}  # fmt: skip


def get(session: Session, challenge_id: int) -> Challenge:
    """The challenge, if it is in the acting person's workspace (see challenges/scope.py)."""
    return scope.challenge(session, challenge_id)


def criteria_of(session: Session, challenge_id: int) -> list[Criterion]:
    return list(
        session.exec(
            select(Criterion)
            .where(Criterion.challenge_id == challenge_id)
            .order_by(Criterion.position)
        )
    )


def _apply_draft(challenge: Challenge, draft: ChallengeDraft) -> None:
    for name in _DRAFT_FIELDS:
        setattr(challenge, name, getattr(draft, name))
    challenge.learning_update_dates = [d.isoformat() for d in draft.learning_update_dates]


def _replace_criteria(session: Session, challenge_id: int, draft: ChallengeDraft) -> None:
    for old in criteria_of(session, challenge_id):
        session.delete(old)
    session.flush()
    for position, spec in enumerate(draft.criteria):
        session.add(
            Criterion(
                challenge_id=challenge_id,
                position=position,
                key=spec.key,
                name=spec.name,
                weight=spec.weight,
                scale_min=1,
                scale_max=draft.scale_max,
            )
        )


def create_challenge(
    ctx: Context, actor: str, draft: ChallengeDraft, *, panel: list[str] | None = None
) -> Challenge:
    now = ctx.now()
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        if ctx.workspace_id is None:
            raise ValueError("a challenge is created in a workspace: use ctx.in_workspace()")
        challenge = Challenge(
            workspace_id=ctx.workspace_id, title=draft.title, channel_id=draft.channel_id, fund_pot=draft.fund_pot,
            max_award=draft.max_award, created_by=actor, created_at=now, updated_at=now,
            stage_changed_at=now,
        )  # fmt: skip
        _apply_draft(challenge, draft)
        session.add(challenge)
        session.flush()
        _replace_criteria(session, challenge.id, draft)
        audit.record(
            session, actor=actor, action="challenge.created", at=now,
            challenge_id=challenge.id, subject=f"challenge:{challenge.id}", title=draft.title,
        )  # fmt: skip
        if panel:
            _set_panel(session, challenge, panel, actor, now)
        return challenge


def _set_panel(session: Session, challenge: Challenge, users: list[str], actor: str, now) -> None:
    apply_panel(session, challenge=challenge, users=users, actor=actor, now=now, allow_empty=True)


def draft_of(session: Session, challenge: Challenge) -> dict:
    """The challenge's current settings as ChallengeDraft values (to pre-fill an edit form)."""
    values = {name: getattr(challenge, name) for name in _DRAFT_FIELDS}
    criteria = criteria_of(session, challenge.id)
    values["criteria"] = [{"name": c.name, "weight": c.weight, "key": c.key} for c in criteria]
    values["scale_max"] = criteria[0].scale_max if criteria else 5
    values["learning_update_dates"] = list(challenge.learning_update_dates)
    values["panel"] = list(
        session.exec(select(PanelMember.user_id).where(PanelMember.challenge_id == challenge.id))
    )
    return values


def edit_challenge(
    ctx: Context,
    actor: str,
    challenge_id: int,
    draft: ChallengeDraft,
    *,
    panel: list[str] | None = None,
) -> Challenge:
    """Save the challenge form. `panel`, when given, replaces the panel (see challenges.panel)."""
    now = ctx.now()
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        challenge = get(session, challenge_id)
        stage = Stage(challenge.stage)
        if stage == Stage.CLOSED:
            raise WrongStage(Code.EDIT_CLOSED_CHALLENGE, challenge=challenge.title)
        before = draft_of(session, challenge)
        after = draft.model_dump()
        after["criteria"] = [
            {"name": c.name, "weight": c.weight, "key": c.key} for c in draft.criteria
        ]
        after["learning_update_dates"] = [d.isoformat() for d in draft.learning_update_dates]
        changed = sorted(k for k in after if before.get(k) != after[k])
        order = list(Stage)
        for name in changed:
            locked = _LOCKED_FROM.get("criteria" if name == "scale_max" else name)
            if locked and order.index(stage) >= order.index(locked):
                raise WrongStage(
                    Code.SETTING_LOCKED, field=name, setting=_LABELS.get(name, name),
                    stage=locked.label,
                )  # fmt: skip
        _apply_draft(challenge, draft)
        if "criteria" in changed or "scale_max" in changed:
            _replace_criteria(session, challenge.id, draft)
        if panel is not None and sorted(set(panel)) != sorted(before["panel"]):
            _set_panel(session, challenge, panel, actor, now)
        if stage == Stage.PANEL:
            post_parents(session, challenge, now)  # e.g. the panel channel was only now chosen
        challenge.updated_at = now
        audit.record(
            session, actor=actor, action="challenge.edited", at=now,
            challenge_id=challenge.id, subject=f"challenge:{challenge.id}", fields=changed,
        )  # fmt: skip
        return challenge


def load(ctx: Context, challenge_id: int) -> Challenge:
    with ctx.transaction() as session:
        return get(session, challenge_id)


def load_with_draft(ctx: Context, challenge_id: int) -> tuple[Challenge, dict]:
    with ctx.transaction() as session:
        challenge = get(session, challenge_id)
        return challenge, draft_of(session, challenge)


def list_challenges(ctx: Context, *, include_closed: bool = False) -> list[Challenge]:
    with ctx.transaction() as session:
        query = select(Challenge).where(scope.visible(session)).order_by(Challenge.id.desc())
        if not include_closed:
            query = query.where(Challenge.stage != Stage.CLOSED.value)
        return list(session.exec(query))


RESULTS_ANNOUNCED = "results.announced"  # the audit action (challenges/decisions.py)


def stage_labels(ctx: Context, challenges: Iterable[Challenge]) -> dict[int, str]:
    """Each challenge's stage as people read it (challenges.stages.label_of)."""
    challenges = list(challenges)
    if not any(c.stage == Stage.DECIDED for c in challenges):
        return labels_in(None, challenges)
    with ctx.read() as session:
        return labels_in(session, challenges)


def labels_in(session: Session | None, challenges: Iterable[Challenge]) -> dict[int, str]:
    """`stage_labels` in an open session (None will do when no challenge is decided)."""
    challenges = list(challenges)
    decided = [c.id for c in challenges if c.stage == Stage.DECIDED]
    announced: set[int] = set()
    if decided:
        assert session is not None
        announced = set(
            session.exec(
                select(AuditEvent.challenge_id).where(
                    AuditEvent.action == RESULTS_ANNOUNCED, AuditEvent.challenge_id.in_(decided)
                )
            )
        )
    return {c.id: label_of(c.stage, announced=c.id in announced) for c in challenges}


def taking_ideas(ctx: Context) -> list[Challenge]:
    with ctx.transaction() as session:
        return list(
            session.exec(
                select(Challenge)
                .where(Challenge.stage == Stage.SUBMISSIONS.value, scope.visible(session))
                .order_by(Challenge.id)
            )
        )


@dataclass(frozen=True)
class ChallengeNumbers:
    ideas: int
    withdrawn: int
    removed: int  # hidden by a coordinator (challenges/moderation.py)
    voters: int
    votes: int
    panel_members: int
    scorecards: int


def numbers(session: Session, challenge_id: int) -> ChallengeNumbers:
    return numbers_of(session, [challenge_id])[challenge_id]


def number_columns() -> list:
    """A challenge's numbers as columns of a select on Challenge (each a scalar subquery
    correlated to the row), in the order of ChallengeNumbers' fields; `numbers_from` reads
    them back. Indexed lookups per row, so a select of the first few challenges computes
    the numbers of those few alone."""
    gone = [IdeaStatus.WITHDRAWN.value, IdeaStatus.REMOVED.value]

    def count(query):
        return query.correlate(Challenge).scalar_subquery()

    def ideas(condition):
        return count(select(func.count()).select_from(Idea)
                     .where(Idea.challenge_id == Challenge.id, condition))  # fmt: skip

    votes = select(func.count()).select_from(Vote).where(Vote.challenge_id == Challenge.id)
    return [
        ideas(Idea.status.not_in(gone)),
        ideas(Idea.status == IdeaStatus.WITHDRAWN.value),
        ideas(Idea.status == IdeaStatus.REMOVED.value),
        # A round whose records were reduced (challenges/retention.py) keeps its number of voters.
        func.coalesce(Challenge.voters_kept,
                      count(votes.with_only_columns(func.count(func.distinct(Vote.voter_id))))),
        count(votes),
        count(select(func.count()).select_from(PanelMember)
              .where(PanelMember.challenge_id == Challenge.id)),
        count(select(func.count()).select_from(Scorecard).join(Idea, Idea.id == Scorecard.idea_id)
              .where(Idea.challenge_id == Challenge.id)),
    ]  # fmt: skip


def numbers_from(values) -> ChallengeNumbers:
    """ChallengeNumbers from the values of `number_columns()`, in order."""
    ideas, withdrawn, removed, voters, votes, panel, cards = values
    return ChallengeNumbers(ideas=ideas, withdrawn=withdrawn, removed=removed, voters=voters,
                            votes=votes, panel_members=panel, scorecards=cards)  # fmt: skip


def numbers_of(session: Session, challenge_ids: list[int]) -> dict[int, ChallengeNumbers]:
    """The numbers of each challenge, in one statement however many challenges."""
    if not challenge_ids:
        return {}
    rows = session.exec(
        select(Challenge.id, *number_columns()).where(Challenge.id.in_(challenge_ids))
    ).all()
    return {row[0]: numbers_from(row[1:]) for row in rows}


def status(ctx: Context, actor: str, challenge_id: int) -> tuple[Challenge, ChallengeNumbers]:
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        challenge = get(session, challenge_id)
        return challenge, numbers(session, challenge_id)
