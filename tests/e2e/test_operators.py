"""What an operator sees: every `lair` subcommand with a setting missing or wrong says so in
one line (never a traceback), and a running Lair logs one line at start naming what it runs
and on which database, one at shutdown, and no misleading warning between."""

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.test_process import free_port
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


def empty_env(**extra) -> dict:
    """Nothing of the developer's: no SLACK_*, no DATABASE_URL, no .env (the cwd is empty)."""
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **extra}


def lair(args: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=empty_env(**env),
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def unreachable_database() -> str:
    return f"postgresql://lair:hunter2@127.0.0.1:{free_port()}/lair"


CASES = [
    ([], {}, "SLACK_BOT_TOKEN is not set"),
    (["run"], {}, "SLACK_BOT_TOKEN is not set"),
    (["web"], {}, "SLACK_BOT_TOKEN is not set"),
    (["web"], {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
    (["teams"], {}, "TEAMS_APP_ID is not set"),
    (["teams", "package"], {}, "no app id"),
    (["clock"], {}, "SLACK_BOT_TOKEN is not set (nor TEAMS_APP_ID)"),
    (["clock"], {"LAIR_TIMEZONE": "Mars/Olympus"}, "LAIR_TIMEZONE"),
    (["clock"], {"DATABASE_URL": "not a url"}, "DATABASE_URL: not a database"),
    (["clock"], {"TEAMS_APP_ID": "app", "DATABASE_URL": unreachable_database()}, "cannot open the database"),
    (["web"], {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": unreachable_database()},
     "cannot open the database"),
    (["db", "upgrade"], {"DATABASE_URL": unreachable_database()}, "cannot open the database"),
    (["db", "upgrade"], {"DATABASE_URL": "mysql://a@b/c"}, "DATABASE_URL: not a database"),
    (["export", "1"], {"DATABASE_URL": unreachable_database()}, "cannot open the database"),
    (["export", "1"], {}, "There is no challenge 1"),
    (["import-decisions", "sent.xlsx"], {"DATABASE_URL": unreachable_database()}, "cannot open the database"),
    (["import-decisions", "sent.xlsx"], {}, "cannot read sent.xlsx"),
    (["person", "export", "U1", "-o", "u1.json"], {"DATABASE_URL": unreachable_database()}, "cannot open the database"),
    (["person", "erase", "U1"], {"DATABASE_URL": unreachable_database()}, "cannot open the database"),
    (["person", "erase", "U1"], {}, "has not been installed"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "env", "expected"), CASES, ids=lambda v: str(v)[:40])
def test_every_subcommand_says_what_is_missing_in_one_line(tmp_path, args, env, expected):
    result = lair(args, tmp_path, **env)
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("lair: ") and result.stderr.strip().count("\n") == 0, (
        result.stderr
    )
    assert expected in result.stderr
    assert "hunter2" not in result.stderr  # the database password stays out of the message


def test_a_running_lair_says_what_it_runs_and_when_it_stops(tmp_path):
    """`lair run`: the start line names the mode, platforms and database kind, without a
    secret; Bolt's "token will be unused" warning is not there; a stop line at SIGTERM."""
    slack = FakeSlack().start()
    port = free_port()
    env = empty_env(SLACK_BOT_TOKEN="xoxb-start-line-token", SLACK_SIGNING_SECRET="signing-start-line",
                    SLACK_API_URL=slack.url, PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'lair.db'}")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)  # polling a port that is not open yet
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        slack.stop()
    assert proc.returncode == 0, output
    starts = [line for line in output.splitlines() if "lair starting:" in line]
    assert len(starts) == 1, output
    assert starts[0].endswith(
        "lair starting: Slack (HTTP, one workspace) + the clock (sending to Slack); database sqlite"
    )
    assert output.rstrip().endswith("lair stopped"), output
    assert "unused" not in output and "WARNING" not in output, output
    assert "xoxb-start-line-token" not in output and "signing-start-line" not in output
