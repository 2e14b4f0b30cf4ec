"""What every benchmark shares: interleaved A/B rounds, medians with min–max, the load
average, a throwaway database of the benchmark's own, and a child process's peak RSS.

The machine these run on is shared, so a single timing says little. Every comparison
here runs A and B in alternation (A B A B …) within one run, so whatever else the machine
is doing falls on both alike; the ratio is the ratio of the medians, and each side's
min–max is printed beside it so the noise is visible.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def spread(xs: list[float], *, scale: float = 1.0, digits: int = 3, unit: str = "s") -> str:
    """`median 1.234 s (min 1.1, max 1.5)`."""
    m, lo, hi = (x * scale for x in (statistics.median(xs), min(xs), max(xs)))
    return f"median {m:.{digits}f} {unit} (min {lo:.{digits}f}, max {hi:.{digits}f})"


@dataclass
class Pair:
    """Timings of A and B over interleaved rounds."""

    a: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """A ÷ B, the ratio of the medians."""
        return statistics.median(self.a) / statistics.median(self.b)

    def ratios(self) -> list[float]:
        """Each round's A ÷ B (the rounds are adjacent in time, so comparable)."""
        return [a / b for a, b in zip(self.a, self.b, strict=True)]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def interleave(a: Callable[[], object], b: Callable[[], object], rounds: int, *,
               warm_up: bool = True) -> Pair:  # fmt: skip
    """Run A then B, `rounds` times (one untimed warm-up of each first)."""
    if warm_up:
        a()
        b()
    pair = Pair()
    for _ in range(rounds):
        pair.a.append(timed(a))
        pair.b.append(timed(b))
    return pair


def report_pair(
    label_a: str, label_b: str, pair: Pair, *, goal: str = "", ms: bool = False
) -> None:
    """`ms`: times in milliseconds, for what takes well under one."""
    unit = {"scale": 1000, "digits": 2, "unit": "ms"} if ms else {}
    print(f"  A  {label_a:34} {spread(pair.a, **unit)}")
    print(f"  B  {label_b:34} {spread(pair.b, **unit)}")
    rs = pair.ratios()
    print(f"  A/B {pair.ratio:.2f}× (ratio of medians over {len(pair.a)} interleaved rounds; "
          f"per round min {min(rs):.2f}×, max {max(rs):.2f}×){'   ' + goal if goal else ''}")  # fmt: skip


@contextmanager
def throwaway_database(url: str | None, *, prefix: str = "bench") -> Iterator[str]:
    """A URL to an empty database that this benchmark created and alone drops: a SQLite file
    in a temporary folder, or a fresh schema in the PostgreSQL database `url` names (the
    schema is dropped at the end; nothing else in that database is touched)."""
    from sqlalchemy import text

    from storage import make_engine, normalise_url

    if not url:
        with tempfile.TemporaryDirectory(prefix=f"lair-{prefix}-") as folder:
            yield f"sqlite:///{folder}/{prefix}.db"
        return
    url = normalise_url(url)
    if not url.startswith("postgresql"):
        raise SystemExit("--database-url: a PostgreSQL URL (SQLite runs on a fresh file)")
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench_context(url: str, coordinator: str):
    """A migrated database at `url`, and a context acting in a Slack workspace installed
    there, with `coordinator` as a coordinator. Returns (database, context)."""
    from challenges import workspaces
    from challenges.context import Context
    from storage import Database
    from storage.enums import Platform
    from storage.migrate import upgrade

    db = Database.from_url(url)
    upgrade(db.engine)
    ctx = Context(db=db, coordinators=frozenset({coordinator}))
    return db, ctx.in_workspace(workspaces.install(ctx, Platform.SLACK, "T0001", "Council").id)


def child_peak_rss(args: list[str]) -> tuple[int, float]:
    """Run `python args…` from the repository root as a child process that ends by calling
    `print_own_peak_rss()`; return its peak resident set size in bytes (everything the
    process held, not only the Python heap) and its wall time. Fails if the child fails.

    The child reports its own high-water mark (VmHWM), which starts afresh at exec: the
    kernel's ru_maxrss for a child would include the parent's size at fork."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed with {done.returncode}:\n{done.stderr}")
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(_PEAK)]
    return int(lines[-1].removeprefix(_PEAK)), elapsed


_PEAK = "peak-rss-bytes "


def print_own_peak_rss() -> None:
    """For a child of `child_peak_rss`: this process's peak RSS so far."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print(f"{_PEAK}{int(line.split()[1]) * 1024}", flush=True)
            return
    print(f"{_PEAK}{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}", flush=True)
