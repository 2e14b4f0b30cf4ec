"""A local fake of the Slack Web API that records every call the bot makes.

Bound to port 0, so tests can run in parallel. Answers the methods Lair uses with
Slack-shaped responses; `fail_next` scripts 429s and 5xxs (a 5xx optionally *after*
the message was posted, as Slack sometimes does); `rate_limit` makes a method answer
429 with Retry-After beyond a given rate (app-wide, and per channel); `delay_reply`
holds a reply after the message is accepted (to crash a sender in between). Posted
messages are kept per conversation, with their metadata, and read back through
conversations.history / conversations.replies like Slack's. Modelled on slack-bolt's
tests/mock_web_api_server.

Many workspaces: each bot token belongs to a team (`add_team`); every `Call` records the
token it was made with, `auth.test` answers for the token's team, and `oauth.v2.access`
exchanges a code the test registered (`authorize`) for a new bot token in a team, as
Slack's OAuth v2 does. `revoke(team_id)` makes the team's tokens answer `token_revoked`
(what Slack does once an app is uninstalled). By default a token the fake does not know
acts in the default team (T0001), so single-workspace tests can use any `xoxb-` token;
`strict=True` refuses unknown tokens with `invalid_auth`.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = "UBOTLAIR"
TOKEN = "xoxb-test-token"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    token: str | None = None  # the bot token it was made with (Authorization, or `token`)


@dataclass(frozen=True)
class Team:
    """A Slack workspace, as its bot tokens see it."""

    id: str
    name: str
    bot_user: str = BOT_USER
    bot_id: str = "BLAIR"
    domain: str = ""

    @property
    def url(self) -> str:
        return f"https://{self.domain or self.id.lower()}.slack.com/"


DEFAULT_TEAM = Team("T0001", "Council", BOT_USER, "BLAIR", "council")


@dataclass
class Grant:
    """An install the fake will complete when Lair exchanges its code."""

    team: Team
    token: str
    installer: str
    used: bool = False


class TokenBucket:
    """`rate` requests a second, bursts up to `burst`; says how long until the next is allowed."""

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, now

    def take(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class RateLimit:
    per_second: float | None
    burst: float | None
    per_channel_per_second: float | None
    channel_burst: float
    app: TokenBucket | None = None
    channels: dict[str, TokenBucket] = field(default_factory=dict)
    refused: int = 0


def conversation_of(target: str) -> str:
    """Where a message to `target` lands: a user id means the bot's DM with that user."""
    return "D" + target[1:] if target.startswith(("U", "W")) else target


MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


def block_kit_error(method: str, args: dict) -> str | None:
    """What Slack answers for a message or view over Block Kit's limits (the main ones:
    a section's text, a header, the number of blocks, a message's text), else None."""
    if method in MESSAGE_METHODS:
        blocks, most = args.get("blocks"), 50
        if len(str(args.get("text") or "")) > 40000:
            return "msg_too_long"
    elif method in VIEW_METHODS:
        view = args.get("view") if isinstance(args.get("view"), dict) else {}
        blocks, most = view.get("blocks"), 100
    else:
        return None
    if not isinstance(blocks, list):
        return None
    if len(blocks) > most:
        return "invalid_blocks" if method in MESSAGE_METHODS else "invalid_arguments"
    for block in blocks:
        if not isinstance(block, dict):
            continue
        text = (
            (block.get("text") or {}).get("text") if isinstance(block.get("text"), dict) else None
        )
        limit = {"section": 3000, "header": 150}.get(block.get("type"))
        if limit and text is not None and len(text) > limit:
            return "invalid_blocks" if method in MESSAGE_METHODS else "invalid_arguments"
    return None


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


class FakeSlack:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        on_call: Callable[[Call], None] | None = None,
        strict: bool = False,
        delays: dict[str, float] | None = None,
    ) -> None:
        self.calls: list[Call] = []
        self.strict = strict  # refuse tokens the fake does not know (invalid_auth)
        self.teams: dict[str, Team] = {} if strict else {TOKEN: DEFAULT_TEAM}  # token -> team
        self.revoked: set[str] = set()
        self.apps: dict[str, str] = {}  # OAuth client id -> client secret
        self.grants: dict[str, Grant] = {}  # OAuth code -> the install it completes
        self.on_call = on_call  # told of every call after it is recorded (lair demo prints them)
        self.lock = threading.Lock()
        self.clock = clock  # epoch seconds, for message timestamps
        self._ts = itertools.count(1)
        self._last_ts = 0.0
        self._failures: dict[str, list[tuple[int, dict, bool]]] = {}
        self._refusals: list[tuple[str, Callable[[dict], bool], str]] = []
        self._limits: dict[str, RateLimit] = {}
        self._delays: dict[str, float] = dict(delays or {})  # method -> seconds (delay_reply)
        self.messages: dict[str, list[dict]] = {}  # conversation -> messages, oldest first
        self.responses: dict[str, dict] = {}  # method -> extra fields for its response
        self.files: dict[str, dict] = {}  # file id -> {"name", "content", "user", "channels"}
        self.people: dict[str, dict] = {}  # user id -> users.info's user fields (add_person)
        self.people_known_only = False  # users.info answers user_not_found for anyone else
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # lifecycle -------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/response/{name}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # scripting -------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        times: int = 1,
        after_accept: bool = False,
    ) -> None:
        """The next `times` calls to `method` answer `status`. `after_accept`: the call takes
        effect (a message is posted) and still answers `status`, as Slack sometimes does."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self.lock:
            self._failures.setdefault(method, []).extend([(status, headers, after_accept)] * times)

    def refuse(self, method: str, matching: Callable[[dict], bool], error: str) -> None:
        """Calls to `method` whose arguments match answer ok:false with `error` (e.g. a
        message Slack refuses for a rule the fake does not model: invalid_blocks)."""
        with self.lock:
            self._refusals.append((method, matching, error))

    def _refused(self, method: str, args: dict) -> str | None:
        with self.lock:
            rules = list(self._refusals)
        for refused_method, matching, error in rules:
            if refused_method == method and matching(args):
                return error
        return block_kit_error(method, args)

    def rate_limit(
        self,
        method: str,
        *,
        per_second: float | None = None,
        burst: float | None = None,
        per_channel_per_second: float | None = None,
        channel_burst: float = 1,
    ) -> RateLimit:
        """Answer 429 with Retry-After beyond `per_second` for the app (token bucket of
        `burst`, default one second's worth) and beyond `per_channel_per_second` per channel."""
        limit = RateLimit(per_second, burst, per_channel_per_second, channel_burst)
        if per_second:
            limit.app = TokenBucket(per_second, burst or per_second, time.monotonic())
        with self.lock:
            self._limits[method] = limit
        return limit

    def delay_reply(self, method: str, seconds: float) -> None:
        """Accept calls to `method` at once but hold each reply for `seconds` (0 to stop)."""
        with self.lock:
            self._delays[method] = seconds

    def add_person(self, user_id: str, *, display_name: str = "", real_name: str = "",
                   name: str = "") -> None:  # fmt: skip
        """What users.info says about `user_id`: Slack's display name (often empty), full
        name (on the user and in the profile) and legacy username."""
        with self.lock:
            self.people[user_id] = {
                "name": name or user_id.lower(), "real_name": real_name,
                "profile": {"display_name": display_name, "real_name": real_name},
            }  # fmt: skip

    def add_team(self, team: Team, token: str) -> Team:
        """Make `token` a bot token in `team` (as if Lair had been installed there)."""
        with self.lock:
            self.teams[token] = team
            self.revoked.discard(token)
        return team

    def oauth_app(self, client_id: str, client_secret: str) -> None:
        """The Slack app Lair installs as: oauth.v2.access checks these credentials."""
        with self.lock:
            self.apps[client_id] = client_secret

    def authorize(
        self, team: Team, *, token: str | None = None, installer: str = "UINSTALLER"
    ) -> str:
        """A person in `team` approved the install: the code Slack sends to the redirect
        URL, which oauth.v2.access exchanges (once) for a bot token in that team."""
        code = f"code-{team.id}-{next(self._ts)}"
        token = token or f"xoxb-{team.id}-{next(self._ts)}-{code[-6:]}"
        with self.lock:
            self.grants[code] = Grant(team, token, installer)
        return code

    def revoke(self, team_id: str) -> None:
        """Every token of the team stops working (`token_revoked`), as after an uninstall."""
        with self.lock:
            self.revoked |= {t for t, team in self.teams.items() if team.id == team_id}

    def tokens_of(self, team_id: str) -> list[str]:
        with self.lock:
            return [t for t, team in self.teams.items() if team.id == team_id]

    def team_of(self, token: str | None) -> Team | None:
        """The team a token acts in (None: not a token the fake accepts)."""
        with self.lock:
            if token in self.revoked:
                return None
            found = self.teams.get(token or "")
            return DEFAULT_TEAM if found is None and not self.strict else found

    def _refusal(self, token: str | None) -> dict:
        if not token:
            return {"ok": False, "error": "not_authed"}
        with self.lock:
            revoked = token in self.revoked
        return {"ok": False, "error": "token_revoked" if revoked else "invalid_auth"}

    def add_file(
        self, content: bytes, name: str, *, user: str, team_id: str = DEFAULT_TEAM.id
    ) -> str:
        """A file as if `user` had uploaded it in Slack (in `team_id`); returns its id."""
        file_id = f"F{next(self._ts):08d}"
        self.files[file_id] = {"name": name, "content": content, "user": user, "channels": [],
                               "team": team_id}  # fmt: skip
        return file_id

    def uploaded(self, team_id: str | None = None) -> list[dict]:
        """Files the bot uploaded and shared (files.completeUploadExternal), in one team or all."""
        return [f for f in self.files.values() if f.get("shared_by_bot")
                and (team_id is None or f.get("team") == team_id)]  # fmt: skip

    # reading ---------------------------------------------------------------
    def calls_to(self, method: str, *, team_id: str | None = None) -> list[Call]:
        """Calls to `method` (made with a token of `team_id`, if given)."""
        with self.lock:
            return [c for c in self.calls if c.method == method
                    and (team_id is None or self._team_id(c.token) == team_id)]  # fmt: skip

    def _team_id(self, token: str | None) -> str | None:
        """The team a token was issued in, revoked or not (call with the lock held)."""
        found = self.teams.get(token or "")
        return found.id if found else (None if self.strict else DEFAULT_TEAM.id)

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} call(s) to {method}, got {len(self.calls_to(method))}: "
                             f"{[c.method for c in self.calls]}")  # fmt: skip

    def everything_sent(self) -> str:
        """Every request body the bot sent, as one string (for leak checks)."""
        with self.lock:
            return "\n".join(json.dumps(c.args, default=str) for c in self.calls)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()

    def posted(self, conversation: str | None = None) -> list[dict]:
        """Messages accepted (in a conversation, or everywhere), oldest first."""
        with self.lock:
            if conversation is not None:
                return list(self.messages.get(conversation_of(conversation), []))
            return [m for msgs in self.messages.values() for m in msgs]

    def posted_with_outbox_id(self) -> dict[int, int]:
        """Outbox id → how many accepted messages carry it."""
        counts: dict[int, int] = {}
        for m in self.posted():
            payload = (m.get("metadata") or {}).get("event_payload") or {}
            if "outbox_id" in payload:
                counts[int(payload["outbox_id"])] = counts.get(int(payload["outbox_id"]), 0) + 1
        return counts

    # state -----------------------------------------------------------------
    def _next_ts(self) -> str:
        """Unique, increasing, at the fake's clock (Slack's ts is the post time)."""
        with self.lock:
            self._last_ts = max(self.clock(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"

    def _post(self, args: dict, team: Team = DEFAULT_TEAM) -> dict:
        conversation = conversation_of(str(args.get("channel", "")))
        message = {
            "type": "message", "user": team.bot_user, "bot_id": team.bot_id, "ts": self._next_ts(),
            "text": args.get("text"), "blocks": args.get("blocks"),
        }  # fmt: skip
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        with self.lock:
            self.messages.setdefault(conversation, []).append(message)
        return {"ok": True, "channel": conversation, "ts": message["ts"],
                "message": {k: v for k, v in message.items() if k != "metadata"}}  # fmt: skip

    def _read(self, args: dict, *, thread: str | None) -> dict:
        conversation = str(args.get("channel", ""))
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")
        with self.lock:
            found = [m for m in self.messages.get(conversation, [])
                     if oldest < float(m["ts"]) <= latest]  # fmt: skip
        if thread is None:  # history: top-level messages, newest first
            found = [m for m in found if m.get("thread_ts") in (None, m["ts"])][::-1]
        else:  # replies: the parent, then its replies, oldest first
            found = [m for m in found if m["ts"] == thread or m.get("thread_ts") == thread]
        if not _truthy(args.get("include_all_metadata", False)):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}  # fmt: skip

    def _limited(self, method: str, args: dict) -> float:
        """Seconds to wait if this call is over a rate limit, else 0 (and the call counts)."""
        with self.lock:
            limit = self._limits.get(method)
            if limit is None:
                return 0.0
            now = time.monotonic()
            wait = limit.app.take(now) if limit.app else 0.0
            if not wait and limit.per_channel_per_second:
                key = conversation_of(str(args.get("channel", "")))
                bucket = limit.channels.get(key)
                if bucket is None:
                    bucket = limit.channels[key] = TokenBucket(
                        limit.per_channel_per_second, limit.channel_burst, now
                    )
                wait = bucket.take(now)
                if wait and limit.app:  # the app-wide token was not used after all
                    limit.app.tokens = min(limit.app.burst, limit.app.tokens + 1)
            if wait:
                limit.refused += 1
            return wait

    # answering -------------------------------------------------------------
    def _exchange(self, args: dict, basic: tuple[str, str] | None) -> dict:
        """oauth.v2.access: a code for a bot token, answered as Slack's OAuth v2 does."""
        client_id, secret = basic or (args.get("client_id"), args.get("client_secret"))
        with self.lock:
            if client_id not in self.apps:
                return {"ok": False, "error": "invalid_client_id"}
            if secret != self.apps[client_id]:
                return {"ok": False, "error": "bad_client_secret"}
            grant = self.grants.get(str(args.get("code")))
            if grant is None or grant.used:
                return {"ok": False, "error": "invalid_code"}
            grant.used = True
            self.teams[grant.token] = grant.team
            self.revoked.discard(grant.token)
        return {
            "ok": True, "app_id": "ALAIR", "authed_user": {"id": grant.installer},
            "scope": "commands,chat:write,chat:write.public,im:write,users:read,files:read,files:write",
            "token_type": "bot", "access_token": grant.token, "bot_user_id": grant.team.bot_user,
            "team": {"id": grant.team.id, "name": grant.team.name}, "enterprise": None,
            "is_enterprise_install": False,
        }  # fmt: skip

    def _answer(self, method: str, args: dict, team: Team) -> dict:
        if method == "auth.test":
            return {"ok": True, "user_id": team.bot_user, "bot_id": team.bot_id, "team_id": team.id,
                    "team": team.name, "url": team.url}  # fmt: skip
        if method == "chat.postMessage":
            return self._post(args, team)
        if method == "conversations.history":
            return self._read(args, thread=None)
        if method == "conversations.replies":
            return self._read(args, thread=str(args.get("ts")))
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):06d}", "hash": "h1"}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"{team.url}archives/{args.get('channel')}/p1"}
        if method == "conversations.open":
            users = str(args.get("users", "U0"))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            self.files[file_id] = {
                "name": args.get("filename"),
                "content": b"",
                "user": team.bot_user,
                "channels": [],
                "team": team.id,
            }
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"{self.url[:-5]}/upload/{file_id}",
            }
        if method == "files.completeUploadExternal":
            shared = (
                json.loads(args["files"])
                if isinstance(args.get("files"), str)
                else args.get("files", [])
            )
            out = []
            for item in shared:
                record = self.files[item["id"]]
                record.update(shared_by_bot=True, title=item.get("title"), channels=[args.get("channel_id")],
                              initial_comment=args.get("initial_comment"))  # fmt: skip
                out.append({"id": item["id"], "name": record["name"], "title": item.get("title")})
            return {"ok": True, "files": out}
        if method == "files.info":
            record = self.files.get(args.get("file"))
            if record is None or (self.strict and record.get("team") != team.id):
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "file": self._file_json(args["file"], record)}
        if method == "users.info":
            user_id = args.get("user")
            with self.lock:
                person = self.people.get(user_id)
            if person is None and self.people_known_only:
                return {"ok": False, "error": "user_not_found"}
            return {
                "ok": True,
                "user": {"id": user_id, "tz": "Europe/London", "is_bot": False, **(person or {})},
            }
        return {"ok": True}

    def _file_json(self, file_id: str, record: dict) -> dict:
        base = self.url[:-5]
        return {
            "id": file_id, "name": record["name"], "title": record.get("title") or record["name"],
            "user": record["user"], "size": len(record["content"]),
            "filetype": "xlsx" if str(record["name"]).endswith(".xlsx") else "binary",
            "url_private": f"{base}/files/{file_id}", "url_private_download": f"{base}/files/{file_id}/download",
            "channels": record["channels"],
        }  # fmt: skip

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                # url_private downloads need a bot token of the file's team, as in Slack
                token = self._token()
                team = fake.team_of(token) if (token or "").startswith("xoxb-") else None
                if not self.path.startswith("/files/") or team is None:
                    self._send(404, {"ok": False}, {})
                    return
                record = fake.files.get(self.path.split("/")[2])
                if record is None or (fake.strict and record.get("team", team.id) != team.id):
                    self._send(404, {"ok": False}, {})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(record["content"])))
                self.end_headers()
                self.wfile.write(record["content"])

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if self.path.startswith("/upload/"):
                    data = self.rfile.read(length)
                    fake.files[self.path.split("/")[2]]["content"] = data
                    with fake.lock:
                        fake.calls.append(Call("upload", {"path": self.path, "size": len(data)}))
                    payload = b"OK - " + str(len(data)).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                raw = self.rfile.read(length).decode() if length else ""
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in parse_qs(raw).items()}
                for key in ("blocks", "view", "attachments", "metadata"):
                    if isinstance(args.get(key), str):
                        with contextlib.suppress(ValueError):
                            args[key] = json.loads(args[key])
                if self.path.startswith("/response/"):
                    method = "response_url"
                    args["_path"] = self.path
                else:
                    method = self.path.removeprefix("/api/").split("?")[0]
                token = self._token() or args.pop("token", None)
                with fake.lock:
                    fake.calls.append(call := Call(method, args, token=token))
                if method == "oauth.v2.access":
                    self._send(200, fake._exchange(args, self._basic()), {})
                    return
                team = fake.team_of(token) if method != "response_url" else DEFAULT_TEAM
                if team is None:
                    self._send(200, fake._refusal(token), {})
                    return
                with fake.lock:
                    queued = fake._failures.get(method)
                    failure = queued.pop(0) if queued else None
                    delay = fake._delays.get(method, 0)
                if fake.on_call is not None and failure is None:
                    fake.on_call(call)
                if failure:
                    status, headers, after_accept = failure
                    if after_accept:
                        fake._answer(method, args, team)
                    body = {
                        "ok": False,
                        "error": "ratelimited" if status == 429 else "internal_error",
                    }
                    self._send(status, body, headers)
                    return
                refused = fake._refused(method, args)
                if refused:
                    self._send(200, {"ok": False, "error": refused}, {})
                    return
                wait = fake._limited(method, args)
                if wait:
                    retry = {"Retry-After": str(max(1, math.ceil(wait)))}
                    self._send(429, {"ok": False, "error": "ratelimited"}, retry)
                    return
                body = fake._answer(method, args, team)
                body.update(fake.responses.get(method, {}))
                if delay:
                    time.sleep(delay)
                self._send(200, body, {})

            def _token(self) -> str | None:
                auth = self.headers.get("Authorization", "")
                return auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None

            def _basic(self) -> tuple[str, str] | None:
                """The client id and secret of HTTP Basic auth (oauth.v2.access), if given."""
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Basic "):
                    return None
                with contextlib.suppress(ValueError):
                    client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
                    return client_id, secret
                return None

            def _send(self, status, body, headers):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

        return Handler
