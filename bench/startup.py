"""Start-up: `lair --help` beside `python -c pass`, and start to a healthy /healthz beside a
bare Bolt app on the same waitress settings: `python -m bench.startup`.

    python -m bench.startup [--rounds 7]

Each pair runs interleaved (A B A B …), each run a fresh process; medians and min–max.
`lair web` starts on a fresh SQLite file (migrated once before timing, so A measures a
start, not a first install) against a fake Web API on loopback (it asks auth.test which
workspace its token is for), and is timed from the process's start to its first 200 from
/healthz; so is the bare app. Both are stopped with SIGTERM after each run.
Lair's own modules are compiled to bytecode first, as `pip install .` compiles them (the
bare app's, in site-packages, were compiled when installed); where PYTHONDONTWRITEBYTECODE
is set, an editable checkout would otherwise compile them from source at every start.
"""

import argparse
import compileall
import http.client
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Pair, load_average, report_pair  # noqa: E402
from bench.vote_latency import SECRET, run_fake_api  # noqa: E402

BARE = """
from concurrent.futures import ThreadPoolExecutor
import os
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from bot.slack.server import EVENTS_PATH, wsgi_server

app = App(client=WebClient(token="xoxb-bench", base_url=os.environ["SLACK_API_URL"]),
          signing_secret=os.environ["SLACK_SIGNING_SECRET"], token_verification_enabled=False,
          listener_executor=ThreadPoolExecutor(max_workers=32))
app.action("vote")(lambda ack: ack())
handler = SlackRequestHandler(app, path=EVENTS_PATH)

def wsgi(environ, start_response):
    if environ["PATH_INFO"] == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    return handler(environ, start_response)

wsgi_server(wsgi, host="127.0.0.1", port=int(os.environ["PORT"])).run()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy_after(command: list[str], env: dict, port: int, timeout: float = 60) -> float:
    """Seconds from starting `command` to a 200 from its /healthz."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while time.perf_counter() - started < timeout:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            if process.poll() is not None:
                raise SystemExit(f"{command} exited with {process.returncode}")
            time.sleep(0.005)  # polling a port that is not open yet: not synchronisation
        raise SystemExit(f"{command} was not healthy within {timeout:g} s")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(command: list[str]) -> None:
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=7)
    args = p.parse_args()
    print(f"before: {load_average()}")
    for package in ("bot", "challenges", "storage"):
        compileall.compile_dir(ROOT / package, quiet=1)
    lair = str(Path(sys.executable).with_name("lair"))
    help_pair = Pair()
    run([lair, "--help"])
    for _ in range(args.rounds):
        started = time.perf_counter()
        run([lair, "--help"])
        help_pair.a.append(time.perf_counter() - started)
        started = time.perf_counter()
        run([sys.executable, "-c", "pass"])
        help_pair.b.append(time.perf_counter() - started)
    print("lair --help:")
    report_pair("lair --help", "python -c pass", help_pair, goal="(goal ≤ 0.2 s)")

    ports = mp.get_context("spawn").Queue()
    api = mp.get_context("spawn").Process(target=run_fake_api, args=(ports,), daemon=True)
    api.start()
    try:
        api_url = f"http://127.0.0.1:{ports.get(timeout=60)}/api/"
        with tempfile.TemporaryDirectory(prefix="lair-startup-") as folder:
            base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_"))}
            base.update(SLACK_API_URL=api_url, SLACK_SIGNING_SECRET=SECRET,
                        SLACK_BOT_TOKEN="xoxb-bench", DATABASE_URL=f"sqlite:///{folder}/s.db",
                        PYTHONPATH=str(ROOT))  # fmt: skip
            start_pair = Pair()
            for n in range(args.rounds + 1):  # the first of each is a warm-up
                port = free_port()
                a = healthy_after([lair, "web"], {**base, "PORT": str(port)}, port)
                port = free_port()
                b = healthy_after([sys.executable, "-c", BARE], {**base, "PORT": str(port)}, port)
                if n:
                    start_pair.a.append(a)
                    start_pair.b.append(b)
        print("start to a healthy /healthz:")
        report_pair(
            "lair web (HTTP, SQLite)", "bare Bolt + waitress", start_pair, goal="(goal ≤ 2×)"
        )
    finally:
        api.terminate()
        api.join(timeout=10)
    print(f"after: {load_average()}")


if __name__ == "__main__":
    main()
