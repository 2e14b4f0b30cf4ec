"""Issue 14, item 5: what reaches /slack/events without Slack's signature costs little and
says little. Oversized bodies are refused before they are read; junk headers and bodies get
400 or 401 and exactly one log line: no traceback, no secret, no body."""

import http.client
import json
import logging
import select
import socket
import threading
import time

import pytest
from slack_sdk.signature import SignatureVerifier

from bot.slack.server import EVENTS_PATH
from tests.e2e.conftest import SECRET, start_lair

SIGNATURE = "v0=" + "0" * 64  # well formed, but not Slack's
MARKER = "BODY-MARKER-7f3a"  # in every junk body: must never reach the log


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    lair, stop = start_lair(f"sqlite:///{tmp_path_factory.mktemp('http') / 'lair.db'}")
    yield lair
    stop()


def port_of(lair) -> int:
    return int(lair.url.rsplit(":", 1)[1])


def post(lair, body: bytes, headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port_of(lair), timeout=30)
    try:
        raw = {k: v.encode() for k, v in headers.items()}  # UTF-8 bytes, as a client may send
        connection.request("POST", EVENTS_PATH, body=body, headers=raw)
        return connection.getresponse().status
    finally:
        connection.close()


def now() -> str:
    return str(int(time.time()))


def signed(body: bytes, content_type: str = "application/json") -> dict:
    ts = now()
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body.decode())
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}  # fmt: skip


def unsigned(timestamp: str | None, signature: str | None = SIGNATURE) -> dict:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    return headers


COMMAND = f"command=%2Fidea&text=help&user_id=UEVE&team_id=T0001&note={MARKER}".encode()
JUNK = {
    "timestamp abc": (COMMAND, lambda: unsigned("abc"), 401),
    "timestamp 1e9": (COMMAND, lambda: unsigned("1e9"), 401),
    "timestamp empty": (COMMAND, lambda: unsigned(""), 401),
    "timestamp of 20 digits": (COMMAND, lambda: unsigned("9" * 20), 401),
    "timestamp in superscript digits": (COMMAND, lambda: unsigned("²" * 10), 401),
    "no timestamp": (COMMAND, lambda: unsigned(None), 401),
    "no signature": (COMMAND, lambda: unsigned(now(), None), 401),
    "signature not hex": (COMMAND, lambda: unsigned(now(), "v0=" + "é" * 64), 401),
    "non-object JSON, unsigned": (f'["{MARKER}"]'.encode(), lambda: unsigned(now()), 401),
    "binary body, unsigned": (bytes(range(128)) + MARKER.encode(), lambda: unsigned(now()), 401),
    "invalid UTF-8 body": (b"\xff\xfe\xc3(" + MARKER.encode(), lambda: unsigned(now()), 400),
    # Junk with the right signature can only come from someone who holds the secret; it
    # still gets a 400, not a crash.
    "non-object JSON, signed": (f'["{MARKER}"]'.encode(), None, 400),
    "a payload that is not an object, signed": (
        f"payload=%5B%22{MARKER}%22%5D".encode(),
        "application/x-www-form-urlencoded",
        400,
    ),
}


def warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("case", list(JUNK))
def test_junk_gets_400_or_401_and_one_log_line(server, caplog, case):
    body, headers, status = JUNK[case]
    if headers is None or isinstance(headers, str):
        headers = signed(body, headers or "application/json")
    else:
        headers = headers()
    caplog.set_level(logging.INFO)
    assert post(server, body, headers) == status
    lines = warnings(caplog)
    assert len(lines) == 1, [r.getMessage() for r in lines]
    (line,) = lines
    text = line.getMessage()
    assert line.exc_info is None and "Traceback" not in text and "\n" not in text
    assert MARKER not in text and SECRET not in text


def raw_response(port: int, head: bytes, chunks=()) -> bytes:
    """Send `head`, then `chunks` until the server answers; the first line of its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head)
        for chunk in chunks:
            if select.select([s], [], [], 0)[0]:
                break  # it has answered already
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = b""
        while b"\r\n" not in answer:
            data = s.recv(4096)
            if not data:
                break
            answer += data
        return answer.split(b"\r\n", 1)[0]


def test_a_100_mb_body_is_refused_before_it_is_read(server, caplog):
    caplog.set_level(logging.INFO)
    head = (
        f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: lair\r\nContent-Type: application/json\r\n"
        f"X-Slack-Request-Timestamp: {now()}\r\nX-Slack-Signature: {SIGNATURE}\r\n"
        f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
    ).encode()
    # Not one byte of the body is sent: the answer must come from the headers alone.
    assert raw_response(port_of(server), head).startswith(b"HTTP/1.1 413")
    assert not any(r.exc_info for r in caplog.records)


def test_a_chunked_body_is_cut_off_at_the_limit(server, caplog):
    caplog.set_level(logging.INFO)
    head = (
        f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: lair\r\nContent-Type: application/json\r\n"
        f"X-Slack-Request-Timestamp: {now()}\r\nX-Slack-Signature: {SIGNATURE}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    piece = b"x" * 65536
    chunks = [b"10000\r\n" + piece + b"\r\n"] * 40 + [b"0\r\n\r\n"]  # 2.5 MB in all
    assert raw_response(port_of(server), head, chunks).startswith(b"HTTP/1.1 413")
    assert not any(r.exc_info for r in caplog.records)


def test_slack_requests_still_work_beside_the_junk(server):
    """A real signed request, with junk arriving at the same time."""
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"}).encode()
    junk = threading.Thread(target=lambda: [post(server, COMMAND, unsigned("abc")) for _ in range(20)])  # fmt: skip
    junk.start()
    try:
        assert post(server, body, signed(body)) == 200
    finally:
        junk.join()
