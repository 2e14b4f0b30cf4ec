"""The panel ("Dragons") of a challenge, and their conflicts of interest.

A panel member may not score an idea they authored or are on the team of (recorded
as a conflict of kind `author` or `team` when both the panel and the shortlist are
known), nor one they have declared a conflict with. A conflicted member drops out of
that idea's count and their scorecard, if any, no longer counts.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from challenges import audit, directory, outbox, places, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import (
    InvalidInput,
    NotAllowed,
    NotFound,
    NotOnPanel,
    Problem,
    WrongStage,
    no_nul,
)
from challenges.roles import require_coordinator
from challenges.stages import Stage
from storage.enums import ConflictKind, MemberRole
from storage.models import (
    Challenge,
    Conflict,
    Idea,
    IdeaMember,
    PanelMember,
    PostedMessage,
    Scorecard,
)

MAX_PANEL = 30


def locked_challenge(session: Session, challenge_id: int) -> Challenge:
    """The challenge, its row locked until the transaction ends: serialises scoring, shortlist
    changes, decisions and stage changes of one challenge (PostgreSQL; SQLite writes are serial)."""
    return scope.challenge(session, challenge_id, lock=True)


def panel_of(session: Session, challenge_id: int) -> list[str]:
    return list(
        session.exec(
            select(PanelMember.user_id)
            .where(PanelMember.challenge_id == challenge_id)
            .order_by(PanelMember.added_at, PanelMember.user_id)
        )
    )


def is_member(session: Session, challenge_id: int, user_id: str) -> bool:
    return session.get(PanelMember, (challenge_id, user_id)) is not None


def conflicted_pairs(session: Session, challenge_id: int) -> set[tuple[int, str]]:
    """(idea id, user) for every conflict in the challenge: recorded or declared, and
    authorship or team membership even where no row was recorded."""
    recorded = session.exec(
        select(Conflict.idea_id, Conflict.user_id)
        .join(Idea, Idea.id == Conflict.idea_id)
        .where(Idea.challenge_id == challenge_id)
    ).all()
    members = session.exec(
        select(IdeaMember.idea_id, IdeaMember.user_id)
        .join(Idea, Idea.id == IdeaMember.idea_id)
        .join(
            PanelMember,
            (PanelMember.user_id == IdeaMember.user_id)
            & (PanelMember.challenge_id == Idea.challenge_id),
        )
        .where(Idea.challenge_id == challenge_id)
    ).all()
    return {(i, u) for i, u in recorded} | {(i, u) for i, u in members}


def conflict_of(session: Session, idea_id: int, user_id: str) -> str | None:
    """The kind of conflict `user_id` has with the idea ('author', 'team', 'declared'), or None."""
    row = session.get(Conflict, (idea_id, user_id))
    if row is not None:
        return row.kind
    member = session.get(IdeaMember, (idea_id, user_id))
    if member is not None:
        return ConflictKind.AUTHOR if member.role == MemberRole.AUTHOR else ConflictKind.TEAM
    return None


def eligible_scorers(session: Session, idea: Idea) -> list[str]:
    """Panel members who may score the idea."""
    pairs = conflicted_pairs(session, idea.challenge_id)
    return [u for u in panel_of(session, idea.challenge_id) if (idea.id, u) not in pairs]


def sync_conflicts(session: Session, challenge_id: int, *, actor: str, now) -> int:
    """Record an `author`/`team` conflict for each panel member on a shortlisted idea's team.
    Returns how many were recorded."""
    rows = session.exec(
        select(IdeaMember.idea_id, IdeaMember.user_id, IdeaMember.role)
        .join(Idea, Idea.id == IdeaMember.idea_id)
        .join(
            PanelMember,
            (PanelMember.user_id == IdeaMember.user_id)
            & (PanelMember.challenge_id == Idea.challenge_id),
        )
        .where(Idea.challenge_id == challenge_id, Idea.shortlisted.is_(True))
    ).all()
    added = 0
    for idea_id, user_id, role in rows:
        if session.get(Conflict, (idea_id, user_id)) is not None:
            continue
        kind = ConflictKind.AUTHOR if role == MemberRole.AUTHOR else ConflictKind.TEAM
        session.add(Conflict(idea_id=idea_id, user_id=user_id, kind=kind, declared_at=now))
        audit.record(
            session, actor=actor, action="conflict.recorded", at=now, challenge_id=challenge_id,
            subject=f"idea:{idea_id}", member=user_id, kind=kind,
        )  # fmt: skip
        added += 1
    session.flush()
    return added


@dataclass(frozen=True)
class PanelChange:
    members: list[str]
    added: list[str]
    removed: list[str]
    conflicts_recorded: int
    panel_channel_id: str | None
    to_refresh: list[int] = field(default_factory=list)  # panel messages whose count changed


def _require_panel_editable(challenge: Challenge) -> None:
    if Stage(challenge.stage) in (Stage.DECIDED, Stage.CLOSED):
        raise WrongStage(Code.PANEL_FIXED, challenge=challenge.title)


def apply_panel(
    session: Session,
    *,
    challenge: Challenge,
    users: list[str],
    actor: str,
    now,
    allow_empty: bool = False,
) -> PanelChange:
    """Make `users` the panel (inside the caller's transaction)."""
    users = list(dict.fromkeys(users))
    if not users and not allow_empty:
        raise InvalidInput({"panel": Problem(Code.PANEL_EMPTY)})
    if len(users) > MAX_PANEL:
        raise InvalidInput({"panel": Problem(Code.PANEL_TOO_BIG, {"most": MAX_PANEL})})
    current = panel_of(session, challenge.id)
    added = [u for u in users if u not in current]
    removed = [u for u in current if u not in users]
    if added or removed:
        _require_panel_editable(challenge)
    scored = set(
        session.exec(
            select(Scorecard.member_id)
            .join(Idea, Idea.id == Scorecard.idea_id)
            .where(Idea.challenge_id == challenge.id, Scorecard.member_id.in_(removed))
        )
    )
    if scored:
        known = directory.names_in(session, challenge.workspace_id, scored)
        who = sorted(known.get(u, "a member whose name Lair does not know") for u in scored)
        raise NotAllowed(Code.MEMBERS_HAVE_SCORED, field="panel", count=len(scored),
                         names=", ".join(who))  # fmt: skip
    for user in removed:
        session.delete(session.get(PanelMember, (challenge.id, user)))
        # Conflicts recorded for being on a team stay true but no longer matter; declared ones too.
    for user in added:
        session.add(
            PanelMember(challenge_id=challenge.id, user_id=user, added_by=actor, added_at=now)
        )
    if added or removed:
        audit.record(
            session, actor=actor, action="panel.set", at=now, challenge_id=challenge.id,
            subject=f"challenge:{challenge.id}", added=added, removed=removed, members=users,
        )  # fmt: skip
    session.flush()
    recorded = sync_conflicts(session, challenge.id, actor=actor, now=now)
    refresh = []
    if added or removed:
        refresh = list(
            session.exec(
                select(PostedMessage.idea_id)
                .join(Idea, Idea.id == PostedMessage.idea_id)
                .where(
                    Idea.challenge_id == challenge.id,
                    Idea.shortlisted.is_(True),
                    PostedMessage.key.like("idea:%:panel"),
                )
                .order_by(PostedMessage.idea_id)
            )
        )
    return PanelChange(users, added, removed, recorded, challenge.panel_channel_id, refresh)


def set_panel(ctx: Context, actor: str, challenge_id: int, users: list[str]) -> PanelChange:
    """Replace the panel (a coordinator's panel command); posts any missing shortlist messages."""
    now = ctx.now()
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        challenge = locked_challenge(session, challenge_id)
        change = apply_panel(session, challenge=challenge, users=users, actor=actor, now=now)
        post_parents(session, challenge, now)
        return change


def members(ctx: Context, challenge_id: int) -> list[str]:
    with ctx.transaction() as session:
        scope.challenge(session, challenge_id)
        return panel_of(session, challenge_id)


def _declarable(session: Session, actor: str, idea_id: int) -> tuple[Idea, Challenge]:
    idea = scope.find_idea(session, idea_id)
    if idea is None:
        raise NotFound(Code.NO_SUCH_IDEA, idea_id=idea_id)
    if not idea.shortlisted:
        raise WrongStage(Code.CONFLICT_NOT_SHORTLISTED, title=idea.title)
    challenge = locked_challenge(session, idea.challenge_id)
    if challenge.stage != Stage.PANEL:
        raise WrongStage(Code.CONFLICTS_CLOSED, challenge=challenge.title)
    if not is_member(session, challenge.id, actor):
        raise NotOnPanel()
    kind = conflict_of(session, idea_id, actor)
    if kind is not None:
        raise NotAllowed(Code.CONFLICT_ALREADY, title=idea.title, why=_conflict_why(kind))
    return idea, challenge


def check_declarable(ctx: Context, actor: str, idea_id: int) -> Idea:
    """The idea, if `actor` may declare a conflict with it now (before showing the form)."""
    with ctx.transaction() as session:
        return _declarable(session, actor, idea_id)[0]


def declare_conflict(ctx: Context, actor: str, idea_id: int, reason: str = "") -> Idea:
    """A panel member declares a conflict with an idea: they drop out of its count."""
    now = ctx.now()
    reason = no_nul((reason or "").strip(), label="reason", field="reason")
    if len(reason) > 500:
        raise InvalidInput({"reason": Problem(Code.CONFLICT_REASON_TOO_LONG, {"most": 500})})
    with ctx.transaction() as session:
        idea, challenge = _declarable(session, actor, idea_id)
        session.add(
            Conflict(
                idea_id=idea_id,
                user_id=actor,
                kind=ConflictKind.DECLARED,
                reason=reason,
                declared_at=now,
            )
        )
        had_scored = (
            session.exec(
                select(Scorecard.id).where(
                    Scorecard.idea_id == idea_id, Scorecard.member_id == actor
                )
            ).first()
            is not None
        )
        audit.record(
            session, actor=actor, action="conflict.declared", at=now, challenge_id=challenge.id,
            subject=f"idea:{idea_id}", reason=reason, had_scored=had_scored,
        )  # fmt: skip
        return idea


def parent_key(idea_id: int) -> str:
    return f"idea:{idea_id}:panel"


def post_parents(session: Session, challenge: Challenge, now) -> int:
    """Queue the panel-channel parent message of every shortlisted idea that has none.
    Returns how many were queued (none without a panel channel)."""
    if not challenge.panel_channel_id:
        return 0
    queued = 0
    for idea in session.exec(
        select(Idea)
        .where(Idea.challenge_id == challenge.id, Idea.shortlisted.is_(True))
        .order_by(Idea.id)
    ):
        if places.find(session, places.panel(idea.id)) is not None:
            continue
        queued += outbox.enqueue(
            session, key=parent_key(idea.id), kind=outbox.MessageKind.PANEL_PARENT,
            to=outbox.to_channel(challenge.panel_channel_id), payload={"idea_id": idea.id},
            now=now, challenge=challenge, save_as=places.panel(idea.id),
        )  # fmt: skip
    return queued


def _conflict_why(kind: str) -> Problem:
    """Why a panel member does not score an idea, as a part of a refusal."""
    return Problem(
        {ConflictKind.AUTHOR: Code.BECAUSE_AUTHOR, ConflictKind.TEAM: Code.BECAUSE_TEAM}.get(
            kind, Code.BECAUSE_DECLARED
        )
    )
