"""HTTP mode: Bolt behind a production WSGI server (waitress), plus a health check.

What reaches POST /slack/events is checked before Bolt parses it, so a request without
Slack's signature costs little: waitress refuses a body over `MAX_BODY_BYTES` (413, from the
headers alone when Content-Length says so, and as soon as a chunked body passes it); the
signature headers must be well formed, and Slack's signature over the raw body must match
(slack_sdk's SignatureVerifier, constant-time) before the body is parsed. Anything else
gets 400 or 401 and one log line, with no traceback, secret or body. Bolt then verifies
the signature again as usual.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from http import HTTPStatus
from typing import TYPE_CHECKING

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

if TYPE_CHECKING:  # the runtime loads every listener: not needed to serve (bench/ baselines)
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are a few kilobytes, views at most tens
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def make_wsgi(runtime: Runtime):
    slack = SlackRequestHandler(runtime.app, path=EVENTS_PATH)
    secret = runtime.settings.slack_signing_secret
    if secret is None:
        raise ValueError("HTTP mode needs SLACK_SIGNING_SECRET")
    verifier = SignatureVerifier(secret.get_secret_value())

    def application(environ, start_response):
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _health(runtime, start_response)
        if path == EVENTS_PATH and method == "POST":
            return _events(runtime.app, verifier, environ, start_response)
        return slack(environ, start_response)

    return application


def _events(app: App, verifier: SignatureVerifier, environ, start_response):
    try:
        request = _verified(verifier, environ)
    except Refused as refused:
        log.warning("refused a request to %s from %s: %s", EVENTS_PATH,
                    environ.get("REMOTE_ADDR", "?"), refused.reason)  # fmt: skip
        return _plain(start_response, refused.status)
    answer = app.dispatch(request)
    response = WsgiHttpResponse(status=answer.status, headers=answer.headers, body=answer.body)
    start_response(response.status, response.get_headers())
    return response.get_body()


def _verified(verifier: SignatureVerifier, environ) -> BoltRequest:
    """The request as Bolt's, once its signature has been checked on the raw bytes."""
    length = environ.get("CONTENT_LENGTH") or ""
    body = environ["wsgi.input"].read(
        min(int(length), MAX_BODY_BYTES + 1) if length.isdigit() else MAX_BODY_BYTES + 1
    )
    if len(body) > MAX_BODY_BYTES:
        raise Refused(413, f"body over {MAX_BODY_BYTES} bytes")
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Refused(401, "missing or malformed X-Slack-Request-Timestamp")
    if not _SIGNATURE.fullmatch(signature):
        raise Refused(401, "missing or malformed X-Slack-Signature")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    if not verifier.is_valid(body=decoded, timestamp=timestamp, signature=signature):
        raise Refused(401, "signature does not match, or the timestamp is over 5 minutes off")
    try:
        request = BoltRequest(body=decoded, query=environ.get("QUERY_STRING", ""),
                              headers=WsgiHttpRequest(environ).get_headers())  # fmt: skip
    except Exception:  # Bolt's parsing fails in several ways on a body that is not an object
        raise Refused(400, "signed, but the body is not a Slack payload") from None
    return request


def _plain(start_response, status: int):
    phrase = HTTPStatus(status).phrase
    payload = phrase.encode()
    start_response(f"{status} {phrase}", [("Content-Type", "text/plain; charset=utf-8"),
                                           ("Content-Length", str(len(payload)))])  # fmt: skip
    return [payload]


def _health(runtime: Runtime, start_response):
    try:
        with runtime.ctx.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        status, body = "200 OK", {"status": "ok"}
        runtime.healthy.set()
    except Exception as exc:
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        status, body = "503 Service Unavailable", {"status": "database unreachable"}
    payload = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
    )
    return [payload]


def make_server(
    runtime: Runtime, *, host: str = "0.0.0.0", port: int | None = None, threads: int = 24
):
    """A waitress server for the app; `.run()` serves, `.close()` stops. Port 0 picks a free port."""
    return wsgi_server(
        make_wsgi(runtime),
        host=host,
        port=runtime.settings.port if port is None else port,
        threads=threads,
    )


def wsgi_server(application, *, host: str, port: int, threads: int = 24):
    """The waitress settings Lair serves with (shared with bench/ so baselines use the same stack)."""
    return create_server(
        application,
        host=host,
        port=port,
        threads=threads,
        connection_limit=1000,
        backlog=2048,
        channel_timeout=30,
        ident="lair",
        # waitress refuses a longer body itself (413): from Content-Length before reading
        # it, or as soon as a chunked body passes the limit.
        max_request_body_size=MAX_BODY_BYTES + 1,
    )


def serve_until_closed(server, stop: threading.Event, *, grace: float = 10.0) -> None:
    """Run `server` until `stop` is set, then stop gracefully: take no new connection, let
    the requests under way finish and their answers go out (for up to `grace` seconds),
    and close every connection, kept-alive idle ones too.

    waitress by itself closes an idle kept-alive connection only in its periodic
    maintenance, which runs no more once its listening socket is closed: closing the
    server from another thread used to leave the loop serving, for good, any connection
    a client (Slack, a load balancer) kept open, and a stopping process waited until the
    platform killed it."""
    adj = server.adj

    def turn(timeout: float) -> None:  # one turn of waitress's loop
        wasyncore.loop(timeout=timeout, map=server._map, use_poll=adj.asyncore_use_poll, count=1)

    threading.Thread(target=lambda: (stop.wait(), server.pull_trigger()), daemon=True,
                     name="lair-stop").start()  # fmt: skip
    while not stop.is_set():
        turn(adj.asyncore_loop_timeout)
    wasyncore.dispatcher.close(server)  # the listening socket: no new connections
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        connections = [c for c in server._map.values() if isinstance(c, HTTPChannel)]
        if not connections:
            break
        for channel in connections:
            if not channel.requests:  # idle, or its answer sent: closed once flushed
                channel.will_close = True
        turn(0.05)
    server.task_dispatcher.shutdown(timeout=1)
    wasyncore.close_all(server._map)
