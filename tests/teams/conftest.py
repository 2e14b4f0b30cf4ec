"""Fixtures for driving Microsoft's Teams SDK (microsoft-teams-apps) against the fake Connector.

The SDK loads `.env` into os.environ when `microsoft_teams.apps` is first imported
(apps/app.py: `load_dotenv(find_dotenv(usecwd=True))`), and reads CLIENT_ID, CLIENT_SECRET,
TENANT_ID, SERVICE_URL, CLOUD, … from the environment whenever a setting is not passed. So the
import happens here, once, with the environment put back afterwards, and every App the tests
build is built with `sdk_environment_cleared()` and every setting passed explicitly.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx  # noqa: E402
import pytest
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import PlainTextResponse  # noqa: E402
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides  # noqa: E402
from microsoft_teams.apps import App, FastAPIAdapter  # noqa: E402
from microsoft_teams.common import ClientOptions  # noqa: E402

from bot.sandbox.teams_connector import FakeTeamsConnector  # noqa: E402
from bot.sandbox.teams_requests import TeamsSender  # noqa: E402

# Lair's guarded import of the SDK (its .env loading undone) and its environment guard.
from bot.teams.sdk import environment_restored, sdk_environment_cleared  # noqa: E402, F401


class ClientCredentialsToken:
    """The bot's outbound token, by the client-credentials grant at the cloud's login endpoint
    (what the SDK's own ClientCredentials path asks MSAL for), cached until near expiry. Given to
    App(token=…), the SDK calls it as (scope, tenant_id) before every Connector request."""

    def __init__(
        self, login_endpoint: str, client_id: str, client_secret: str, tenant_id: str | None = None
    ):
        self.login_endpoint = login_endpoint.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.tenant_id = tenant_id
        self._cache: dict[tuple[str, str], tuple[str, float]] = {}
        self.calls = 0

    async def __call__(self, scope: str, tenant_id: str | None = None) -> str:
        self.calls += 1
        tenant = self.tenant_id or tenant_id or "botframework.com"
        cached = self._cache.get((scope, tenant))
        if cached and cached[1] > time.time() + 300:
            return cached[0]
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                f"{self.login_endpoint}/{tenant}/oauth2/v2.0/token",
                data={"grant_type": "client_credentials", "client_id": self.client_id,
                      "client_secret": self.client_secret, "scope": scope},
            )  # fmt: skip
            response.raise_for_status()
            body = response.json()
        self._cache[(scope, tenant)] = (
            body["access_token"],
            time.time() + float(body["expires_in"]),
        )
        return body["access_token"]


def build_app(
    connector: FakeTeamsConnector, *, fastapi: FastAPI | None = None, **overrides: Any
) -> tuple[App, FastAPI]:
    """An SDK App pointed at the fake, every setting explicit, with a /healthz of our own."""
    api = fastapi or FastAPI()

    @api.get("/healthz", response_class=PlainTextResponse)
    async def healthz() -> str:
        return "ok"

    options: dict[str, Any] = {
        "client_id": connector.app_id,
        "token": ClientCredentialsToken(
            connector.login_endpoint, connector.app_id, "fake-client-secret"
        ),
        "cloud": with_overrides(
            PUBLIC,
            openid_metadata_url=connector.openid_metadata_url,
            login_endpoint=connector.login_endpoint,
            token_issuer=connector.issuer,
        ),  # fmt: skip
        "service_url": connector.service_url,
        "dangerously_allow_unauthenticated_requests": False,
        "http_server_adapter": FastAPIAdapter(app=api),
        "client": ClientOptions(timeout=10),
        "telemetry": {"agent365": False},
    }
    options.update(overrides)
    with sdk_environment_cleared():
        return App(**options), api


class ServedApp:
    """An initialised SDK App served by uvicorn on 127.0.0.1, port 0, in a thread of its own."""

    def __init__(self, app: App, fastapi: FastAPI):
        self.app = app
        self.fastapi = fastapi
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(fastapi, log_level="warning", lifespan="on"))
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            await self.app.initialize()
            await self.server.serve(sockets=[self.socket])

        try:
            asyncio.run(main())
        except BaseException as error:  # surfaced by start()
            self.error = error

    def start(self, timeout: float = 15.0) -> ServedApp:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self.error is not None or not self.thread.is_alive():
                raise RuntimeError(f"the SDK app did not start: {self.error!r}")
            if time.monotonic() > deadline:
                raise TimeoutError("the SDK app did not start in time")
            time.sleep(0.02)
        return self

    def run(self, coroutine: Any, timeout: float = 15.0) -> Any:
        """Run a coroutine on the app's event loop (where its HTTP client lives) and wait for it."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def connector() -> Iterator[FakeTeamsConnector]:
    fake = FakeTeamsConnector().start()
    yield fake
    fake.stop()


@pytest.fixture
def serve() -> Iterator[Callable[[App, FastAPI], ServedApp]]:
    served: list[ServedApp] = []

    def start(app: App, fastapi: FastAPI) -> ServedApp:
        served.append(ServedApp(app, fastapi).start())
        return served[-1]

    yield start
    for one in served:
        one.stop()


@pytest.fixture
def sender_for(connector: FakeTeamsConnector) -> Callable[[ServedApp], TeamsSender]:
    return lambda served: TeamsSender(f"{served.url}/api/messages", connector)
