"""Signed HTTP requests shaped like Slack's: slash commands, block_actions, view_submission,
message shortcuts and Events API callbacks, from any Slack team (workspace); and the
browser's side of installing the app (`start_install`, `finish_install`)."""

from __future__ import annotations

import html
import itertools
import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from slack_sdk.signature import SignatureVerifier

TEAM = {"id": "T0001", "domain": "council"}
BOT_USER = "UBOTLAIR"
_counter = itertools.count(1)


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def _unique() -> str:
    return f"{time.time():.6f}{next(_counter)}"


class SlackSender:
    """Sends what Slack would send to the app at `url`, signed with `secret`, from people
    in the Slack team `team` ({"id", "domain"}) where the app's bot user is `bot_user`."""

    def __init__(self, url: str, secret: str, response_url: str, *, team: dict | None = None,
                 bot_user: str = BOT_USER):  # fmt: skip
        self.url = url
        self.secret = secret
        self.verifier = SignatureVerifier(secret)
        self.response_url = response_url
        self.team = dict(team or TEAM)
        self.bot_user = bot_user
        self.last_sent: tuple[str, dict] | None = None  # the last request, for resend()

    def as_team(self, team_id: str, domain: str = "", *, response_url: str | None = None,
                bot_user: str | None = None) -> SlackSender:  # fmt: skip
        """The same app, receiving requests from people in another Slack team."""
        return SlackSender(self.url, self.secret, response_url or self.response_url,
                           team={"id": team_id, "domain": domain or team_id.lower()},
                           bot_user=bot_user or self.bot_user)  # fmt: skip

    # transport -------------------------------------------------------------
    def post(self, body: str, content_type: str, *, timestamp: int | None = None, sign: bool = True,
             headers: dict | None = None) -> Reply:  # fmt: skip
        ts = str(timestamp if timestamp is not None else int(time.time()))
        all_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if sign:
            all_headers["X-Slack-Signature"] = self.verifier.generate_signature(
                timestamp=ts, body=body
            )
        all_headers.update(headers or {})
        self.last_sent = (body, dict(all_headers))
        return self.resend(self.last_sent)

    def resend(self, sent: tuple[str, dict]) -> Reply:
        """Send a request again exactly as it was (the same bytes, timestamp and signature):
        what an attacker who captured it could replay within Slack's five minutes."""
        body, all_headers = sent
        request = urllib.request.Request(
            self.url, data=body.encode(), headers=all_headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode())

    def form(self, fields: dict, **kw) -> Reply:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    def interactive(self, payload: dict, **kw) -> Reply:
        return self.form({"payload": json.dumps(payload)}, **kw)

    # payloads --------------------------------------------------------------
    def command(
        self, user: str, command: str, text: str = "", *, channel: str = "CGENERAL", **kw
    ) -> Reply:
        return self.form(
            {
                "token": "legacy", "team_id": self.team["id"], "team_domain": self.team["domain"],
                "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": user.lower(),
                "command": command, "text": text, "api_app_id": "ALAIR", "is_enterprise_install": "false",
                "response_url": self.response_url, "trigger_id": f"trigger.{_unique()}",
            },
            **kw,
        )  # fmt: skip

    def block_action(self, user: str, action_id: str, value: str | None = None, *, channel: str | None = "CCHALLENGE",
                     message_ts: str | None = "1700000001.000100", view: dict | None = None,
                     selected_option: dict | None = None, action_ts: str | None = None, block_id: str = "b",
                     **kw) -> Reply:  # fmt: skip
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": "button",
                                  "action_ts": action_ts or _unique()}  # fmt: skip
        if value is not None:
            action["value"] = value
        if selected_option is not None:
            action.update(type="static_select", selected_option=selected_option)
        payload: dict[str, Any] = {
            "type": "block_actions", "team": self.team, "api_app_id": "ALAIR", "token": "legacy",
            "user": {"id": user, "username": user.lower(), "team_id": self.team["id"]},
            "trigger_id": f"trigger.{_unique()}", "actions": [action],
        }  # fmt: skip
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
            # As Slack: an action in a modal carries what its inputs hold now.
            payload["view"] = (
                view if "state" in view else {**view, "state": {"values": fill(view, {})}}
            )
        elif channel is not None:
            payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel,
                                    "is_ephemeral": False}  # fmt: skip
            payload["channel"] = {"id": channel, "name": "challenge"}
            payload["message"] = {"ts": message_ts, "type": "message", "text": ""}
            payload["response_url"] = self.response_url
        return self.interactive(payload, **kw)

    def view_submission(self, user: str, view: dict, values: dict[str, Any], **kw) -> Reply:
        submitted = dict(view)
        submitted.setdefault("id", f"V{_unique()}")
        submitted["state"] = {"values": fill(view, values)}
        payload = {
            "type": "view_submission", "team": self.team, "api_app_id": "ALAIR", "token": "legacy",
            "user": {"id": user, "username": user.lower(), "team_id": self.team["id"]},
            "trigger_id": f"trigger.{_unique()}", "view": submitted, "response_urls": [],
        }  # fmt: skip
        return self.interactive(payload, **kw)

    def message_shortcut(
        self, user: str, callback_id: str, text: str, *, channel: str = "CGENERAL", **kw
    ) -> Reply:
        payload = {
            "type": "message_action", "callback_id": callback_id, "team": self.team, "token": "legacy",
            "user": {"id": user, "name": user.lower(), "team_id": self.team["id"]},
            "channel": {"id": channel, "name": "general"},
            "message_ts": "1700000099.000100", "trigger_id": f"trigger.{_unique()}",
            "message": {"type": "message", "user": "UOTHER", "ts": "1700000099.000100", "text": text},
            "response_url": self.response_url,
        }  # fmt: skip
        return self.interactive(payload, **kw)

    def event(
        self, event: dict, *, event_id: str | None = None, retry_num: int | None = None, **kw
    ) -> Reply:
        body = {
            "token": "legacy", "team_id": self.team["id"], "api_app_id": "ALAIR", "type": "event_callback",
            "event": event, "event_id": event_id or f"Ev{_unique().replace('.', '')}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team["id"], "user_id": self.bot_user, "is_bot": True}],
        }  # fmt: skip
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else {}
        )
        return self.post(json.dumps(body), "application/json", headers=headers, **kw)


# Installing ------------------------------------------------------------------------------


@dataclass
class InstallPage:
    """What a browser got from the app's install page (GET /slack/install)."""

    status: int
    authorize_url: str | None  # the "Add to Slack" link, to slack.com/oauth/v2/authorize
    state: str | None  # that link's state parameter
    cookie: str | None  # the state cookie ("name=value") the browser sends back

    def with_state(self, state: str | None) -> InstallPage:
        return replace(self, state=state)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_browser = urllib.request.build_opener(_NoRedirects)
_ADD_TO_SLACK = re.compile(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]*)"')


def _get(url: str, headers: dict | None = None) -> tuple[int, str, list[str]]:
    request = urllib.request.Request(url, headers=headers or {}, method="GET")
    try:
        with _browser.open(request, timeout=30) as response:
            return (
                response.status,
                response.read().decode(),
                response.headers.get_all("Set-Cookie") or [],
            )
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), err.headers.get_all("Set-Cookie") or []


def start_install(base_url: str) -> InstallPage:
    """Open the app's install page as a browser does: the "Add to Slack" link (with its
    state) and the cookie that ties the state to this browser."""
    status, body, set_cookies = _get(f"{base_url}/slack/install")
    link = _ADD_TO_SLACK.search(body)
    url = html.unescape(link.group(1)) if link else None
    state = parse_qs(urlparse(url).query).get("state", [None])[0] if url else None
    cookie = None
    for header in set_cookies:
        jar = SimpleCookie()
        jar.load(header)
        for morsel in jar.values():
            cookie = f"{morsel.key}={morsel.value}"
    return InstallPage(status, url, state, cookie)


def finish_install(base_url: str, *, code: str | None = None, state: str | None = None,
                   cookie: str | None = None, error: str | None = None) -> Reply:  # fmt: skip
    """Slack sends the browser back to the app's redirect URL with the code (or an error)
    and the state; the browser brings its cookie."""
    query = {
        k: v for k, v in {"code": code, "state": state, "error": error}.items() if v is not None
    }
    status, body, _ = _get(f"{base_url}/slack/oauth_redirect?{urlencode(query)}",
                           {"Cookie": cookie} if cookie else None)  # fmt: skip
    return Reply(status, body)


def fill(view: dict, values: dict[str, Any]) -> dict:
    """The `state.values` Slack would send for `view` with `values` typed in (by block id).
    Inputs not named keep their initial value, as in Slack."""
    state: dict[str, dict] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        block_id = block["block_id"]
        value = values.get(block_id, initial(element))
        entry: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            entry["value"] = None if value is None else str(value)
        elif kind == "static_select":
            entry["selected_option"] = (
                None
                if value is None
                else {"value": value, "text": {"type": "plain_text", "text": value}}
            )
        elif kind == "multi_static_select":
            entry["selected_options"] = [
                {"value": v, "text": {"type": "plain_text", "text": v}} for v in (value or [])
            ]
        elif kind == "multi_users_select":
            entry["selected_users"] = list(value or [])
        elif kind == "conversations_select":
            entry["selected_conversation"] = value
        elif kind == "checkboxes":
            entry["selected_options"] = [
                {"value": v, "text": {"type": "plain_text", "text": v}} for v in (value or [])
            ]
        elif kind == "datepicker":
            entry["selected_date"] = value
        elif kind == "timepicker":
            entry["selected_time"] = value
            entry["timezone"] = element.get("timezone")
        state[block_id] = {element["action_id"]: entry}
    return state


def initial(element: dict) -> Any:
    """The value an input starts with (None if it has none)."""
    for key in (
        "initial_value",
        "initial_date",
        "initial_time",
        "initial_conversation",
        "initial_users",
    ):
        if key in element:
            return element[key]
    if "initial_option" in element:
        return element["initial_option"]["value"]
    if "initial_options" in element:
        return [o["value"] for o in element["initial_options"]]
    return None
