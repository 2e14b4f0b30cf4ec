"""Issue 10 end to end: one Lair installed in two Slack workspaces through Slack's OAuth
flow, a round running in each at once, and nothing crossing between them.

Everything goes through HTTP as Slack and a browser would send it: the install page, the
OAuth redirect (the fake Slack answers oauth.v2.access), signed commands, buttons, forms
and events from each team. The fake Slack is strict: it accepts only the bot tokens it
issued, and records which token every call was made with.
"""

import io
import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from threading import Barrier

import pytest
from openpyxl import load_workbook
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from sqlalchemy import text
from sqlmodel import SQLModel, select

from bot.sandbox.slack_api import FakeSlack, Team
from bot.sandbox.slack_requests import SlackSender, finish_install, start_install
from bot.slack.app import NOT_INSTALLED
from bot.slack.views.challenge_modal import challenge_modal
from bot.slack.views.panel import conflict_modal
from challenges import ideas, outbox, places, setup
from challenges.transitions import advance
from storage.enums import Audience
from storage.models import Challenge, Idea, OutboxMessage, Workspace
from tests.challenges.factories import challenge_draft, idea_draft
from tests.challenges.test_workbook import edited
from tests.e2e.conftest import start_lair
from tests.e2e.test_panel_flow import KEYS
from tests.e2e.test_submission_flow import CHALLENGE_FORM, idea_form
from tests.waiting import wait_until

CLIENT_ID = "4242.1010"
CLIENT_SECRET = "client-secret-never-logged-7f3a"
STATE_SECRET = "state-secret-never-logged-91c2"

ALPHA = Team("TALPHA", "Alpha Council", "UALPHABOT", "BALPHA", "alpha")
BETA = Team("TBETA", "Beta Council", "UBETABOT", "BBETA", "beta")
NEVER = Team("TNEVER", "Never Installed", "UNEVERBOT", "BNEVER", "never")
# Coordinators: Alpha's is named in LAIR_COORDINATORS; Beta's is granted by Beta's admin.
ALPHA_COORD, BETA_ADMIN, BETA_COORD = "UALPHACOORD", "UBETAADMIN", "UBETACOORD"


@dataclass
class Council:
    """A Slack workspace Lair is installed in, and the people in it (ids name their team)."""

    team: Team
    send: SlackSender
    coordinator: str
    channel: str
    panel_channel: str
    staff: list[str]
    dragon: str
    token: str = ""
    workspace_id: int = 0
    views: dict[str, dict] = field(default_factory=dict)  # real forms it was shown, by callback

    @property
    def dm(self) -> str:
        return "D" + self.coordinator[1:]


def council(lair, team: Team, coordinator: str) -> Council:
    word = team.id.removeprefix("T")
    return Council(
        team, lair.send.as_team(team.id, team.domain, response_url=lair.slack.response_url(team.id),
                                bot_user=team.bot_user),
        coordinator, f"C{word}", f"C{word}PANEL", [f"U{word}STAFF{n}" for n in range(6)],
        f"U{word}DRAGON",
    )  # fmt: skip


@pytest.fixture
def lair(database_url, caplog, capsys):
    """A Lair in many-workspace mode (no bot token), and afterwards: no token or secret in
    anything it logged or printed."""
    caplog.set_level(logging.DEBUG)
    for noisy in ("slack_sdk", "slack_bolt", "alembic"):  # as `lair run` sets them (bot/cli.py)
        caplog.set_level(logging.WARNING, logger=noisy)
    slack = FakeSlack(strict=True).start()
    slack.oauth_app(CLIENT_ID, CLIENT_SECRET)
    running, stop = start_lair(
        database_url, slack=slack, slack_bot_token=None, slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET, slack_state_secret=STATE_SECRET,
        lair_coordinators=f"{ALPHA_COORD},{BETA_ADMIN}",
    )  # fmt: skip
    yield running
    stop()
    secrets = [CLIENT_SECRET, STATE_SECRET, *slack.teams]
    printed = capsys.readouterr()
    for where in (caplog.text, printed.out, printed.err):
        assert not [s for s in secrets if s in where], "a token or secret reached the log"


def install(lair, who: Council | Team) -> str:
    """Install Lair in the team as its admin would: the install page, Slack's consent
    screen (the fake's code), the redirect back. Returns the team's new bot token."""
    team = who.team if isinstance(who, Council) else who
    page = start_install(lair.url)
    assert page.status == 200 and page.state and page.cookie, page
    assert f"client_id={CLIENT_ID}" in page.authorize_url
    code = lair.slack.authorize(team)
    done = finish_install(lair.url, code=code, state=page.state, cookie=page.cookie)
    assert done.status == 200 and "Thank you" in done.body, done.body
    token = lair.slack.grants[code].token
    if isinstance(who, Council):
        who.token = token
        who.workspace_id = workspace_row(lair, team.id).id
    return token


def workspace_row(lair, team_id: str) -> Workspace | None:
    with lair.runtime.ctx.transaction() as s:
        found = s.exec(select(Workspace).where(Workspace.tenant_id == team_id)).first()
        if found is not None:
            s.expunge(found)
        return found


# Reading what each team was sent ---------------------------------------------------------


def calls(lair, c: Council, method: str) -> list:
    return lair.slack.calls_to(method, team_id=c.team.id)


def replies(lair, c: Council) -> list[dict]:
    """What Lair said privately through the response_url of requests from the team."""
    path = f"/response/{c.team.id}"
    return [call.args for call in lair.slack.calls_to("response_url") if call.args["_path"] == path]


def said(lair, c: Council, request) -> str:
    """Send `request` (a signed request from the team) and return Lair's private answer."""
    before = len(replies(lair, c))
    reply = request()
    assert reply.status == 200, reply
    wait_until(lambda: len(replies(lair, c)) > before)
    answer = replies(lair, c)[before]
    return (
        f"{answer.get('text') or ''} {json.dumps(answer.get('blocks') or [], ensure_ascii=False)}"
    )


def opened(lair, c: Council, request, method: str = "views.open") -> dict:
    """Send `request` and return the form Lair opened for it (with the team's token)."""
    before = len(calls(lair, c, method))
    reply = request()
    assert reply.status == 200, reply
    wait_until(lambda: len(calls(lair, c, method)) > before)
    view = calls(lair, c, method)[-1].args["view"]
    c.views[view["callback_id"]] = view
    return view


def posted_in(lair, c: Council, channel: str, starts: str = "") -> list[dict]:
    return [call.args for call in calls(lair, c, "chat.postMessage")
            if call.args["channel"] == channel and call.args["text"].startswith(starts)]  # fmt: skip


def ctx_of(lair, c: Council):
    return lair.runtime.ctx.in_workspace(c.workspace_id)


def place(lair, c: Council, key: str) -> places.Ref | None:
    with ctx_of(lair, c).transaction() as s:
        return places.find(s, key)


# One round, driven entirely through Slack ---------------------------------------------


@dataclass
class Round:
    challenge_id: int
    title: str
    ideas: list[int]
    workbook: bytes
    pending_import: int


def run_round(lair, c: Council, title: str, start: Barrier) -> Round:
    """A whole round in the team, through Slack: the coordinator creates and opens it,
    staff submit and vote, the Dragon scores, the coordinator exports the workbook and
    sends it back with decisions (left awaiting Confirm)."""
    send, coord = c.send, c.coordinator

    def advance_to(label: str) -> None:
        answer = said(lair, c, lambda: send.command(coord, "/challenge", f"advance {challenge_id}"))
        assert label in answer, answer

    start.wait()
    view = opened(lair, c, lambda: send.command(coord, "/challenge", "new", channel=c.channel))
    form = {**CHALLENGE_FORM, "title": title, "channel_id": c.channel,
            "panel_channel_id": c.panel_channel, "panel": [c.dragon], "shortlist_size": "2"}  # fmt: skip
    reply = send.view_submission(coord, view, form)
    assert reply.status == 200 and not reply.body, reply.body
    with ctx_of(lair, c).transaction() as s:
        (challenge_id,) = s.exec(
            select(Challenge.id).where(Challenge.workspace_id == c.workspace_id)
        )
    advance_to("Taking ideas")

    for n, author in enumerate(c.staff[:3]):
        view = opened(lair, c, lambda a=author: send.command(a, "/idea"))
        reply = send.view_submission(author, view, idea_form(n, title=f"{title}: idea {n}"))
        assert reply.status == 200 and not reply.body, reply.body
    with ctx_of(lair, c).transaction() as s:
        made = list(
            s.exec(select(Idea.id).where(Idea.challenge_id == challenge_id).order_by(Idea.id))
        )
    assert len(made) == 3
    wait_until(lambda: all(place(lair, c, places.card(i)) for i in made))
    advance_to("Voting")

    for voter, backed in [(c.staff[3], made[:2]), (c.staff[4], made[:1]), (c.staff[5], made[1:2])]:
        for idea_id in backed:
            card = place(lair, c, places.card(idea_id))
            answer = said(lair, c, lambda v=voter, i=idea_id, k=card: send.block_action(
                v, "vote", str(i), channel=k.conversation_id, message_ts=k.message_id))  # fmt: skip
            assert answer.startswith("You backed"), answer
    home = home_of(lair, c, c.staff[3])
    assert title in home and "1 of 3" in home
    status = said(lair, c, lambda: send.command(coord, "/challenge", f"status {challenge_id}"))
    assert "4 from 3 people" in status and f"· {title}: idea 0" not in status  # hidden
    status = said(
        lair, c, lambda: send.command(coord, "/challenge", f"status {challenge_id} --counts")
    )
    assert f"2 · {title}: idea 0" in status and f"2 · {title}: idea 1" in status

    advance_to("With the panel")
    wait_until(lambda: all(place(lair, c, places.panel(i)) for i in made[:2]))
    for idea_id in made[:2]:
        parent = place(lair, c, places.panel(idea_id))
        view = opened(lair, c, lambda i=idea_id, p=parent: send.block_action(
            c.dragon, "score_idea", str(i), channel=p.conversation_id, message_ts=p.message_id))  # fmt: skip
        reply = send.view_submission(c.dragon, view, {f"score.{k}": "4" for k in KEYS})
        assert reply.status == 200 and not reply.body, reply.body
    advance_to("Panel closed — decisions next")

    said(lair, c, lambda: send.command(coord, "/challenge", f"export {challenge_id}"))
    wait_until(lambda: lair.slack.uploaded(c.team.id))
    (upload,) = lair.slack.uploaded(c.team.id)
    assert load_workbook(io.BytesIO(upload["content"]))["Summary"]["B2"].value == challenge_id
    assert f"{title}: idea 2" in workbook_text(upload["content"])

    changed = edited(upload["content"], {made[0]: ("fund", 1500), made[1]: ("defer", None)})
    file_id = lair.slack.add_file(changed, "decisions.xlsx", user=coord, team_id=c.team.id)
    before = len(posted_in(lair, c, c.dm))
    send.event({"type": "file_shared", "file_id": file_id, "user_id": coord, "channel_id": c.dm})
    wait_until(lambda: len(posted_in(lair, c, c.dm)) > before)
    preview = posted_in(lair, c, c.dm)[-1]
    (confirm,) = [e["value"] for b in preview["blocks"] if b["type"] == "actions"
                  for e in b["elements"] if e["action_id"] == "import_confirm"]  # fmt: skip
    return Round(challenge_id, title, made, upload["content"], int(confirm))


def test_two_workspaces_installed_by_oauth_run_at_once_and_nothing_crosses(lair):
    alpha, beta = council(lair, ALPHA, ALPHA_COORD), council(lair, BETA, BETA_ADMIN)
    install(lair, alpha)
    install(lair, beta)
    assert alpha.token != beta.token and alpha.workspace_id != beta.workspace_id

    # Beta's admin (a configured coordinator) grants Beta's coordinator, who runs Beta's round.
    grant = f"grant <@{BETA_COORD}|coord>"
    answer = said(lair, beta, lambda: beta.send.command(BETA_ADMIN, "/challenge", grant))
    assert "can now run challenges" in answer
    beta.coordinator = BETA_COORD
    # A grant is for its own workspace only.
    answer = said(lair, alpha, lambda: alpha.send.command(BETA_COORD, "/challenge", "list"))
    assert "coordinator" in answer

    start = Barrier(2)
    with ThreadPoolExecutor(2) as pool:
        a_future = pool.submit(run_round, lair, alpha, "Alpha bins", start)
        b_future = pool.submit(run_round, lair, beta, "Beta potholes", start)
        a, b = a_future.result(), b_future.result()

    # Each sees only its own: commands, App Home, the exported workbooks.
    for c, mine, theirs in [(alpha, a, b), (beta, b, a)]:
        listed = said(lair, c, lambda c=c: c.send.command(c.coordinator, "/challenge", "list"))
        assert mine.title in listed and theirs.title not in listed
        home = home_of(lair, c, c.staff[0])
        assert mine.title in home and theirs.title not in home
        workbook = workbook_text(mine.workbook)
        assert mine.title in workbook and theirs.title not in workbook

    # The outbox: every message went out once, with the token of its own workspace.
    wait_until(lambda: unsent(lair) == 0)
    check_tokens(lair, alpha, beta)

    # Ids from Beta in requests from Alpha: refused privately, and nothing changes.
    before = snapshot(lair)
    forge_from(lair, alpha, b, beta)
    forge_from(lair, beta, a, alpha)
    wait_until(lambda: unsent(lair) == 0)
    assert snapshot(lair) == before

    # Each coordinator's own import goes through.
    for c, mine in [(alpha, a), (beta, b)]:
        done = said(lair, c, lambda c=c, m=mine: c.send.block_action(
            c.coordinator, "import_confirm", str(m.pending_import), channel=c.dm))  # fmt: skip
        assert "Recorded 2 decision(s)" in done
    check_tokens(lair, alpha, beta)


def home_of(lair, c: Council, user: str) -> str:
    """The person's App Home, as Lair publishes it when they open it."""
    before = len(calls(lair, c, "views.publish"))
    c.send.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"})
    wait_until(lambda: len(calls(lair, c, "views.publish")) > before)
    return json.dumps(calls(lair, c, "views.publish")[-1].args["view"])


def workbook_text(content: bytes) -> str:
    """Every cell of every sheet (the workbook opens in openpyxl)."""
    wb = load_workbook(io.BytesIO(content))
    cells = [list(row) for ws in wb for row in ws.iter_rows(values_only=True)]
    return json.dumps(cells, default=str)


def unsent(lair) -> int:
    return outbox.pending_count(lair.runtime.ctx)


ADDRESSES = ("channel", "user", "user_id", "users", "channel_id")  # who a Web API call is about


def check_tokens(lair, *councils: Council) -> None:
    """Every call Lair made about a team's channel or person used that team's token, and
    every outbox message was posted once, with its own workspace's token."""
    by_word = {c.team.id.removeprefix("T"): c for c in councils}
    for call in lair.slack.calls:
        if call.method in ("response_url", "upload", "oauth.v2.access"):
            continue
        named = " ".join(str(call.args.get(k) or "") for k in ADDRESSES)
        owners = {c.team.id for word, c in by_word.items() if word in named}
        assert len(owners) <= 1, call
        if owners:
            (owner,) = [c for c in councils if c.team.id in owners]
            assert call.token == owner.token, (call.method, call.args, call.token)
    posted: dict[int, list[str]] = {}
    for call in lair.slack.calls_to("chat.postMessage"):
        payload = (call.args.get("metadata") or {}).get("event_payload") or {}
        if "outbox_id" in payload:
            posted.setdefault(int(payload["outbox_id"]), []).append(call.token)
    token_of = {c.workspace_id: c.token for c in councils}
    with lair.runtime.ctx.transaction() as s:
        rows = s.exec(select(OutboxMessage)).all()
    assert {r.status for r in rows} == {"sent"}
    assert {r.workspace_id for r in rows} == set(token_of)
    for row in rows:
        if row.audience != Audience.UPDATE.value:  # a redraw carries no outbox id: by channel above
            assert posted[row.id] == [token_of[row.workspace_id]], row


def snapshot(lair) -> dict[str, list]:
    """Every row of every Lair table, but for de-duplication keys and leases."""
    with lair.runtime.ctx.db.engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(table.select())), key=repr)
            for name, table in SQLModel.metadata.tables.items()
            if name not in ("processedrequest", "lease")
        }


MISSING = 99999  # an id that exists in no workspace


def refused_as_missing(forged: str, missing: str, theirs: int) -> str:
    """The answer to the other workspace's id is a private refusal, word for word the one
    an id that exists nowhere gets: nothing tells the person that it exists."""
    assert "went wrong" not in forged, forged
    same = re.sub(rf"\b{theirs}\b", "#", forged) == re.sub(rf"\b{MISSING}\b", "#", missing)
    assert same, (forged, missing)
    return forged


def forge_from(lair, c: Council, other: Round, them: Council) -> None:
    """Requests from `c`'s team carrying ids of the other workspace's round: each is
    refused privately, exactly as an id that does not exist is."""
    send, coord = c.send, c.coordinator
    idea, challenge = other.ideas[0], other.challenge_id
    author, dragon = them.staff[0], them.dragon  # people of the other team (as if in both)

    def check(request, theirs: int) -> str:
        answer = refused_as_missing(said(lair, c, lambda: request(theirs)),
                                    said(lair, c, lambda: request(MISSING)), theirs)  # fmt: skip
        assert answer.startswith("⚠️"), answer
        return answer

    # Buttons whose value is the other workspace's idea, challenge or decisions import.
    for user, action, value, channel in [
        (c.staff[4], "vote", idea, c.channel), (author, "edit_idea", idea, c.channel),
        (author, "withdraw_idea", idea, c.channel), (c.staff[0], "submit_idea", challenge, c.channel),
        (dragon, "score_idea", idea, c.panel_channel), (dragon, "declare_conflict", idea, c.panel_channel),
        (dragon, "show_panel_scores", idea, c.panel_channel), (coord, "import_confirm", other.pending_import, c.dm),
        (coord, "import_cancel", other.pending_import, c.dm),
    ]:  # fmt: skip
        check(
            lambda v, u=user, a=action, h=channel: send.block_action(u, a, str(v), channel=h), value
        )

    # Commands naming the other workspace's challenge.
    for verb, rest in [("status", ""), ("advance", ""), ("export", ""), ("edit", ""), ("shortlist", ""),
                       ("decide", ""), ("panel", f" <@{dragon}|d>")]:  # fmt: skip
        answer = check(
            lambda v, w=verb, r=rest: send.command(coord, "/challenge", f"{w} {v}{r}"), challenge
        )
        assert f"There is no challenge {challenge}" in answer, answer
    check(lambda v: send.command(c.staff[0], "/idea", str(v)), challenge)

    # Forms whose private_metadata names the other workspace's challenge or idea.
    typed = idea_form(0, title="Taken over")
    forms = [
        (c.staff[0], c.views["idea_submit"], typed, lambda v: {"challenge_id": v}, challenge),
        (author, {**c.views["idea_submit"], "callback_id": "idea_edit"}, typed, lambda v: {"idea_id": v}, idea),
        (coord, {**c.views["challenge_create"], "callback_id": "challenge_edit"}, {**CHALLENGE_FORM, "title": "Taken over"},
         lambda v: {"challenge_id": v}, challenge),
        (dragon, c.views["score_idea"], {f"score.{k}": "1" for k in KEYS},
         lambda v: {"idea_id": v, "channel": c.panel_channel}, idea),
        (dragon, conflict_modal(0, "x", channel=None, thread_ts=None).to_dict(), {"reason": "mine"},
         lambda v: {"idea_id": v}, idea),
        (coord, decide_view(lair, c), {}, lambda v: {"challenge_id": v, "ideas": other.ideas[:2], "last": True},
         challenge),
    ]  # fmt: skip
    for user, view, values, meta, theirs in forms:

        def submit(v, u=user, f=view, t=values, m=meta) -> str:
            reply = send.view_submission(u, {**f, "private_metadata": json.dumps(m(v))}, t)
            assert reply.status == 200 and reply.json()["response_action"] == "errors", reply
            return json.dumps(reply.json()["errors"], ensure_ascii=False)

        refused_as_missing(submit(theirs), submit(MISSING), theirs)  # beside the form's input

    # The other workspace's workbook, sent back in this one.
    file_id = lair.slack.add_file(other.workbook, "theirs.xlsx", user=coord, team_id=c.team.id)
    before = len(calls(lair, c, "chat.postEphemeral"))
    send.event({"type": "file_shared", "file_id": file_id, "user_id": coord, "channel_id": c.dm})
    wait_until(lambda: len(calls(lair, c, "chat.postEphemeral")) > before)
    refusal = calls(lair, c, "chat.postEphemeral")[-1].args["text"]
    assert f"There is no challenge {challenge}" in refusal, refusal

    # A score replied in the other workspace's panel thread, as if from this one: ignored.
    parent = place(lair, them, places.panel(idea))
    ephemerals = len(lair.slack.calls_to("chat.postEphemeral"))
    send.event({"type": "message", "channel": parent.conversation_id, "user": dragon, "text": "score 1 1 1 1 1",
                "ts": "1800000000.000100", "thread_ts": parent.message_id, "channel_type": "channel"})  # fmt: skip
    said(lair, c, lambda: send.command(coord, "/challenge", "help"))  # handled after the reply
    assert len(lair.slack.calls_to("chat.postEphemeral")) == ephemerals


def decide_view(lair, c: Council) -> dict:
    """The real decisions form of this workspace's own challenge."""
    with ctx_of(lair, c).transaction() as s:
        (challenge_id,) = s.exec(
            select(Challenge.id).where(Challenge.workspace_id == c.workspace_id)
        ).all()
    return opened(lair, c, lambda: c.send.command(c.coordinator, "/challenge", f"decide {challenge_id}"),
                  method="views.update")  # fmt: skip


# Installing: the OAuth callback -----------------------------------------------------------


def slack_rows(lair, table: str) -> list:
    """Rows of slack_sdk's own tables (installations, bots, OAuth states) in Lair's database."""
    with lair.runtime.ctx.db.engine.connect() as conn:
        return list(conn.execute(text(f"SELECT * FROM {table}")))


def nothing_installed(lair) -> bool:
    return not slack_rows(lair, "slack_bots") and not slack_rows(lair, "slack_installations")


def test_the_oauth_callback_refuses_a_missing_forged_reused_or_expired_state(lair):
    def refused(status: int, **query) -> None:
        code = lair.slack.authorize(ALPHA)
        reply = finish_install(lair.url, code=code, **query)
        assert reply.status == status, (query, reply.status, reply.body[:200])
        assert not lair.slack.grants[code].used  # the code was never exchanged for a token
        assert nothing_installed(lair) and workspace_row(lair, ALPHA.id) is None

    page = start_install(lair.url)
    nonce, _, signature = page.state.partition(".")
    refused(400, cookie=page.cookie)  # no state
    refused(400, state=page.state)  # no cookie: not the browser that started the install
    refused(400, state=page.state, cookie="slack-app-oauth-state=another-browsers")
    # States Lair never issued (with a cookie to match, as an attacker would set).
    for forged in [f"{nonce}.{'0' * len(signature)}", nonce, "a.b", f"{nonce}.{signature}x"]:
        refused(401, state=forged, cookie=f"slack-app-oauth-state={forged}")
    # Expired: issued, but its ten minutes are up.
    expired = start_install(lair.url)
    with lair.runtime.ctx.db.engine.begin() as conn:
        long_ago = normalize_datetime_for_db(datetime.now(UTC) - timedelta(minutes=1))
        conn.execute(text("UPDATE slack_oauth_states SET expire_at = :t WHERE state = :s"),
                     {"t": long_ago, "s": expired.state})  # fmt: skip
    refused(401, state=expired.state, cookie=expired.cookie)
    # A code Slack did not issue, with a good state: oauth.v2.access refuses it.
    fresh = start_install(lair.url)
    reply = finish_install(lair.url, code="code-made-up", state=fresh.state, cookie=fresh.cookie)
    assert reply.status == 401 and nothing_installed(lair) and workspace_row(lair, ALPHA.id) is None

    # The good state still works once (as Slack's redirect), and never again.
    code = lair.slack.authorize(ALPHA)
    assert finish_install(lair.url, code=code, state=page.state, cookie=page.cookie).status == 200
    assert workspace_row(lair, ALPHA.id).uninstalled_at is None
    bots = slack_rows(lair, "slack_bots")
    refused_again = lair.slack.authorize(BETA)
    reply = finish_install(lair.url, code=refused_again, state=page.state, cookie=page.cookie)
    assert reply.status == 401 and not lair.slack.grants[refused_again].used
    assert slack_rows(lair, "slack_bots") == bots and workspace_row(lair, BETA.id) is None


# Uninstalling, reinstalling, and teams Lair was never installed in -------------------------


def test_an_uninstalled_team_is_refused_its_data_kept_and_a_reinstall_carries_on(lair):
    alpha, beta = council(lair, ALPHA, ALPHA_COORD), council(lair, BETA, BETA_ADMIN)
    old_token = install(lair, alpha)
    install(lair, beta)
    ctx = ctx_of(lair, alpha)
    draft = challenge_draft(title="Alpha bins", channel_id=alpha.channel,
                            panel_channel_id=alpha.panel_channel)  # fmt: skip
    challenge = setup.create_challenge(ctx, ALPHA_COORD, draft)
    advance(ctx, challenge_id=challenge.id, actor=ALPHA_COORD)
    first = ideas.submit_idea(ctx, alpha.staff[0], challenge.id, idea_draft(title="Sensors")).idea
    lair.runtime.worker.kick()
    wait_until(lambda: place(lair, alpha, places.card(first.id)) is not None)

    # A card waits out a rate limit when the team removes Lair (and Slack revokes its token).
    lair.slack.fail_next("chat.postMessage", 429, retry_after=3)
    second = ideas.submit_idea(ctx, alpha.staff[1], challenge.id, idea_draft(title="Routes")).idea
    lair.runtime.worker.kick()
    wait_until(lambda: outbox_row(lair, f"idea:{second.id}:card").last_error == "ratelimited")
    lair.slack.revoke(ALPHA.id)
    removed_at = len(lair.slack.calls)
    assert alpha.send.event({"type": "app_uninstalled"}).status == 200
    wait_until(lambda: workspace_row(lair, ALPHA.id).uninstalled_at is not None)
    assert not [r for r in slack_rows(lair, "slack_bots") if ALPHA.id in r]

    # Its waiting message fails for good, and so does one Lair itself queues later.
    wait_until(lambda: outbox_row(lair, f"idea:{second.id}:card").status == "failed", timeout=10)
    advance(ctx, challenge_id=challenge.id, actor=ALPHA_COORD)  # e.g. the clock closing ideas
    lair.runtime.worker.kick()
    announced = f"challenge:{challenge.id}:stage:voting"
    wait_until(lambda: outbox_row(lair, announced).status == "failed")
    for key in (f"idea:{second.id}:card", announced):
        assert outbox_row(lair, key).last_error == "workspace_not_installed"
    assert [c.method for c in lair.slack.calls[removed_at:] if c.token == old_token] == []

    # Requests from the team are refused: nothing runs, nothing changes.
    wait_until(lambda: unsent(lair) == 0)
    before = snapshot(lair)
    calls_before = len(lair.slack.calls)
    for request in [lambda: alpha.send.command(ALPHA_COORD, "/challenge", "list"),
                    lambda: alpha.send.block_action(alpha.staff[2], "vote", str(first.id))]:  # fmt: skip
        assert said(lair, alpha, request).startswith(NOT_INSTALLED)
    home = {"type": "app_home_opened", "user": alpha.staff[0], "channel": "D1", "tab": "home"}
    assert alpha.send.event(home).status == 200
    said(lair, beta, lambda: beta.send.command(BETA_ADMIN, "/challenge", "list"))  # Beta carries on
    assert snapshot(lair) == before
    assert [c.method for c in lair.slack.calls[calls_before:] if c.method != "response_url"] == []
    assert workspace_row(lair, ALPHA.id).id == alpha.workspace_id  # its data is kept
    with lair.runtime.ctx.transaction() as s:
        assert len(s.exec(select(Idea).where(Idea.challenge_id == challenge.id)).all()) == 2

    # Installed again: the same workspace, its challenge, a new token; Alpha carries on.
    new_token = install(lair, alpha)
    assert new_token != old_token and alpha.workspace_id == workspace_row(lair, ALPHA.id).id
    assert workspace_row(lair, ALPHA.id).uninstalled_at is None
    listed = said(lair, alpha, lambda: alpha.send.command(ALPHA_COORD, "/challenge", "list"))
    assert "Alpha bins" in listed
    advanced = f"advance {challenge.id}"
    said(lair, alpha, lambda: alpha.send.command(ALPHA_COORD, "/challenge", advanced))
    wait_until(lambda: outbox_row(lair, f"challenge:{challenge.id}:stage:panel").status == "sent")
    posts = [
        c for c in lair.slack.calls_to("chat.postMessage") if c.args["channel"] == alpha.channel
    ]
    assert "panel" in posts[-1].args["text"].lower() and posts[-1].token == new_token
    assert {c.token for c in posts} == {old_token, new_token}

    # Slack's other way of saying so: the bot token revoked.
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BETA.bot_user]}}
    assert beta.send.event(revoked).status == 200
    wait_until(lambda: workspace_row(lair, BETA.id).uninstalled_at is not None)
    refusal = said(lair, beta, lambda: beta.send.command(BETA_ADMIN, "/challenge", "list"))
    assert refusal.startswith(NOT_INSTALLED)


def outbox_row(lair, key: str) -> OutboxMessage:
    with lair.runtime.ctx.transaction() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == key)).one()
        s.expunge(row)
        return row


def test_a_team_that_never_installed_lair_is_refused_and_nothing_runs(lair):
    alpha = council(lair, ALPHA, ALPHA_COORD)
    install(lair, alpha)
    never = council(lair, NEVER, ALPHA_COORD)  # even a coordinator Lair knows, from elsewhere
    before = snapshot(lair)
    calls_before = len(lair.slack.calls)
    for request in [
        lambda: never.send.command(ALPHA_COORD, "/challenge", "new"),
        lambda: never.send.command(never.staff[0], "/idea", "mine"),
        lambda: never.send.block_action(never.staff[0], "vote", "1"),
        lambda: never.send.message_shortcut(never.staff[0], "submit_as_idea", "Bins"),
    ]:
        assert said(lair, never, request).startswith(NOT_INSTALLED)
    form = {**CHALLENGE_FORM, "channel_id": never.channel}
    view = challenge_modal({"timezone": "Europe/London"}).to_dict()
    reply = never.send.view_submission(ALPHA_COORD, view, form)
    assert reply.status == 200 and NOT_INSTALLED in reply.body
    for event in [{"type": "app_home_opened", "user": never.staff[0], "channel": "D1", "tab": "home"},
                  {"type": "file_shared", "file_id": "F1", "user_id": ALPHA_COORD, "channel_id": never.dm}]:  # fmt: skip
        assert never.send.event(event).status == 200
    said(lair, alpha, lambda: alpha.send.command(ALPHA_COORD, "/challenge", "list"))  # served
    assert snapshot(lair) == before and workspace_row(lair, NEVER.id) is None
    assert [c.method for c in lair.slack.calls[calls_before:] if c.method != "response_url"] == []
