"""What every service function needs: the database, who the configured coordinators are,
the time, and the workspace the person acts in."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

from challenges.clock import Clock, system_clock
from storage import Database

T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    db: Database
    coordinators: frozenset[str] = field(default_factory=frozenset)
    default_timezone: str = "Europe/London"
    clock: Clock = system_clock
    # The workspace whose person is acting (see challenges/scope.py); None when Lair
    # itself acts across workspaces (the clock, the outbox, the command line).
    workspace_id: int | None = None

    def now(self) -> datetime:
        return self.clock()

    def in_workspace(self, workspace_id: int | None) -> "Context":
        return replace(self, workspace_id=workspace_id)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction, its session scoped to this context's workspace."""
        with self.db.transaction(info={"workspace_id": self.workspace_id}) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads (never waits for writers on SQLite), scoped likewise."""
        with self.db.read(info={"workspace_id": self.workspace_id}) as session:
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read in which every statement sees one snapshot of the database (see
        `Database.snapshot`), scoped likewise."""
        with self.db.snapshot(info={"workspace_id": self.workspace_id}) as session:
            yield session

    def run(self, operation: Callable[[Session], T], *, attempts: int = 5) -> T:
        """`operation` in a scoped transaction, retried on serialisation failures."""
        return self.db.run(operation, attempts=attempts, info={"workspace_id": self.workspace_id})
