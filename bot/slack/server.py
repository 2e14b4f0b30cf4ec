"""HTTP mode: Bolt behind a production WSGI server (waitress), plus a health check."""

import contextlib
import json
import logging

from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from waitress.server import create_server

from bot.runtime import Runtime

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def make_wsgi(runtime: Runtime):
    slack = SlackRequestHandler(runtime.app, path=EVENTS_PATH)

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            return _health(runtime, start_response)
        return slack(environ, start_response)

    return application


def _health(runtime: Runtime, start_response):
    try:
        with runtime.ctx.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        status, body = "200 OK", {"status": "ok"}
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
    )


def serve_until_closed(server) -> None:
    """Run `server` until `server.close()` is called from another thread. Closing the
    listening socket under waitress's select loop ends it with EBADF: that is the stop."""
    with contextlib.suppress(OSError, ValueError):
        server.run()
