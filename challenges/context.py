"""What every service function needs: the database, who the configured coordinators are, and the time."""

from dataclasses import dataclass, field
from datetime import datetime

from challenges.clock import Clock, system_clock
from storage import Database


@dataclass(frozen=True)
class Context:
    db: Database
    coordinators: frozenset[str] = field(default_factory=frozenset)
    default_timezone: str = "Europe/London"
    clock: Clock = system_clock

    def now(self) -> datetime:
        return self.clock()
