"""What unsigned oversized requests cost a web process: peak memory (VmHWM, Linux) of
`python -m bot web` while several clients each send a large unsigned body to /slack/events
at once, first with Content-Length, then chunked. The same measured for a baseline revision
(a `git archive` of it), interleaved with this checkout.

    python bench/unsigned_bodies.py [--baseline REV] [--clients 4] [--megabytes 100] [--repeat 2]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send(port: int, megabytes: int, chunked: bool) -> None:
    piece = b'{"a":"' + b"x" * (1024 * 1024 - 8) + b'"}'
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: lair\r\nContent-Type: application/json\r\n"
        f"X-Slack-Request-Timestamp: {int(time.time())}\r\nX-Slack-Signature: v0={'0' * 64}\r\n"
        + ("Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {megabytes * len(piece)}\r\n\r\n")
    ).encode()  # fmt: skip
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
            s.sendall(head)
            for _ in range(megabytes):
                s.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                s.sendall(b"0\r\n\r\n")
            s.recv(100)
    except OSError:  # refused early: the server closed while we were still sending
        pass


def measure(checkout: Path, clients: int, megabytes: int) -> dict[str, int]:
    """Growth of the server's peak RSS in MB, per way of sending."""
    port, tmp = free_port(), tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LAIR_", "DATABASE_URL", "PORT"))}  # fmt: skip
    env.update(PYTHONPATH=str(checkout), SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET="bench",
               SLACK_API_URL="http://127.0.0.1:9/api/", PORT=str(port), DATABASE_URL=f"sqlite:///{tmp}/lair.db")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "bot", "web"], cwd=tmp, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"{checkout}: the server did not start") from None
                time.sleep(0.1)

        def peak() -> int:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            return int(status.split("VmHWM:")[1].split()[0]) // 1024

        growth, before = {}, peak()
        for chunked in (False, True):
            threads = [threading.Thread(target=send, args=(port, megabytes, chunked)) for _ in range(clients)]  # fmt: skip
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            growth["chunked" if chunked else "content-length"] = peak() - before
        return growth
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision to compare with, e.g. main~5")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT}
    if args.baseline:
        base = Path(tempfile.mkdtemp()) / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline],
                                 check=True, capture_output=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        checkouts = {f"baseline {args.baseline}": base, **checkouts}
    results: dict[str, list[dict]] = {name: [] for name in checkouts}
    for _ in range(args.repeat):  # interleaved: baseline, this, baseline, this …
        for name, path in checkouts.items():
            results[name].append(measure(path, args.clients, args.megabytes))
    print(
        f"{args.clients} clients × {args.megabytes} MB unsigned, peak RSS growth of the web process (MB):"
    )
    for name, runs in results.items():
        for way in ("content-length", "chunked"):
            values = [r[way] for r in runs]
            print(f"  {name:>24}  {way:<15} median {statistics.median(values):>5.0f}  "
                  f"min–max {min(values)}–{max(values)}")  # fmt: skip


if __name__ == "__main__":
    main()
