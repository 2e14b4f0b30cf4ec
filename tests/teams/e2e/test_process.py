"""`lair teams` as a real process: health check, token verification, a clean stop.

The process gets only the settings the test gives it (no developer's `.env`: it runs in an
empty folder, with every Lair, Slack, Teams and Teams-SDK variable removed first), and
variables the Teams SDK would read on its own (CLIENT_SECRET, DANGEROUSLY_ALLOW_…) set to
hostile values: none of them may change what Lair does.
"""

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from bot.sandbox.teams_connector import FakeTeamsConnector
from bot.sandbox.teams_requests import TeamsSender
from tests.e2e.test_process import ROOT, free_port


def teams_env(connector: FakeTeamsConnector, port: int, database_url: str) -> dict:
    import os

    dropped = ("SLACK_", "LAIR_", "TEAMS_", "DATABASE_URL", "PORT", "CLIENT_", "TENANT_ID",
               "SERVICE_URL", "CLOUD", "MANAGED_IDENTITY", "DANGEROUSLY", "OAUTH_URL")  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        PYTHONPATH=str(ROOT), DATABASE_URL=database_url,
        TEAMS_APP_ID=connector.app_id, TEAMS_APP_PASSWORD=connector.app_password,
        TEAMS_PORT=str(port), TEAMS_HOST="127.0.0.1",
        TEAMS_OPENID_METADATA_URL=connector.openid_metadata_url,
        TEAMS_TOKEN_ISSUER=connector.issuer, TEAMS_LOGIN_ENDPOINT=connector.login_endpoint,
        # What the SDK reads by itself when a setting is not passed: Lair passes them all.
        DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS="true", CLIENT_SECRET="not-lairs-secret",
        CLIENT_ID="not-lairs-app", PORT="1",
    )  # fmt: skip
    return env


@pytest.fixture
def teams_process(tmp_path):
    connector = FakeTeamsConnector().start()
    port = free_port()
    env = teams_env(connector, port, f"sqlite:///{tmp_path / 'lair.db'}")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "teams"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(proc.stdout.read()) from None
            time.sleep(0.1)
    state = {}
    yield base, connector, proc, state
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    state["output"], _ = proc.communicate(timeout=30)
    connector.stop()


def test_health_token_checks_and_a_clean_stop(teams_process):
    base, connector, proc, state = teams_process
    with urllib.request.urlopen(f"{base}/healthz") as r:
        assert json.loads(r.read()) == {"status": "ok"}
    sender = TeamsSender(f"{base}/api/messages", connector)
    alice = connector.person("Alice Smith")
    for kind in ("forged", "expired", "wrong_audience"):
        refused = sender.post(sender.installation_update(alice), token=connector.bad_token(kind))
        assert refused.status == 401, kind
    assert sender.post(sender.installation_update(alice), token=None).status == 401
    assert connector.messages() == []  # nothing happened for any of them
    assert sender.post(sender.installation_update(alice)).status == 200
    connector.wait_for_messages(connector.personal_chat(alice))  # the welcome, sent with a token
    assert connector.issued_tokens()[0].client_id == connector.app_id
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    output = proc.stdout.read()
    assert "lair starting: Teams" in output and "lair stopped" in output
    assert "Traceback" not in output
    assert connector.app_password not in output and "not-lairs-secret" not in output


def test_a_body_without_a_small_length_is_refused_before_it_is_read(teams_process):
    base, connector, proc, state = teams_process
    request = urllib.request.Request(
        f"{base}/api/messages", data=b"x" * (300 * 1024),
        headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413
