"""Microsoft's Teams SDK for Python (microsoft-teams-apps 2.x), imported and configured so
that only Lair's own settings decide what it does.

The SDK loads `.env` into os.environ when `microsoft_teams.apps` is first imported, and
reads CLIENT_ID, CLIENT_SECRET, TENANT_ID, SERVICE_URL, CLOUD, PORT, OAUTH_URL,
MANAGED_IDENTITY_CLIENT_ID and DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS whenever a
setting is not passed (a CLIENT_SECRET in the environment would even beat the token
provider given to it). So: the import happens here, once, with the environment put back
afterwards; every `App` and API client is built with those variables out of the
environment and every setting passed; the outbound token always comes from Lair's own
provider (`BotToken`), never from the SDK's managed-identity guess.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
import warnings
from collections.abc import Iterator

import httpx

log = logging.getLogger(__name__)


@contextlib.contextmanager
def environment_restored() -> Iterator[None]:
    """Whatever the block adds to or changes in os.environ is undone."""
    before = dict(os.environ)
    try:
        yield
    finally:
        for name in set(os.environ) - set(before):
            del os.environ[name]
        for name, value in before.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


with environment_restored(), warnings.catch_warnings():
    warnings.simplefilter("ignore")  # an ExperimentalWarning and DeprecationWarnings on import
    import microsoft_teams.apps  # noqa: F401  (loads .env on import: undone above)

from microsoft_teams.api import ApiClient  # noqa: E402
from microsoft_teams.api.auth.cloud_environment import (  # noqa: E402
    CloudEnvironment,
    from_name,
    with_overrides,
)
from microsoft_teams.apps import App, FastAPIAdapter  # noqa: E402
from microsoft_teams.common import ClientOptions  # noqa: E402

# Every environment variable the SDK reads (apps/app.py, apps/options.py, api_client_settings.py).
SDK_ENVIRONMENT = ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "SERVICE_URL", "CLOUD", "PORT",
                   "MANAGED_IDENTITY_CLIENT_ID", "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS",
                   "OAUTH_URL")  # fmt: skip
_environment_lock = threading.Lock()

# The SDK's log lines for refused requests (one WARNING and one ERROR each, which anyone
# on the internet can cause) stay out of Lair's log; Lair logs one line of its own.
for _noisy in ("microsoft_teams.apps.http", "microsoft_teams.apps.auth"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

SEND_TIMEOUT = 15.0


@contextlib.contextmanager
def sdk_environment_cleared() -> Iterator[None]:
    """The SDK's environment variables are absent while the block runs (App() reads them)."""
    with _environment_lock:
        saved = {name: os.environ.pop(name) for name in SDK_ENVIRONMENT if name in os.environ}
        try:
            yield
        finally:
            os.environ.update(saved)


def cloud_of(settings) -> CloudEnvironment:
    """The Teams cloud (Public, USGov, USGovDoD, China) with any endpoint overrides."""
    return with_overrides(
        from_name(settings.teams_cloud),
        openid_metadata_url=settings.teams_openid_metadata_url,
        token_issuer=settings.teams_token_issuer,
        login_endpoint=settings.teams_login_endpoint,
    )


class BotToken:
    """Lair's outbound token for the Bot Connector: the client-credentials grant at the cloud's
    login endpoint, cached until five minutes before it expires. With no client secret
    (TEAMS_APP_PASSWORD unset) it gives no token: local testing with an emulator only.

    The SDK awaits `get_app_token(scope, tenant)` before every Connector request; the
    request for a new token runs on a worker thread, never blocking the event loop.
    """

    def __init__(self, cloud: CloudEnvironment, app_id: str, password: str | None,
                 tenant_id: str | None = None):  # fmt: skip
        self.login_endpoint = cloud.login_endpoint.rstrip("/")
        self.login_tenant = cloud.login_tenant
        self.app_id = app_id
        self._password = password
        self.tenant_id = tenant_id
        self._cache: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    async def get_app_token(self, scope: str, tenant_id: str | None = None) -> str | None:
        return await asyncio.to_thread(self.fetch, scope)

    def fetch(self, scope: str) -> str | None:
        if not self._password:
            return None
        tenant = self.tenant_id or self.login_tenant
        with self._lock:
            cached = self._cache.get((scope, tenant))
            if cached and cached[1] > time.time() + 300:
                return cached[0]
        response = httpx.post(
            f"{self.login_endpoint}/{tenant}/oauth2/v2.0/token",
            data={"grant_type": "client_credentials", "client_id": self.app_id,
                  "client_secret": self._password, "scope": scope},
            timeout=SEND_TIMEOUT,
        )  # fmt: skip
        if response.status_code != 200:
            # The body may echo the request; say only what failed.
            raise PermissionError(
                f"the Teams login endpoint refused Lair's credentials ({response.status_code})"
            )
        body = response.json()
        with self._lock:
            self._cache[(scope, tenant)] = (
                body["access_token"],
                time.time() + float(body.get("expires_in", 3600)),
            )
        return body["access_token"]


def make_app(settings, *, fastapi, token: BotToken) -> App:
    """The SDK's App with every setting Lair's, served by Lair's FastAPI (which has /healthz)."""
    cloud = cloud_of(settings)
    with sdk_environment_cleared(), _quiet("microsoft_teams.apps.app"):
        # (Its "TENANT_ID is not set, assuming multi-tenant app" warning is not news: Lair
        # says at start whether it serves one tenant or many.)
        return App(
            client_id=settings.teams_app_id,
            token=token.get_app_token,
            tenant_id=settings.teams_tenant_id,
            cloud=cloud,
            service_url="https://smba.trafficmanager.net/teams",  # unused: sends name theirs
            dangerously_allow_unauthenticated_requests=False,
            http_server_adapter=FastAPIAdapter(app=fastapi),
            messaging_endpoint="/api/messages",
            client=ClientOptions(timeout=SEND_TIMEOUT),
            telemetry={"agent365": False},
        )


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    target = logging.getLogger(logger)
    level = target.level
    target.setLevel(logging.ERROR)
    try:
        yield
    finally:
        target.setLevel(level)


def make_api(settings, token: BotToken, service_url: str) -> ApiClient:
    """A Bot Connector client at `service_url`, for sends outside any request (the outbox)."""
    with sdk_environment_cleared(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its own (unused) bot client
        return ApiClient(
            service_url,
            ClientOptions(timeout=SEND_TIMEOUT),
            cloud=cloud_of(settings),
            token_provider=token,
        )
