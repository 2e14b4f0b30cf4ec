"""Private replies through an interaction's `response_url`, over kept-alive connections.

Bolt's `respond()` opens a new connection (and builds a new urllib opener) for every
reply; for the Vote button, which answers every click, that was the largest cost of
a vote after the database. This sends the same JSON over one kept-alive HTTPS
connection per thread and host. Where a proxy is configured in the environment,
it steps aside for Bolt's `respond()`, which honours it.
"""

import http.client
import json
import os
import threading
from urllib.parse import urlsplit

from slack_bolt import Respond

_PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
)


class ReplyFailed(Exception):
    pass


class ResponseUrlReplies:
    def __init__(self, *, timeout: float = 10.0):
        self.timeout = timeout
        self._local = threading.local()
        self.direct = not any(os.environ.get(v) for v in _PROXY_VARIABLES)

    def ephemeral(self, respond: Respond, response_url: str, text: str) -> None:
        """Show `text` to the person who clicked, without replacing the message."""
        payload = {"text": text, "response_type": "ephemeral", "replace_original": False}
        if not self.direct:
            respond(**payload)
            return
        self._post(response_url, payload)

    def _post(self, url: str, payload: dict) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ReplyFailed("response_url is not an http(s) address")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        for attempt in (1, 2):  # a kept-alive connection the server has closed: reconnect once
            conn = self._connection(parts.scheme, parts.netloc)
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                self._drop(parts.scheme, parts.netloc)
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self._drop(parts.scheme, parts.netloc)
            if response.status != 200:
                raise ReplyFailed(f"response_url answered {response.status}")
            return

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        pool = self._local.__dict__.setdefault("pool", {})
        conn = pool.get((scheme, netloc))
        if conn is None:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            conn = pool[(scheme, netloc)] = kind(netloc, timeout=self.timeout)
        return conn

    def _drop(self, scheme: str, netloc: str) -> None:
        conn = self._local.__dict__.get("pool", {}).pop((scheme, netloc), None)
        if conn is not None:
            conn.close()
