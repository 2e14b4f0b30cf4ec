"""Vote-button latency and throughput, against a bare Bolt app on the same server stack.

    python bench/vote_latency.py [--database-url URL] [--clients N] [--seconds S] [--rate R]

Starts, each in its own process (so none shares a GIL with another):
  * a fake Slack Web API on 127.0.0.1 (answers chat.update, response_url, … with ok);
  * Lair in HTTP mode (waitress + Bolt, exactly as `lair web` builds it) on a fresh
    database: a SQLite file in a temporary folder, or a throwaway schema in the
    PostgreSQL database given by --database-url (dropped at the end);
  * a bare Bolt app whose only listener acks the same action, behind the same waitress
    settings and the same App options.
Then N client threads send signed `block_actions` Vote clicks to each app in turn for
S seconds. Clicks follow a fixed schedule of R a second (open loop, as real clicks
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
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout too

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
                body.update(user_id="UBOT", bot_id="BBOT", team_id="T1")
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):  # the bench asks for the call counts at the end
            payload = json.dumps(calls).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

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
    from bot.slack.server import make_server

    settings = Settings(_env_file=None, slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                        slack_api_url=api_url, database_url=database_url,
                        lair_coordinators=COORDINATOR)  # fmt: skip
    runtime = build_runtime(settings, outbox_interval=0.5)
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
    drop: callable


def fresh_database(url: str | None) -> tuple[str, callable]:
    from sqlalchemy import text

    from storage import make_engine, normalise_url

    if not url:
        folder = tempfile.mkdtemp(prefix="lair-bench-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    if not normalise_url(url).startswith("postgresql"):
        return url, lambda: None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{normalise_url(url)}{sep}options=-csearch_path%3D{schema}", drop


def prepare(url: str | None, *, live: bool) -> Round:
    from challenges import ideas, setup, workspaces
    from challenges.context import Context
    from challenges.inputs import ChallengeDraft, IdeaDraft
    from challenges.transitions import advance
    from storage import Database
    from storage.enums import Platform
    from storage.migrate import upgrade

    database_url, drop = fresh_database(url)
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
    return Round(database_url, challenge.id, made, drop)


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
            "type": "block_actions", "team": {"id": "T1", "domain": "bench"}, "api_app_id": "A1",
            "token": "legacy", "user": {"id": user, "username": user.lower(), "team_id": "T1"},
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
    p.add_argument("--seconds", type=float, default=10, help="load per app (default 10)")
    p.add_argument("--rate", type=float, default=250,
                   help="clicks a second, open loop (default 250); 0 = closed loop, flat out")  # fmt: skip
    p.add_argument("--hidden-tallies", action="store_true",
                   help="hide tallies (default: live, so every vote also feeds chat.update)")  # fmt: skip
    args = p.parse_args(argv)

    backend = "postgresql" if (args.database_url or "").startswith("postgres") else "sqlite"
    round_ = prepare(args.database_url, live=not args.hidden_tallies)
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

        clicks = Clicks(round_.ideas, api_port)
        load = dict(clients=args.clients, seconds=args.seconds, rate=args.rate)
        warm = dict(clients=args.clients, seconds=1, rate=args.rate or 0)
        drive("warm-up", bare_port, clicks, **warm)
        bare_result = drive("bare Bolt (ack only)", bare_port, clicks, pid=bare.pid, **load)
        clicks.next = itertools.count().__next__  # Lair's votes: start from the first voter
        warm_lair = drive("warm-up", lair_port, clicks, **warm)
        lair_result = drive("Lair vote", lair_port, clicks, pid=lair.pid, **load)

        expected = warm_lair.sent - warm_lair.errors + lair_result.sent - lair_result.errors
        recorded = count_votes(round_.database_url, round_.challenge_id)
        with contextlib.closing(http.client.HTTPConnection("127.0.0.1", api_port)) as conn:
            conn.request("GET", "/")
            api_calls = json.loads(conn.getresponse().read())
        report(args, backend, bare_result, lair_result, expected, recorded, api_calls)
        return 0 if recorded == expected and not lair_result.errors else 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        round_.drop()


def report(args, backend, bare: Result, lair: Result, expected: int, recorded: int,
           api_calls: dict) -> None:  # fmt: skip
    mode = f"open loop at {args.rate:g} clicks/s" if args.rate else "closed loop (flat out)"
    print(f"\nvote_latency: {backend}, {args.clients} clients, {args.seconds:g} s each, {mode}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'':24} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8} {'per s':>8} "
          f"{'CPU ms/req':>10}")  # fmt: skip
    for r in (bare, lair):
        cpu = f"{r.cpu / max(1, r.sent) * 1000:10.2f}" if r.cpu is not None else f"{'n/a':>10}"
        print(f"{r.name:24} {r.sent:9d} {r.errors:7d} {r.percentile(50):8.1f} "
              f"{r.percentile(99):8.1f} {r.per_second:8.1f} {cpu}")  # fmt: skip
    print(f"p99 ratio Lair/bare: {lair.percentile(99) / bare.percentile(99):.2f} (goal ≤ 1.5); "
          f"p50 ratio: {lair.percentile(50) / bare.percentile(50):.2f}")  # fmt: skip
    print(
        f"votes/s: {lair.per_second:.1f} (goal ≥ 200); mean {statistics.fmean(lair.latencies) * 1000:.1f} ms"
    )
    print(f"votes in the database: {recorded}, clicks acked: {expected} -> "
          f"{'equal' if recorded == expected else 'MISMATCH'}")  # fmt: skip
    print(f"Web API calls from Lair: {json.dumps(api_calls, sort_keys=True)}")


if __name__ == "__main__":
    sys.exit(main())
