"""A running Lair (waitress, real Bolt app) against the fake Slack Web API, per test."""

import os
import threading
from dataclasses import dataclass

import pytest

from bot.config import Settings
from bot.runtime import Runtime, build_runtime
from bot.slack.server import make_server, serve_until_closed
from tests.conftest import COORDINATOR
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackSender

SECRET = "test-signing-secret"


def injected_delays() -> dict[str, float]:
    """Delays the fake Slack adds to its replies, from LAIR_TEST_SLACK_DELAY
    ("chat.postMessage=0.3,views.open=0.1"): to show a test holds when Slack is slow."""
    spec = os.environ.get("LAIR_TEST_SLACK_DELAY", "")
    pairs = (item.split("=", 1) for item in spec.split(",") if item.strip())
    return {method.strip(): float(seconds) for method, seconds in pairs}


@dataclass
class Lair:
    slack: FakeSlack
    send: SlackSender
    runtime: Runtime
    url: str

    @property
    def ctx(self):
        """The domain, acting in the fake Slack's workspace (as the app does for its people)."""
        return self.runtime.ctx.in_workspace(self.runtime.slack.single.workspace_id)

    def last_view(self, method: str = "views.open") -> dict:
        return self.slack.wait_for(method)[-1].args["view"]


def start_lair(
    database_url: str, *, slack: FakeSlack | None = None, clock=None, **settings
) -> tuple[Lair, callable]:
    """A running Lair against `slack` (a new fake Slack if None); `settings` override the
    defaults (one workspace: the fake's default bot token); `clock` (default: the system's)
    is the time the app lives in."""
    slack = slack or FakeSlack(delays=injected_delays()).start()
    defaults = dict(slack_bot_token="xoxb-test-token", slack_signing_secret=SECRET,
                    slack_api_url=slack.url, database_url=database_url,
                    lair_coordinators=COORDINATOR)  # fmt: skip
    config = Settings(_env_file=None, **{**defaults, **settings})
    runtime = build_runtime(config, outbox_interval=0.2, **({"clock": clock} if clock else {}))
    runtime.worker.start()
    server = make_server(runtime, host="127.0.0.1", port=0, threads=16)
    stopping = threading.Event()
    thread = threading.Thread(target=serve_until_closed, args=(server, stopping), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    lair = Lair(
        slack, SlackSender(f"{url}/slack/events", SECRET, slack.response_url()), runtime, url
    )

    def stop():
        stopping.set()
        thread.join(timeout=15)
        runtime.close()
        slack.stop()

    return lair, stop


@pytest.fixture
def lair(database_url):
    running, stop = start_lair(database_url)
    yield running
    stop()
