"""Apply Alembic migrations from code (at start-up and by `lair db upgrade`).

A database already at the newest revision is recognised without Alembic: the newest
revision is read from the migration files' `revision` / `down_revision` lines, and the
database's from `alembic_version`. Alembic (~0.5 s to import and load the scripts) is
only loaded when there is something to do, so an ordinary start does not pay for it.
"""

import re
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

MIGRATIONS = Path(__file__).parent / "migrations"
_LINE = re.compile(r"^(revision|down_revision)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|None)\s*$", re.M)


def alembic_config(engine: Engine):
    import sys

    from alembic.config import Config

    # The stream Alembic reports to, as it is now: Config's default is sys.stdout as it was
    # when alembic.config was first imported, which (now that Alembic loads only when a
    # schema needs it) may be a stream closed since, such as a finished test's capture.
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return cfg


def head_revision() -> str | None:
    """The newest revision, from the files alone: the one no other names as its parent."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {m[0]: m[1] or m[2] or None for m in _LINE.findall(path.read_text())}
        if found.get("revision"):
            revisions.add(found["revision"])
            parents.add(found.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None  # several heads: let Alembic decide


def is_current(engine: Engine) -> bool:
    """The database is at the newest revision (False if unsure: Alembic then checks)."""
    head = head_revision()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return versions.scalars().all() == [head]
    except DBAPIError:
        return False  # no alembic_version table yet: a new database


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and is_current(engine):
        return
    from alembic import command

    cfg = alembic_config(engine)
    with engine.connect() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
        connection.commit()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
