"""Vote-button latency and throughput, against a bare Bolt app on the same server stack.

    python bench/vote_latency.py [--database-url URL] [--clients N] [--seconds S] [--rounds K]
                                 [--rate R]

Starts, each in its own process (so none shares a GIL with another):
  * a fake Slack Web API on 127.0.0.1 (answers chat.update, response_url, … with ok);
  * Lair in HTTP mode (waitress + Bolt, exactly as `lair web` builds it) on a fresh
    database: a SQLite file in a temporary folder, or a throwaway schema in the
    PostgreSQL database given by --database-url (dropped at the end);
  * a bare Bolt app whose only listener acks the same action, behind the same waitress
    settings and the same App options.
Then N client threads send signed `block_actions` Vote clicks to each app in turn for
S seconds, K rounds interleaved (bare, Lair, bare, Lair …); each figure is printed as
the median and min–max over the rounds, with the load average before and after. Clicks follow a fixed schedule of R a second (open loop, as real clicks
arrive: a slow answer does not slow the next click, and latency is measured from the
scheduled send time, so queueing is counted); `--rate 0` makes each client click as
fast as answers come back (closed loop: maximum throughput). Every click is a new
vote (a voter backs an idea once, within a budget of 10), and the live tally is on,
so each vote also sends its reply through response_url and feeds the coalesced
chat.update. At the end the votes in the database must equal the clicks sent.
Only loopback traffic; stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout too

from bench.common import load_average, throwaway_database  # noqa: E402

SECRET = "bench-signing-secret"
COORDINATOR = "UBENCHCOORD"
IDEAS = 10
BUDGET = 10
VOTERS = 20_000  # capacity: VOTERS * IDEAS clicks, each a distinct new vote
CHANNEL = "CBENCH"


# --- the fake Web API (own process) -------------------------------------------------


def run_fake_api(port_out) -> None:
    counter = itertools.count(1)
    calls: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY, and each answer written in one send (below): headers and body in
        # two writes would hold the body back for the client's delayed ACK (~40 ms, Nagle),
        # and every private reply would seem to take that long.
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            method = self.path.removeprefix("/api/").split("?")[0]
            if self.path.startswith("/response/"):
                method = "response_url"
            calls[method] = calls.get(method, 0) + 1
            body: dict = {"ok": True}
            if method == "chat.postMessage":
                body.update(channel=CHANNEL, ts=f"{1700000000 + next(counter)}.000100")
            elif method == "chat.update":
                body.update(channel=CHANNEL, ts="1700000000.000100")
            elif method == "auth.test":
                body.update(user_id="UBOT", bot_id="BBOT", team_id="T0001")
            self.answer(json.dumps(body).encode())

        def do_GET(self):  # the bench asks for the call counts at the end
            self.answer(json.dumps(calls).encode())

        def answer(self, payload: bytes) -> None:
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(payload)}\r\n\r\n").encode()  # fmt: skip
            self.wfile.write(head + payload)  # one send

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


# --- the two apps under test (own processes) ---------------------------------------


def _quiet() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)


def run_lair(database_url: str, api_url: str, port_out) -> None:
    _quiet()
    from bot.config import Settings
    from bot.runtime import build_runtime
    from bot.slack.listeners import load_all
    from bot.slack.server import make_server

    settings = Settings(_env_file=None, slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                        slack_api_url=api_url, database_url=database_url,
                        lair_coordinators=COORDINATOR)  # fmt: skip
    runtime = build_runtime(settings, outbox_interval=0.5)
    load_all()  # what `lair` does in the background once serving: no vote waits for it
    runtime.worker.start()
    server = make_server(runtime, host="127.0.0.1", port=0)
    port_out.put(server.effective_port)
    server.run()


def run_bare(api_url: str, port_out) -> None:
    """The baseline: Bolt with the options bot/slack/app.py uses, one listener that only acks."""
    _quiet()
    from concurrent.futures import ThreadPoolExecutor

    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.slack.ids import Action
    from bot.slack.server import EVENTS_PATH, wsgi_server

    app = App(
        client=WebClient(token="xoxb-bench", base_url=api_url),
        signing_secret=SECRET,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="bare-listener"),
        ignoring_self_events_enabled=True,
    )
    app.action(Action.VOTE.value)(lambda ack: ack())
    server = wsgi_server(SlackRequestHandler(app, path=EVENTS_PATH), host="127.0.0.1", port=0)
    port_out.put(server.effective_port)
    server.run()


# --- the database: a fresh one, a round in voting --------------------------------------


@dataclass
class Round:
    database_url: str
    challenge_id: int
    ideas: list[int]


def prepare(database_url: str, *, live: bool) -> Round:
    from challenges import ideas, setup, workspaces
    from challenges.context import Context
    from challenges.inputs import ChallengeDraft, IdeaDraft
    from challenges.transitions import advance
    from storage import Database
    from storage.enums import Platform
    from storage.migrate import upgrade

    db = Database.from_url(database_url)
    upgrade(db.engine)
    ctx = Context(db=db, coordinators=frozenset({COORDINATOR}))
    # The fake Slack's team (auth.test), which the app adopts as its one workspace.
    ctx = ctx.in_workspace(workspaces.install(ctx, Platform.SLACK, "T0001", "Council").id)
    draft = ChallengeDraft.parse(
        title="Bench: how might we cut missed bin collections?", channel_id=CHANNEL,
        fund_pot="£20,000", max_award="£5,000", vote_budget=str(BUDGET), show_tallies_live=live,
    )  # fmt: skip
    challenge = setup.create_challenge(ctx, COORDINATOR, draft)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    made = [
        ideas.submit_idea(ctx, f"UAUTHOR{n}", challenge.id, IdeaDraft.parse(
            title=f"Idea {n}", problem="Missed bins.", proposal="Sensors.", funding_requested="£1,000",
        )).idea.id
        for n in range(IDEAS)
    ]  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    db.dispose()
    return Round(database_url, challenge.id, made)


def count_votes(database_url: str, challenge_id: int) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from storage import Database
    from storage.models import Vote

    db = Database.from_url(database_url)
    try:
        with db.transaction() as s:
            return s.exec(
                select(func.count()).select_from(Vote).where(Vote.challenge_id == challenge_id)
            ).one()
    finally:
        db.dispose()


def cards_posted(database_url: str, challenge_id: int) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from storage import Database
    from storage.models import PostedMessage

    db = Database.from_url(database_url)
    try:
        with db.transaction() as s:
            return s.exec(
                select(func.count())
                .select_from(PostedMessage)
                .where(
                    PostedMessage.challenge_id == challenge_id,
                    PostedMessage.key.like("idea:%:card"),
                )
            ).one()
    finally:
        db.dispose()


# --- the load ------------------------------------------------------------------------


class Clicks:
    """Signed Vote clicks; click k is voter k mod VOTERS backing a new idea each round."""

    def __init__(self, ideas: list[int], api_port: int):
        from slack_sdk.signature import SignatureVerifier

        self.ideas = ideas
        self.signer = SignatureVerifier(SECRET)
        self.response_url = f"http://127.0.0.1:{api_port}/response/bench"
        self.next = itertools.count().__next__  # atomic under the GIL

    def body(self, k: int) -> tuple[bytes, dict]:
        voter, round_ = k % VOTERS, k // VOTERS
        if round_ >= IDEAS:
            raise RuntimeError("more clicks than distinct votes; lower --seconds or --rate")
        idea = self.ideas[(voter + round_) % len(self.ideas)]
        user = f"UV{voter:06d}"
        payload = {
            "type": "block_actions", "team": {"id": "T0001", "domain": "bench"}, "api_app_id": "A1",
            "token": "legacy", "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
            "trigger_id": f"t.{k}", "response_url": self.response_url,
            "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": CHANNEL},
            "channel": {"id": CHANNEL, "name": "bench"},
            "message": {"ts": "1700000000.000100", "type": "message", "text": ""},
            "actions": [{"action_id": "vote", "block_id": "b", "type": "button", "value": str(idea),
                         "action_ts": f"{time.time():.6f}{k}"}],
        }  # fmt: skip
        body = urlencode({"payload": json.dumps(payload)})
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.signer.generate_signature(timestamp=ts, body=body),
        }
        return body.encode(), headers


@dataclass
class Result:
    name: str
    latencies: list[float]
    errors: int
    elapsed: float
    cpu: float | None = None  # CPU seconds the server process used meanwhile (Linux)

    @property
    def sent(self) -> int:
        return len(self.latencies) + self.errors

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def drive(name: str, port: int, clicks: Clicks, *, clients: int, seconds: float, rate: float,
          pid: int | None = None) -> Result:  # fmt: skip
    cpu_before = cpu_seconds(pid) if pid else None
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    stop_at = start + seconds
    sequence = itertools.count().__next__  # this run's n-th click is due at start + n / rate

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while True:
            due = start + sequence() / rate if rate else max(start, time.perf_counter())
            if due >= stop_at:
                break
            time.sleep(max(0.0, due - time.perf_counter()))
            body, headers = clicks.body(clicks.next())
            try:
                conn.request("POST", "/slack/events", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            if ok:
                mine.append(time.perf_counter() - due)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = max(time.perf_counter(), stop_at) - start
    cpu_after = cpu_seconds(pid) if pid else None
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Result(name, latencies, errors, elapsed, cpu)


def start(target, started: list, *args) -> tuple[mp.Process, int]:
    """Run `target` in a fresh process (added to `started`); returns it and the port it serves."""
    spawn = mp.get_context("spawn")
    ports = spawn.Queue()
    process = spawn.Process(target=target, args=(*args, ports), daemon=True)
    process.start()
    started.append(process)
    return process, ports.get(timeout=60)


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                   help="PostgreSQL URL to bench in a throwaway schema (default: a SQLite file)")  # fmt: skip
    p.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    p.add_argument("--seconds", type=float, default=5, help="load per app per round (default 5)")
    p.add_argument("--rounds", type=int, default=3,
                   help="interleaved rounds, bare then Lair each round (default 3)")  # fmt: skip
    p.add_argument("--rate", type=float, default=250,
                   help="clicks a second, open loop (default 250); 0 = closed loop, flat out")  # fmt: skip
    p.add_argument("--hidden-tallies", action="store_true",
                   help="hide tallies (default: live, so every vote also feeds chat.update)")  # fmt: skip
    args = p.parse_args(argv)

    backend = "postgresql" if (args.database_url or "").startswith("postgres") else "sqlite"
    print(f"before: {load_average()}")
    with throwaway_database(args.database_url, prefix="votebench") as database_url:
        return run(args, backend, prepare(database_url, live=not args.hidden_tallies))


def run(args, backend: str, round_: Round) -> int:
    processes: list[mp.Process] = []
    try:
        api, api_port = start(run_fake_api, processes)
        api_url = f"http://127.0.0.1:{api_port}/api/"
        bare, bare_port = start(run_bare, processes, api_url)
        lair, lair_port = start(run_lair, processes, round_.database_url, api_url)
        if not wait_until(
            lambda: cards_posted(round_.database_url, round_.challenge_id) == IDEAS, 30
        ):
            raise SystemExit("the idea cards were not posted; is the app running?")

        # Separate click streams: the bare app's clicks must not use up Lair's distinct votes.
        bare_clicks, lair_clicks = Clicks(round_.ideas, api_port), Clicks(round_.ideas, api_port)
        load = dict(clients=args.clients, seconds=args.seconds, rate=args.rate)
        warm = dict(clients=args.clients, seconds=1, rate=args.rate or 0)
        drive("warm-up", bare_port, bare_clicks, **warm)
        acked = [drive("warm-up", lair_port, lair_clicks, **warm)]
        bares: list[Result] = []
        lairs: list[Result] = []
        for _ in range(args.rounds):  # A B A B …: the machine's other work falls on both alike
            bares.append(
                drive("bare Bolt (ack only)", bare_port, bare_clicks, pid=bare.pid, **load)
            )
            lairs.append(drive("Lair vote", lair_port, lair_clicks, pid=lair.pid, **load))
        acked += lairs

        expected = sum(r.sent - r.errors for r in acked)
        # The last replies and card refreshes may still be on their way; votes are not.
        recorded = count_votes(round_.database_url, round_.challenge_id)
        with contextlib.closing(http.client.HTTPConnection("127.0.0.1", api_port)) as conn:
            conn.request("GET", "/")
            api_calls = json.loads(conn.getresponse().read())
        report(args, backend, bares, lairs, expected, recorded, api_calls)
        return 0 if recorded == expected and not any(r.errors for r in lairs) else 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)


def _line(name: str, xs: list[float], digits: int = 1) -> str:
    return (f"{name:26} median {statistics.median(xs):8.{digits}f}   "
            f"min–max {min(xs):.{digits}f}–{max(xs):.{digits}f}")  # fmt: skip


def report(args, backend, bares: list[Result], lairs: list[Result], expected: int,
           recorded: int, api_calls: dict) -> None:  # fmt: skip
    mode = f"open loop at {args.rate:g} clicks/s" if args.rate else "closed loop (flat out)"
    print(f"\nvote_latency: {backend}, {args.clients} clients, {args.rounds} interleaved rounds "
          f"of {args.seconds:g} s per app, {mode}")  # fmt: skip
    print(f"after: {load_average()}")
    print("(a shared machine is noisy: the rounds alternate bare, Lair, bare, Lair …, so the "
          "per-round ratios compare like with like)")  # fmt: skip
    metrics = {
        "p50 ms": lambda r: r.percentile(50),
        "p99 ms": lambda r: r.percentile(99),
        "acked/s": lambda r: r.per_second,
        "CPU ms/request": lambda r: (r.cpu or 0) / max(1, r.sent) * 1000,
    }
    for label, of in metrics.items():
        b, v = [of(r) for r in bares], [of(r) for r in lairs]
        print(_line(f"bare  {label}", b, 2))
        print(_line(f"Lair  {label}", v, 2))
        ratios = [x / y if y else float("inf") for x, y in zip(v, b, strict=True)]
        print(_line(f"Lair/bare {label}", ratios, 2))
    print(f"requests: bare {sum(r.sent for r in bares)}, Lair {sum(r.sent for r in lairs)}; "
          f"errors: bare {sum(r.errors for r in bares)}, Lair {sum(r.errors for r in lairs)}")  # fmt: skip
    print(f"votes in the database: {recorded}, clicks acked: {expected} -> "
          f"{'equal' if recorded == expected else 'MISMATCH'}")  # fmt: skip
    print(f"Web API calls from Lair: {json.dumps(api_calls, sort_keys=True)}")


if __name__ == "__main__":
    sys.exit(main())
