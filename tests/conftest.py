"""Shared fixtures: a fresh database per test, on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL."""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from challenges.context import Context
from storage import Database, make_engine, normalise_url
from storage.enums import Platform

COORDINATOR = "UCOORD0001"
TEAM_ID = "T0001"  # the fake Slack's team (bot/sandbox)
BACKENDS = ["sqlite", "postgres"]


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None):
        self.moment = start or datetime(2027, 1, 11, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


@pytest.fixture(autouse=True, scope="session")
def _no_developer_dotenv():
    """Settings read `.env` from the working directory: a developer's holds real tokens and
    would change what a test sees. In this process no Settings reads one; a subprocess is
    started in a temporary directory (tests/test_no_dotenv.py checks)."""
    from bot.config import Settings

    Settings.model_config["env_file"] = None
    yield


def _postgres_base() -> str | None:
    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A URL to an empty database of its own: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lair-test.db'}"
        return
    base = _postgres_base()
    if not base:
        pytest.skip("TEST_DATABASE_URL not set: PostgreSQL suite skipped")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{normalise_url(base)}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def db(database_url):
    database = Database.from_url(database_url)
    SQLModel.metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def workspace(db) -> int:
    """The Slack workspace the tests' people act in."""
    from challenges import workspaces

    system = Context(db=db)
    return workspaces.install(system, Platform.SLACK, TEAM_ID, "Council").id


@pytest.fixture
def ctx(db, clock, workspace):
    return Context(
        db=db, coordinators=frozenset({COORDINATOR}), clock=clock, workspace_id=workspace
    )
