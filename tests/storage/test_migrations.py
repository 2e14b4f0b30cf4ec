"""The Alembic history builds exactly the tables the models describe, on each back end."""

from alembic import command
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage import Database, search_index
from storage.migrate import alembic_config, current_revision, upgrade


def test_migrations_match_models(database_url):
    db = Database.from_url(database_url)
    upgrade(db.engine)
    assert current_revision(db.engine) is not None
    tables = {
        t
        for t in inspect(db.engine).get_table_names()
        if not search_index.is_index_object("table", t)
    } - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)
    cfg = alembic_config(db.engine)
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises if models and migrations differ
    upgrade(db.engine)  # idempotent
    db.dispose()


def test_sqlite_pragmas(tmp_path):
    db = Database.from_url(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()


def test_postgres_urls_are_normalised():
    from storage import normalise_url

    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///lair.db") == "sqlite:///lair.db"


def test_the_newest_revision_is_read_from_the_files_as_alembic_reads_it(database_url):
    """Start-up skips Alembic when the database is current (storage/migrate.py): that
    needs the same head as Alembic's, and a database not yet current still migrates."""
    from alembic.script import ScriptDirectory

    from storage.migrate import head_revision, is_current

    db = Database.from_url(database_url)
    assert (
        head_revision() == ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
    )
    assert not is_current(db.engine)  # empty: no alembic_version
    upgrade(db.engine, "0001")
    assert not is_current(db.engine)
    upgrade(db.engine)
    assert is_current(db.engine) and current_revision(db.engine) == head_revision()
    db.dispose()
