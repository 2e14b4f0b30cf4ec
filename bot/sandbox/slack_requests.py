"""Signed HTTP requests shaped like Slack's: slash commands, block_actions, view_submission,
message shortcuts and Events API callbacks."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

TEAM = {"id": "T0001", "domain": "council"}
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
    """Sends what Slack would send to the app at `url`, signed with `secret`."""

    def __init__(self, url: str, secret: str, response_url: str):
        self.url = url
        self.verifier = SignatureVerifier(secret)
        self.response_url = response_url

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
                "token": "legacy", "team_id": TEAM["id"], "team_domain": TEAM["domain"],
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
            "type": "block_actions", "team": TEAM, "api_app_id": "ALAIR", "token": "legacy",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
            "trigger_id": f"trigger.{_unique()}", "actions": [action],
        }  # fmt: skip
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
            payload["view"] = view
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
            "type": "view_submission", "team": TEAM, "api_app_id": "ALAIR", "token": "legacy",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
            "trigger_id": f"trigger.{_unique()}", "view": submitted, "response_urls": [],
        }  # fmt: skip
        return self.interactive(payload, **kw)

    def message_shortcut(
        self, user: str, callback_id: str, text: str, *, channel: str = "CGENERAL", **kw
    ) -> Reply:
        payload = {
            "type": "message_action", "callback_id": callback_id, "team": TEAM, "token": "legacy",
            "user": {"id": user, "name": user.lower()}, "channel": {"id": channel, "name": "general"},
            "message_ts": "1700000099.000100", "trigger_id": f"trigger.{_unique()}",
            "message": {"type": "message", "user": "UOTHER", "ts": "1700000099.000100", "text": text},
            "response_url": self.response_url,
        }  # fmt: skip
        return self.interactive(payload, **kw)

    def event(
        self, event: dict, *, event_id: str | None = None, retry_num: int | None = None, **kw
    ) -> Reply:
        body = {
            "token": "legacy", "team_id": TEAM["id"], "api_app_id": "ALAIR", "type": "event_callback",
            "event": event, "event_id": event_id or f"Ev{_unique().replace('.', '')}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM["id"], "user_id": "UBOTLAIR", "is_bot": True}],
        }  # fmt: skip
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else {}
        )
        return self.post(json.dumps(body), "application/json", headers=headers, **kw)


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
        value = values.get(block_id, _initial(element))
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


def _initial(element: dict) -> Any:
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
