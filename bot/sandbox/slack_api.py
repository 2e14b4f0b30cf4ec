"""A local fake of the Slack Web API that records every call the bot makes.

Bound to port 0, so tests can run in parallel. Answers the methods Lair uses with
Slack-shaped responses; `fail_next` scripts 429s and 5xxs (a 5xx optionally *after*
the message was posted, as Slack sometimes does); `rate_limit` makes a method answer
429 with Retry-After beyond a given rate (app-wide, and per channel); `delay_reply`
holds a reply after the message is accepted (to crash a sender in between). Posted
messages are kept per conversation, with their metadata, and read back through
conversations.history / conversations.replies like Slack's. Modelled on slack-bolt's
tests/mock_web_api_server.
"""

from __future__ import annotations

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


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


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


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


class FakeSlack:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        on_call: Callable[[Call], None] | None = None,
    ) -> None:
        self.calls: list[Call] = []
        self.on_call = on_call  # told of every call after it is recorded (lair demo prints them)
        self.lock = threading.Lock()
        self.clock = clock  # epoch seconds, for message timestamps
        self._ts = itertools.count(1)
        self._last_ts = 0.0
        self._failures: dict[str, list[tuple[int, dict, bool]]] = {}
        self._limits: dict[str, RateLimit] = {}
        self._delays: dict[str, float] = {}
        self.messages: dict[str, list[dict]] = {}  # conversation -> messages, oldest first
        self.responses: dict[str, dict] = {}  # method -> extra fields for its response
        self.files: dict[str, dict] = {}  # file id -> {"name", "content", "user", "channels"}
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

    def add_file(self, content: bytes, name: str, *, user: str) -> str:
        """A file as if `user` had uploaded it in Slack; returns its id."""
        file_id = f"F{next(self._ts):08d}"
        self.files[file_id] = {"name": name, "content": content, "user": user, "channels": []}
        return file_id

    def uploaded(self) -> list[dict]:
        """Files the bot uploaded and shared (files.completeUploadExternal)."""
        return [f for f in self.files.values() if f.get("shared_by_bot")]

    # reading ---------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

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

    def _post(self, args: dict) -> dict:
        conversation = conversation_of(str(args.get("channel", "")))
        message = {
            "type": "message", "user": BOT_USER, "bot_id": "BLAIR", "ts": self._next_ts(),
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
    def _answer(self, method: str, args: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BLAIR", "team_id": "T0001", "team": "Council",
                    "url": "https://council.slack.com/"}  # fmt: skip
        if method == "chat.postMessage":
            return self._post(args)
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
            return {
                "ok": True,
                "permalink": f"https://council.slack.com/archives/{args.get('channel')}/p1",
            }
        if method == "conversations.open":
            users = str(args.get("users", "U0"))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            self.files[file_id] = {
                "name": args.get("filename"),
                "content": b"",
                "user": BOT_USER,
                "channels": [],
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
            if record is None:
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "file": self._file_json(args["file"], record)}
        if method == "users.info":
            return {
                "ok": True,
                "user": {"id": args.get("user"), "tz": "Europe/London", "is_bot": False},
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
                # url_private downloads need the bot token, as in Slack
                if not self.path.startswith("/files/") or not self.headers.get(
                    "Authorization", ""
                ).startswith("Bearer xoxb-"):
                    self._send(404, {"ok": False}, {})
                    return
                record = fake.files.get(self.path.split("/")[2])
                if record is None:
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
                with fake.lock:
                    fake.calls.append(call := Call(method, args))
                    queued = fake._failures.get(method)
                    failure = queued.pop(0) if queued else None
                    delay = fake._delays.get(method, 0)
                if fake.on_call is not None and failure is None:
                    fake.on_call(call)
                if failure:
                    status, headers, after_accept = failure
                    if after_accept:
                        fake._answer(method, args)
                    body = {
                        "ok": False,
                        "error": "ratelimited" if status == 429 else "internal_error",
                    }
                    self._send(status, body, headers)
                    return
                wait = fake._limited(method, args)
                if wait:
                    retry = {"Retry-After": str(max(1, math.ceil(wait)))}
                    self._send(429, {"ok": False, "error": "ratelimited"}, retry)
                    return
                body = fake._answer(method, args)
                body.update(fake.responses.get(method, {}))
                if delay:
                    time.sleep(delay)
                self._send(200, body, {})

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
