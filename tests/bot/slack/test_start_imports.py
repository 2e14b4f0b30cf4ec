"""What a Slack web start loads (issue 15): listeners, the views and the heavy libraries
load on first use or in the background once Lair serves, never before /healthz answers.
Not a timed test: it names modules, and checks that every listener named lazily exists."""

import importlib
import json
import subprocess
import sys
import textwrap
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest
from slack_bolt.authorization import AuthorizeResult

from bot.slack import listeners
from bot.slack.ids import Action
from storage import Database
from storage.migrate import upgrade

# Loaded on first use only: none of them is needed to answer /healthz.
NOT_AT_START = (
    "openpyxl",
    "numpy",
    "rapidfuzz",
    "ortools",
    "microsoft_teams",
    "alembic",
    "bot.slack.messages",
    "challenges.workbook.person",
    "challenges.similar",
    *(f"bot.slack.listeners.{module}" for module in listeners.MODULES),
)

START = textwrap.dedent(
    """
    import json, sys
    from bot.config import Settings
    from bot.runtime import build_runtime
    from bot.slack.server import make_server, make_wsgi

    settings = Settings(_env_file=None, database_url=sys.argv[1], slack_bot_token="xoxb-t",
                        slack_signing_secret="s", slack_api_url="http://127.0.0.1:9/api/")
    runtime = build_runtime(settings, connect=False)
    server = make_server(runtime, host="127.0.0.1", port=0)
    answered = []
    make_wsgi(runtime)({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"},
                       lambda status, headers: answered.append(status))
    server.close()
    runtime.close()
    print(json.dumps({"health": answered[0], "modules": sorted(sys.modules)}))
    """
)


def test_a_web_start_loads_no_listener_view_or_heavy_library(tmp_path):
    url = f"sqlite:///{tmp_path / 'lair.db'}"
    db = Database.from_url(url)
    upgrade(db.engine)  # a current database: a start checks it without Alembic
    db.dispose()
    done = subprocess.run([sys.executable, "-c", START, url], capture_output=True, text=True,
                          check=True, timeout=120, cwd=tmp_path)  # fmt: skip
    started = json.loads(done.stdout.splitlines()[-1])
    assert started["health"] == "200 OK"
    loaded = set(started["modules"])
    assert [
        m for m in NOT_AT_START if m in loaded or any(n.startswith(f"{m}.") for n in loaded)
    ] == []


def test_every_listener_registered_lazily_names_a_function_that_exists():
    app = App(signing_secret="s", authorize=_authorize)
    listeners.register_listeners(app)
    registered = [listener.ack_function for listener in app._listeners]
    assert len(registered) == 34  # as many as before they were lazy
    for lazy in registered:
        function = getattr(importlib.import_module(lazy.__module__), lazy.__name__)
        assert callable(function), lazy.__qualname__
    # load_all imports exactly the modules (or packages) listeners are registered from
    assert {lazy.__module__.split(".")[3] for lazy in registered} == set(listeners.MODULES)


def test_a_lazy_listener_gets_the_arguments_its_function_names(monkeypatch):
    """Bolt injects by name: the lazy listener hands its function what that names."""
    import bot.slack.listeners.votes as votes

    seen = {}

    def vote_button(ack, body, action, context):
        seen.update(body=body, action=action, context=context)
        ack()

    monkeypatch.setattr(votes, "vote_button", vote_button)
    app = App(signing_secret="s", authorize=_authorize, request_verification_enabled=False,
              process_before_response=True)  # fmt: skip
    listeners.register_listeners(app)
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"},
               "actions": [{"action_id": Action.VOTE.value, "value": "7", "action_ts": "1"}]}  # fmt: skip
    body = urlencode({"payload": json.dumps(payload)})
    response = app.dispatch(BoltRequest(body=body, headers={"content-type": [FORM]}))
    assert response.status == 200
    assert seen["action"]["value"] == "7" and seen["body"]["user"]["id"] == "U1"
    assert seen["context"].team_id == "T1"


FORM = "application/x-www-form-urlencoded"


def _authorize(enterprise_id, team_id, user_id) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-t",
                           bot_user_id="UB", bot_id="B", user_id=user_id)  # fmt: skip
