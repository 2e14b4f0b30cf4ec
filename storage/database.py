"""Engine and transactions. The caller that owns an operation opens one transaction for it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "lair_read_only"  # an execution option: this transaction only reads
# A pooled PostgreSQL connection idle longer than this is pinged before it is used again (a
# server restart or a dropped idle connection is found then); one in steady use is not, so a
# busy path (a vote) does not pay a round trip for the check on every checkout.
PING_AFTER_IDLE_SECONDS = 30.0


def normalise_url(url: str) -> str:
    """Accept Heroku-style `postgres://` and plain `postgresql://`; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"), echo=echo)
    # Statement parameters (e.g. who voted for which idea) never reach logs or error text.
    engine = create_engine(url, echo=echo, hide_parameters=True, pool_size=10, max_overflow=20)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """SQLAlchemy's `pool_pre_ping` pings on every checkout: a round trip per transaction.
    Ping only a connection that has sat idle in the pool, as the pool's documented custom
    "pessimistic" handling does: a dead one is replaced (DisconnectionError makes the pool
    retry with a fresh connection). A connection lost while in use (e.g. a server restart
    within the idle time) fails that one operation, and SQLAlchemy then replaces every
    connection the pool held: not retried, since its commit may have happened."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            # The ping began a transaction (the driver's implicit BEGIN): end it, so that the
            # connection is handed out idle. Left open, a read could not be set READ ONLY (nor
            # a snapshot its isolation): psycopg refuses to change either in a transaction.
            # COMMIT, not ROLLBACK, which would make psycopg forget its prepared statements.
            dbapi_conn.commit()
        except Exception as exc:
            raise DisconnectionError(f"an idle connection was lost ({type(exc).__name__})") from exc


def _sqlite_engine(url: str, *, in_memory: bool, echo: bool) -> Engine:
    kwargs: dict = {
        # Statement parameters (e.g. who voted for which idea) never reach logs or error text.
        "hide_parameters": True,
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    }
    if in_memory:
        # One shared connection so every thread sees the same in-memory database.
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, echo=echo, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # BEGIN IMMEDIATE takes SQLite's single write lock up front, so two writers
        # queue on busy_timeout instead of deadlocking when a read upgrades to a write.
        # A transaction that only reads (Database.read) begins deferred and takes no lock:
        # in WAL mode it reads a snapshot and neither waits for writers nor holds them up.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


class Database:
    """The engine plus the one way to run an operation: a transaction that commits or rolls back whole."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # SQLite has one writer at a time, and every transaction here is a writer (BEGIN
        # IMMEDIATE). Threads of this process queue for it on a lock rather than in
        # SQLite's busy handler, which polls with sleeps of up to 100 ms and turns a
        # burst of small transactions into long waits. Other processes on the same file
        # still meet the busy timeout.
        self._writer = threading.RLock() if engine.dialect.name == "sqlite" else nullcontext()
        # Reads go through the same pool, marked: SQLite begins them deferred (no write
        # lock); PostgreSQL runs them READ ONLY.
        self._reader = engine.execution_options(
            **{READ_ONLY: True},
            **({"postgresql_readonly": True} if engine.dialect.name == "postgresql" else {}),
        )
        # psycopg forgets every statement it has prepared when a transaction rolls back,
        # so PostgreSQL would plan each statement of every read afresh; a READ ONLY
        # transaction that ends with COMMIT changes nothing and keeps them prepared.
        self._commit_reads = engine.dialect.name == "postgresql"
        # A snapshot (see `snapshot`): on PostgreSQL a read at REPEATABLE READ, whose
        # snapshot is taken at its first statement and kept to its end (READ COMMITTED, the
        # default, takes one per statement). A SQLite read is one snapshot already.
        self._snapshotter = (
            self._reader.execution_options(isolation_level="REPEATABLE READ")
            if engine.dialect.name == "postgresql"
            else self._reader
        )
        # An in-memory SQLite database is one connection shared by every thread: a read
        # must not begin on it while a write is under way, so there reads queue too.
        self._read_guard = self._writer if isinstance(engine.pool, StaticPool) else nullcontext()

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @contextmanager
    def transaction(self, *, info: dict | None = None) -> Iterator[Session]:
        """A session in one transaction; `info` is left on `session.info` for the caller's use."""
        with self._writer, Session(self.engine, expire_on_commit=False) as session:
            session.info.update(info or {})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self, *, info: dict | None = None) -> Iterator[Session]:
        """A transaction that only reads, rolled back at the end (on PostgreSQL, READ ONLY
        and committed: see `_commit_reads`). It never waits for the in-process writer lock,
        and on SQLite takes no database lock either."""
        with self._reading(self._reader, info) as session:
            yield session

    @contextmanager
    def snapshot(self, *, info: dict | None = None) -> Iterator[Session]:
        """A read (see `read`) in which every statement sees the same committed state: one
        snapshot of the database, from its first statement to its end. On PostgreSQL it
        runs at REPEATABLE READ; on SQLite (WAL) a deferred read transaction is one snapshot
        already, as long as everything is read through this session (its one connection),
        not from a transaction of its own. Like `read`, it holds no lock a writer needs."""
        with self._reading(self._snapshotter, info) as session:
            yield session

    @contextmanager
    def _reading(self, bind: Engine, info: dict | None) -> Iterator[Session]:
        with self._read_guard, Session(bind, expire_on_commit=False) as session:
            session.info.update(info or {})
            try:
                yield session
                if self._commit_reads:
                    session.commit()
            finally:
                # Ends the transaction (the pool rolls back what is still open) and detaches
                # what was read, as loaded: a rollback would expire it, unusable after the block.
                session.close()

    def run(
        self, operation: Callable[[Session], T], *, attempts: int = 5, info: dict | None = None
    ) -> T:
        """Run `operation` in a transaction, retrying serialisation failures and deadlocks."""

        def once() -> T:
            with self.transaction(info=info) as session:
                return operation(session)

        return _retrying(once, attempts, DBAPIError)

    @contextmanager
    def raw(self) -> Iterator[tuple[str, object]]:
        """(dialect name, the pool's DBAPI connection) for a hand-written hot path (a vote):
        no ORM session, no statement building. On SQLite it is one BEGIN IMMEDIATE
        transaction under the in-process writer lock, committed at the end (rolled back on
        an error); on PostgreSQL it is in autocommit, for a single statement that is its own
        transaction (e.g. a stored function's call): one round trip, no BEGIN or COMMIT."""
        dialect = self.engine.dialect.name
        with self._writer:
            fairy = self.engine.raw_connection()
            try:
                conn = fairy.driver_connection
                if dialect == "sqlite":
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield dialect, conn
                        conn.execute("COMMIT")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                else:
                    conn.autocommit = True
                    try:
                        yield dialect, conn
                    finally:
                        conn.autocommit = False
            except BaseException as exc:
                if self._lost(exc, fairy.driver_connection):
                    fairy.invalidate(exc)  # the pool will not hand it out again
                raise
            finally:
                fairy.close()

    def run_raw(self, operation: Callable[[str, object], T], *, attempts: int = 5) -> T:
        """`operation(dialect, connection)` under `raw()`, retried like `run`. (Not a lost
        connection: a call in autocommit may have committed before the answer was lost, and
        must not run twice.)"""

        def once() -> T:
            with self.raw() as (dialect, conn):
                return operation(dialect, conn)

        return _retrying(once, attempts, Exception)  # the driver's own errors

    def _lost(self, error: BaseException, conn) -> bool:
        """A driver error that means the connection is gone (the dialect's own test)."""
        dbapi = self.engine.dialect.loaded_dbapi
        return isinstance(error, dbapi.Error) and self.engine.dialect.is_disconnect(
            error, conn, None
        )

    def dispose(self) -> None:
        self.engine.dispose()


def _retrying(once: Callable[[], T], attempts: int, errors: type[Exception]) -> T:
    """`once()`, again (up to `attempts` in all) while it raises one of `errors` that is a
    serialisation failure, a deadlock or SQLite's lock: each means nothing was written."""
    for attempt in range(1, attempts + 1):
        try:
            return once()
        except errors as exc:
            error = (
                exc.orig if isinstance(exc, DBAPIError) else exc
            )  # SQLAlchemy's, or the driver's
            if attempt == attempts or not _retryable(error):
                raise
            log.info("retrying transaction after %s (attempt %d)", type(error).__name__, attempt)
            time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def _retryable(error: BaseException | None) -> bool:
    code = getattr(error, "sqlstate", None)
    if code in ("40001", "40P01"):  # serialization_failure, deadlock_detected
        return True
    return "database is locked" in str(error)
