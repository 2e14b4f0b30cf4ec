"""A local fake of the Slack Web API that records every call the bot makes.

Bound to port 0, so tests can run in parallel. Answers the methods Lair uses with
Slack-shaped responses; `fail_next` scripts 429s and 5xxs; `rate_limit` makes a
method answer 429 with Retry-After beyond a given rate. Modelled on slack-bolt's
tests/mock_web_api_server.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import time
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


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        self._ts = itertools.count(1)
        self._failures: dict[str, list[tuple[int, dict]]] = {}
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
        self, method: str, status: int, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures.setdefault(method, []).extend([(status, headers)] * times)

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

    # answering -------------------------------------------------------------
    def _answer(self, method: str, args: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BLAIR", "team_id": "T0001", "team": "Council",
                    "url": "https://council.slack.com/"}  # fmt: skip
        if method == "chat.postMessage":
            channel = args.get("channel", "")
            if channel.startswith(("U", "W")):
                channel = "D" + channel[1:]
            return {"ok": True, "channel": channel, "ts": f"{1700000000 + next(self._ts)}.000100",
                    "message": {"text": args.get("text")}}  # fmt: skip
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1700000000 + next(self._ts)}.000200"}
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
                    fake.calls.append(Call(method, args))
                    queued = fake._failures.get(method)
                    failure = queued.pop(0) if queued else None
                if failure:
                    status, headers = failure
                    body = {
                        "ok": False,
                        "error": "ratelimited" if status == 429 else "internal_error",
                    }
                    self._send(status, body, headers)
                    return
                body = fake._answer(method, args)
                body.update(fake.responses.get(method, {}))
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
