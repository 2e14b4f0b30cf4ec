"""A running Lair for Teams (the real TeamsBot behind uvicorn, its outbox worker) against the
fake Bot Connector, per test, on its own port and database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.runtime import Runtime, build_runtime
from bot.sandbox.teams_connector import FakeTeamsConnector
from bot.sandbox.teams_requests import TeamsSender
from bot.teams.server import TeamsServer
from challenges import workspaces
from storage.enums import Platform


@dataclass
class TeamsLair:
    connector: FakeTeamsConnector
    send: TeamsSender
    runtime: Runtime
    server: TeamsServer
    url: str

    @property
    def ctx(self):
        """The domain, acting in the fake tenant's workspace (once Lair has been added there)."""
        found = workspaces.active(self.runtime.ctx, Platform.TEAMS, self.connector.tenant_id)
        assert found is not None, "Lair has not been added to the fake tenant yet"
        return self.runtime.ctx.in_workspace(found.id)

    def kick(self) -> None:
        self.runtime.worker.kick()


class ShiftedClock:
    """The real time, moved on by hand: a test can step past a window (a double click) while
    everything timed by the outbox (paced sends, retries) still comes due on its own."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta) -> None:
        self.offset += timedelta(**delta)


def start_teams_lair(database_url: str, connector: FakeTeamsConnector, *, coordinators: str = "",
                     clock=None, **settings) -> tuple[TeamsLair, callable]:  # fmt: skip
    config = Settings(
        _env_file=None,
        **connector.lair_settings(),
        database_url=database_url,
        lair_coordinators=coordinators,
        **settings,
    )
    extra = {"clock": clock} if clock is not None else {}
    runtime = build_runtime(config, outbox_interval=0.2, slack=False, teams=True, **extra)
    runtime.worker.start()
    server = TeamsServer(runtime.teams, host="127.0.0.1", port=0).start()
    url = f"http://127.0.0.1:{server.port}"
    lair = TeamsLair(connector, TeamsSender(f"{url}/api/messages", connector), runtime, server, url)

    def stop():
        server.stop()
        runtime.close()

    return lair, stop


@pytest.fixture
def connector():
    fake = FakeTeamsConnector().start()
    yield fake
    fake.stop()


@pytest.fixture
def teams(database_url, connector):
    running, stop = start_teams_lair(database_url, connector)
    yield running
    stop()


COORDINATOR = "Cora Coordinator"
# A second council's tenant, with a coordinator of its own (Lair serves each tenant apart).
OTHER_TENANT = "0f0f0f0f-0000-4000-8000-00000000beef"
OTHER_COORDINATOR = "Eve Elsewhere"


@pytest.fixture
def clock():
    return ShiftedClock()


@pytest.fixture
def lair(database_url, connector, clock):
    """Lair with one coordinator (Cora, by her Entra object id, as LAIR_COORDINATORS takes it)."""
    cora = connector.person(COORDINATOR)
    eve = connector.person(OTHER_COORDINATOR, tenant_id=OTHER_TENANT)
    running, stop = start_teams_lair(database_url, connector, clock=clock,
                                     coordinators=f"{cora.aad_object_id},{eve.aad_object_id}")  # fmt: skip
    yield running
    stop()


@pytest.fixture
def drive(lair):
    from tests.teams.e2e.driving import Driver

    return Driver(lair.connector, lair.send)


@pytest.fixture
def council(lair, drive):
    """Lair added to the council's tenant: Cora, the Innovation team (Ideas, Dragons channels)."""
    from tests.teams.e2e.world import world

    return world(lair, drive)
