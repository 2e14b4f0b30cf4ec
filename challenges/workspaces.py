"""Workspaces Lair is installed in: a Slack workspace or a Teams (Entra) tenant each.

An adapter finds the workspace of every request by its platform and tenant id; a request
from a workspace Lair is not installed in (or was removed from) is refused before it
reaches anything else.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from challenges import audit
from challenges.context import Context
from storage.enums import Platform
from storage.models import Workspace

# The tenant of a workspace carried over from a single-workspace install (migration
# 0002): its team id is learnt, and filled in, when Lair next connects with its token.
UNKNOWN_TENANT = ""


@dataclass(frozen=True)
class Installed:
    id: int
    platform: Platform
    tenant_id: str
    name: str


def _view(row: Workspace) -> Installed:
    return Installed(row.id, Platform(row.platform), row.tenant_id, row.name)


def _find(session: Session, platform: Platform, tenant_id: str) -> Workspace | None:
    return session.exec(
        select(Workspace).where(
            Workspace.platform == platform.value, Workspace.tenant_id == tenant_id
        )
    ).first()


def active(ctx: Context, platform: Platform, tenant_id: str) -> Installed | None:
    """The installed workspace with this tenant id, or None (never installed, or removed)."""
    with ctx.transaction() as session:
        row = _find(session, platform, tenant_id)
        return _view(row) if row is not None and row.uninstalled_at is None else None


def install(ctx: Context, platform: Platform, tenant_id: str, name: str = "", *,
            actor: str = "lair") -> Installed:  # fmt: skip
    """Record that Lair is installed in the workspace (again, if it was removed)."""
    now = ctx.now()
    with ctx.transaction() as session:
        row = _find(session, platform, tenant_id)
        if row is None:
            row = Workspace(
                platform=platform.value, tenant_id=tenant_id, name=name, installed_at=now
            )
            session.add(row)
        elif row.uninstalled_at is not None or (name and row.name != name):
            if row.uninstalled_at is not None:
                row.installed_at, row.uninstalled_at = now, None
            row.name = name or row.name
        else:
            return _view(row)
        session.flush()
        audit.record(session, actor=actor, action="workspace.installed", at=now,
                     workspace_id=row.id, subject=f"workspace:{row.id}", platform=platform.value)  # fmt: skip
        return _view(row)


def adopt(ctx: Context, platform: Platform, tenant_id: str, name: str = "") -> Installed:
    """The one workspace of a single-workspace install (one Slack token): the workspace with
    this tenant id, or the one carried over by the migration, whose tenant is then set."""
    with ctx.transaction() as session:
        if _find(session, platform, tenant_id) is None:
            carried = _find(session, platform, UNKNOWN_TENANT)
            if carried is not None:
                carried.tenant_id = tenant_id
                carried.name = name or carried.name
    return install(ctx, platform, tenant_id, name)


def uninstall(ctx: Context, platform: Platform, tenant_id: str, *, actor: str = "lair") -> bool:
    """Mark the workspace removed (its data is kept). False if it was not installed."""
    now = ctx.now()
    with ctx.transaction() as session:
        row = _find(session, platform, tenant_id)
        if row is None or row.uninstalled_at is not None:
            return False
        row.uninstalled_at = now
        audit.record(session, actor=actor, action="workspace.uninstalled", at=now,
                     workspace_id=row.id, subject=f"workspace:{row.id}", platform=platform.value)  # fmt: skip
        return True


def tenant_of(ctx: Context, workspace_id: int) -> tuple[Platform, str] | None:
    with ctx.transaction() as session:
        row = session.get(Workspace, workspace_id)
        return (Platform(row.platform), row.tenant_id) if row else None
