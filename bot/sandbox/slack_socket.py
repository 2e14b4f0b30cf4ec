"""A local fake of Slack's Socket Mode WebSocket, bound to port 0.

The app asks the fake Web API's `apps.connections.open` (with its xapp- token) for a URL,
connects here, gets Slack's `hello`, and is then sent envelopes (`send`): a slash command,
an interaction or an event, each with an envelope id the app must acknowledge over the
socket (`wait_for_ack`). Pings are answered with pongs, as Slack does. Plain RFC 6455 over
the standard library: text frames only, unfragmented, the client's masked.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import socket
import struct
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def frame(opcode: int, payload: bytes) -> bytes:
    """A server frame (unmasked, final)."""
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 1 << 16:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    return head + payload


def _read_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    first, second = _read_exactly(sock, 2)
    opcode, n = first & 0x0F, second & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", _read_exactly(sock, 2))
    elif n == 127:
        (n,) = struct.unpack("!Q", _read_exactly(sock, 8))
    mask = _read_exactly(sock, 4) if second & 0x80 else b"\0\0\0\0"
    payload = _read_exactly(sock, n)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class FakeSocketMode:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/link/?ticket=fake-ticket"
        self.acks: list[dict] = []  # what the app sent back, in order
        self.connections = 0
        self._current: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        self._open: list[socket.socket] = []
        self._stopped = False

    def start(self) -> FakeSocketMode:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped = True
        self.listener.close()
        for sock in list(self._open):
            with contextlib.suppress(OSError):
                sock.close()

    # what a test does ------------------------------------------------------------
    def wait_connected(self, timeout: float = 30.0) -> None:
        self._wait(lambda: self._current is not None, timeout, "the app never connected")

    def send(self, kind: str, payload: dict, *, accepts_response_payload: bool = True) -> str:
        """Deliver an envelope (`slash_commands`, `interactive` or `events_api`); returns its id."""
        envelope_id = f"envelope-{next(self._ids)}"
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": accepts_response_payload, "retry_attempt": 0}  # fmt: skip
        with self._send_lock:
            assert self._current is not None, "no app is connected"
            self._current.sendall(frame(TEXT, json.dumps(envelope).encode()))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 15.0) -> dict:
        found: list[dict] = []

        def acked() -> bool:
            found[:] = [a for a in self.acks if a.get("envelope_id") == envelope_id]
            return bool(found)

        self._wait(acked, timeout, f"no ack for {envelope_id}")
        return found[0]

    def _wait(self, condition, timeout: float, failure: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(failure)
                self._changed.wait(left)

    # the server ------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stopped:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self._open.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                request += chunk
            headers = dict(
                line.split(":", 1) for line in request.decode().split("\r\n")[1:] if ":" in line
            )
            key = next(
                v.strip() for k, v in headers.items() if k.strip().lower() == "sec-websocket-key"
            )
            accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
            sock.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
            )
            hello = {"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                     "connection_info": {"app_id": "ALAIR"}}  # fmt: skip
            with self._send_lock:
                sock.sendall(frame(TEXT, json.dumps(hello).encode()))
            with self._changed:
                self._current = sock
                self.connections += 1
                self._changed.notify_all()
            while True:
                opcode, payload = read_frame(sock)
                if opcode == PING:
                    with self._send_lock:
                        sock.sendall(frame(PONG, payload))
                elif opcode == CLOSE:
                    with self._send_lock:
                        sock.sendall(frame(CLOSE, payload[:2]))
                    return
                elif opcode == TEXT:
                    with self._changed:
                        self.acks.append(json.loads(payload))
                        self._changed.notify_all()
        except (ConnectionError, OSError, StopIteration):
            return
        finally:
            with self._changed:
                if self._current is sock:
                    self._current = None
                self._changed.notify_all()
            with contextlib.suppress(OSError):
                sock.close()
