"""Alembic environment: runs on the connection Lair hands it (see storage/migrate.py)."""

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage import search_index

target_metadata = SQLModel.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from storage.database import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as conn:
            _migrate(conn)
        engine.dispose()
    else:
        _migrate(connection)


def _include(obj, name, type_, reflected, compare_to) -> bool:
    """Tables outside Lair's models are not Lair's to migrate: slack_sdk's installation and
    OAuth-state stores create and keep their own (bot/slack/oauth.py). The full-text
    indexes (storage/search_index.py) are kept by their own statements, not by models."""
    if search_index.is_index_object(type_, name):
        return False
    return not (type_ == "table" and name.startswith("slack_"))


def _migrate(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite rebuilds a table to alter it; with foreign keys enforced, dropping the old
        # copy of a referenced table would fail. Off for the migration (outside any
        # transaction, where the pragma takes effect), checked and back on after it.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        raw = connection.connection.driver_connection
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        raw.execute("PRAGMA foreign_keys=ON")
        if broken:
            raise RuntimeError(f"migration left rows without their parents: {broken[:5]}")


run()
