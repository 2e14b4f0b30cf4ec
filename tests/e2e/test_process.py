"""`python -m bot` as a real process: health check, request verification, config errors."""

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackSender

ROOT = Path(__file__).resolve().parents[2]
SECRET = "process-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "LAIR_", "DATABASE_URL", "PORT"))
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@pytest.fixture
def bot_process(tmp_path):
    slack = FakeSlack().start()
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.url,
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'lair.db'}",
    )
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read()) from None
            time.sleep(0.1)
    yield base, slack, proc
    proc.terminate()
    output, _ = proc.communicate(timeout=15)
    slack.stop()
    assert "xoxb-process-test" not in output, "the token reached the log"


def test_health_and_request_verification(bot_process):
    base, slack, proc = bot_process
    with urllib.request.urlopen(f"{base}/healthz") as r:
        assert r.status == 200 and b'"ok"' in r.read()
    sender = SlackSender(f"{base}/slack/events", SECRET, slack.response_url())
    assert sender.command("USTAFF", "/idea", "help", sign=False).status == 401
    six_minutes_ago = int(time.time()) - 6 * 60
    assert sender.command("USTAFF", "/idea", "help", timestamp=six_minutes_ago).status == 401
    wrong = SlackSender(f"{base}/slack/events", "not-the-secret", slack.response_url())
    assert wrong.command("USTAFF", "/idea", "help").status == 401
    assert sender.command("USTAFF", "/idea", "help").status == 200
    assert "Lair" in slack.wait_for("response_url")[0].args["text"]


def test_a_stop_closes_kept_alive_connections_and_ends(bot_process):
    """SIGTERM while a client keeps a connection open (as Slack and load balancers do):
    the process closes it and ends, rather than serve it until the platform kills it."""
    base, _slack, proc = bot_process
    kept = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=15)
    kept.request("GET", "/healthz")
    answer = kept.getresponse()
    assert answer.status == 200 and not answer.will_close
    answer.read()
    proc.terminate()
    output, _ = proc.communicate(timeout=15)  # before: it never ended
    assert proc.returncode == 0 and "lair stopped" in output
    assert kept.sock.recv(1) == b""  # closed by Lair, not by this test


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        (
            {"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"},
            "SLACK_BOT_TOKEN should be a bot token",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "nope"},
            "SLACK_APP_TOKEN should be an app-level token",
        ),
        ({"LAIR_TIMEZONE": "Mars/Olympus"}, "LAIR_TIMEZONE"),
    ],
)
def test_config_errors_are_one_line(tmp_path, env, expected):
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=clean_env(**env),
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert expected in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Traceback" not in result.stderr and "README" in result.stderr
