"""Who may do what: coordinators come from configuration or a grant stored per workspace."""

from sqlmodel import Session, select

from challenges import audit, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import NotACoordinator, NotAllowed, NotFound
from challenges.scope import workspace_of
from storage.models import ChallengeCoordinator, Coordinator


def is_coordinator(session: Session, ctx: Context, user_id: str) -> bool:
    if user_id in ctx.coordinators:
        return True
    workspace = workspace_of(session)
    return workspace is not None and session.get(Coordinator, (workspace, user_id)) is not None


def require_coordinator(session: Session, ctx: Context, user_id: str) -> None:
    if not is_coordinator(session, ctx, user_id):
        raise NotACoordinator()


def check_coordinator(ctx: Context, user_id: str) -> bool:
    with ctx.transaction() as session:
        return is_coordinator(session, ctx, user_id)


def grant_coordinator(ctx: Context, actor: str, user_id: str) -> bool:
    """Make `user_id` a coordinator in the actor's workspace. False if they already were one."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        if is_coordinator(session, ctx, user_id):
            return False
        session.add(
            Coordinator(
                workspace_id=ctx.workspace_id, user_id=user_id, granted_by=actor,
                granted_at=ctx.now(),
            )
        )  # fmt: skip
        audit.record(
            session,
            actor=actor,
            action="coordinator.granted",
            at=ctx.now(),
            subject=f"user:{user_id}",
        )
        return True


def give_challenge(ctx: Context, actor: str, challenge_id: int, user_id: str) -> bool:
    """Give a coordinator a challenge to run besides its creator (it shows among theirs on the
    App Home). False if they created it or had it already."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        if not is_coordinator(session, ctx, user_id):
            raise NotAllowed(Code.GIVE_TO_A_COORDINATOR)
        challenge = scope.challenge(session, challenge_id)
        if challenge.created_by == user_id or session.get(
            ChallengeCoordinator, (challenge_id, user_id)
        ):
            return False
        session.add(ChallengeCoordinator(challenge_id=challenge_id, user_id=user_id,
                                         given_by=actor, given_at=ctx.now()))  # fmt: skip
        audit.record(
            session, actor=actor, action="challenge.given", at=ctx.now(),
            challenge_id=challenge_id, subject=f"user:{user_id}",
        )  # fmt: skip
        return True


def revoke_coordinator(ctx: Context, actor: str, user_id: str) -> None:
    """Take back a coordinator role granted in Lair (not one from LAIR_COORDINATORS)."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        if user_id in ctx.coordinators:
            raise NotAllowed(Code.COORDINATOR_BY_SETTING)
        grant = session.get(Coordinator, (workspace_of(session), user_id))
        if grant is None:
            raise NotFound(Code.NOT_A_GRANTED_COORDINATOR)
        session.delete(grant)
        audit.record(
            session, actor=actor, action="coordinator.revoked", at=ctx.now(),
            subject=f"user:{user_id}", granted_by=grant.granted_by,
        )  # fmt: skip


def coordinators(ctx: Context) -> list[str]:
    """The configured coordinators and those granted in the context's workspace."""
    with ctx.transaction() as session:
        stored = session.exec(
            select(Coordinator.user_id).where(Coordinator.workspace_id == ctx.workspace_id)
        ).all()
    return sorted(set(ctx.coordinators) | set(stored))
