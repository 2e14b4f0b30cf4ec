"""Workspaces: what a person acting in one workspace may reach.

A service function runs in `ctx.transaction()`, whose session knows the workspace the
person acts in (`Context.workspace_id`; None for Lair itself: the clock, the CLI). Every
challenge or idea named by an id that came from outside — a command, a button, a form,
a file — is fetched through `challenge` or `idea` here, which treat another
workspace's row exactly like a missing one; every list is filtered by `visible`.
"""

from sqlalchemy import Integer, bindparam, true
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, select

from challenges.codes import Code
from challenges.errors import NotFound
from storage.models import Challenge, Idea


def workspace_of(session: Session) -> int | None:
    """The workspace the session's person acts in; None when Lair itself acts."""
    return session.info.get("workspace_id")


def visible(session: Session) -> ColumnElement[bool]:
    """A filter on Challenge rows: those of the session's workspace (all, for Lair itself)."""
    workspace = workspace_of(session)
    return true() if workspace is None else Challenge.workspace_id == workspace


# For a statement built once and run in any workspace (the App Home's): `visible` with the
# workspace as a bound parameter, given by `params`.
WORKSPACE = bindparam("workspace_id", type_=Integer)


def visible_to(scoped: bool) -> ColumnElement[bool]:
    """`visible` for a statement built once: `scoped` when the session has a workspace."""
    return Challenge.workspace_id == WORKSPACE if scoped else true()


def params(session: Session) -> dict:
    """The workspace parameter `visible_to` needs."""
    return {"workspace_id": workspace_of(session)}


def challenge(session: Session, challenge_id: int, *, lock: bool = False) -> Challenge:
    """The challenge, if it exists in the session's workspace; `lock` takes its row lock
    until the transaction ends (FOR UPDATE on PostgreSQL; SQLite writes are serial)."""
    found = session.get(Challenge, challenge_id, with_for_update=lock or None)
    workspace = workspace_of(session)
    if found is None or (workspace is not None and found.workspace_id != workspace):
        raise NotFound(Code.NO_SUCH_CHALLENGE, challenge_id=challenge_id)
    return found


def idea(session: Session, idea_id: int, *, lock: bool = False) -> Idea:
    """The idea, if its challenge is in the session's workspace. `lock` re-reads it FOR
    UPDATE (to change it)."""
    query = select(Idea).where(Idea.id == idea_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    workspace = workspace_of(session)
    if workspace is not None:
        query = query.where(
            Idea.challenge_id.in_(select(Challenge.id).where(Challenge.workspace_id == workspace))
        )
    found = session.exec(query).first()
    if found is None:
        raise NotFound(Code.NO_SUCH_IDEA, idea_id=idea_id)
    return found


def find_challenge(session: Session, challenge_id: int) -> Challenge | None:
    """The challenge if it is in the session's workspace, else None."""
    found = session.get(Challenge, challenge_id)
    workspace = workspace_of(session)
    return found if found is None or workspace is None or found.workspace_id == workspace else None


def find_idea(session: Session, idea_id: int) -> Idea | None:
    """The idea if its challenge is in the session's workspace, else None."""
    found = session.get(Idea, idea_id)
    if found is None or workspace_of(session) is None:
        return found
    return found if find_challenge(session, found.challenge_id) is not None else None
