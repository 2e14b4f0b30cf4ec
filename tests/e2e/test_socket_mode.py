"""`lair web` in Socket Mode as a real process: it asks the fake Web API's
apps.connections.open (with the app-level token) for a WebSocket URL, connects to the fake
Socket Mode server, acknowledges each envelope over the socket, and answers as over HTTP."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.sandbox.slack_socket import FakeSocketMode
from tests.conftest import COORDINATOR
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN, APP_TOKEN = "xoxb-socket-mode-test", "xapp-1-socket-mode-test"


@pytest.fixture
def socket_lair(tmp_path):
    slack, sock = FakeSlack().start(), FakeSocketMode().start()
    slack.responses["apps.connections.open"] = {"url": sock.url}
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SLACK_BOT_TOKEN": BOT_TOKEN,
           "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_API_URL": slack.url, "LAIR_COORDINATORS": COORDINATOR,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'lair.db'}"}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "bot", "web"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    output: list[str] = []
    try:
        sock.wait_connected()
        yield slack, sock, proc, output
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            output.append(proc.communicate(timeout=30)[0])
        except subprocess.TimeoutExpired:
            proc.kill()
            output.append(proc.communicate()[0])
        sock.stop()
        slack.stop()


def command(slack, text: str, command: str = "/idea") -> dict:
    return {"token": "legacy", "team_id": "T0001", "team_domain": "t0001", "channel_id": "CGENERAL",
            "channel_name": "general", "user_id": "USTAFF0001", "user_name": "staff", "command": command,
            "text": text, "api_app_id": "ALAIR", "response_url": slack.response_url(),
            "trigger_id": f"trigger.{time.monotonic_ns()}"}  # fmt: skip


def test_commands_and_events_arrive_over_the_socket_and_are_acknowledged(socket_lair):
    slack, sock, proc, output = socket_lair
    (opened,) = slack.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN  # the app-level token, not the bot's

    envelope = sock.send("slash_commands", command(slack, "help"))
    assert sock.wait_for_ack(envelope)["envelope_id"] == envelope
    assert "Lair" in slack.wait_for("response_url")[0].args["text"]

    event = {"token": "legacy", "team_id": "T0001", "api_app_id": "ALAIR", "type": "event_callback",
             "event_id": "EvSOCKET1", "event_time": int(time.time()),
             "event": {"type": "app_home_opened", "user": "USTAFF0001", "channel": "DSTAFF", "tab": "home",
                       "event_ts": f"{time.time():.6f}"}}  # fmt: skip
    envelope = sock.send("events_api", event)
    sock.wait_for_ack(envelope)
    home = slack.wait_for("views.publish")[0].args
    assert home["user_id"] == "USTAFF0001" and home["view"]["type"] == "home"

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    log = proc.communicate()[0]
    assert "lair starting: Slack (Socket Mode, one workspace); database sqlite" in log, log
    assert "connected to Slack in Socket Mode" in log and log.rstrip().endswith("lair stopped"), log
    assert BOT_TOKEN not in log and APP_TOKEN not in log
