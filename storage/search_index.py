"""Full-text indexes kept by the database itself: SQLite FTS5, PostgreSQL tsvector.

A `Searchable` names a table and the text columns people search, each with a weight
class (A most important … D least, as PostgreSQL's `setweight`). From it come, per
back end:

- SQLite: an FTS5 external-content table `<table>_fts` (porter stemming, diacritics
  folded) kept in step by three triggers on the table; ranked with `bm25`, the column
  weights matching PostgreSQL's defaults for A–D.
- PostgreSQL: a stored generated column `search_vector` (weighted `to_tsvector('english',
  …)`) with a GIN index `ix_<table>_search`; ranked with `ts_rank`.

The same statements run in a migration (`create_statements`) and after `create_all`
(`attach`, for tests and fresh databases), so both paths build the same index. A table
rebuilt by a later SQLite batch migration loses its triggers: call `create_statements`
again after such a rebuild (tests/storage/test_search_index.py checks the head revision).

Adding a searchable table (e.g. learning updates): one `Searchable`, one migration that
runs its `create_statements`, and one `attach` call in storage/models.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, event

SEARCH_COLUMN = "search_vector"
LANGUAGE = "english"
# PostgreSQL's ts_rank default weights for D, C, B, A (0.1, 0.2, 0.4, 1.0), scaled for bm25.
BM25_WEIGHT = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}


@dataclass(frozen=True)
class Searchable:
    table: str
    columns: tuple[tuple[str, str], ...]  # (column, weight class A–D)
    key: str = "id"

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def gin_index(self) -> str:
        return f"ix_{self.table}_search"

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def bm25(self) -> str:
        """The SQLite ranking expression (lower is better)."""
        weights = ", ".join(f"{BM25_WEIGHT[w]:.1f}" for _, w in self.columns)
        return f"bm25({self.fts}, {weights})"


def _sqlite_create(s: Searchable) -> list[str]:
    cols = ", ".join(s.names)
    new = ", ".join(f"new.{c}" for c in s.names)
    old = ", ".join(f"old.{c}" for c in s.names)
    delete = f"INSERT INTO {s.fts}({s.fts}, rowid, {cols}) VALUES ('delete', old.{s.key}, {old});"
    insert = f"INSERT INTO {s.fts}(rowid, {cols}) VALUES (new.{s.key}, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {s.fts} USING fts5({cols}, content='{s.table}', "
        f"content_rowid='{s.key}', tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {s.fts}_ai AFTER INSERT ON {s.table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {s.fts}_ad AFTER DELETE ON {s.table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {s.fts}_au AFTER UPDATE OF {cols} ON {s.table} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {s.fts}({s.fts}) VALUES ('rebuild')",
    ]


def tsvector_expression(s: Searchable) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{LANGUAGE}'::regconfig, coalesce({c}, '')), '{w}')"
        for c, w in s.columns
    )


def _postgres_create(s: Searchable) -> list[str]:
    return [
        f"ALTER TABLE {s.table} ADD COLUMN IF NOT EXISTS {SEARCH_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({tsvector_expression(s)}) STORED",
        f"CREATE INDEX IF NOT EXISTS {s.gin_index} ON {s.table} USING GIN ({SEARCH_COLUMN})",
    ]


def create_statements(dialect: str, s: Searchable) -> list[str]:
    if dialect == "sqlite":
        return _sqlite_create(s)
    if dialect == "postgresql":
        return _postgres_create(s)
    return []


def drop_statements(dialect: str, s: Searchable) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {s.fts}_{t}" for t in ("ai", "ad", "au")] + [
            f"DROP TABLE IF EXISTS {s.fts}"
        ]
    if dialect == "postgresql":
        return [
            f"DROP INDEX IF EXISTS {s.gin_index}",
            f"ALTER TABLE {s.table} DROP COLUMN IF EXISTS {SEARCH_COLUMN}",
        ]
    return []


def attach(table: Table, s: Searchable) -> None:
    """Build the index whenever `metadata.create_all` creates the table."""

    @event.listens_for(table, "after_create")
    def _create(target, connection, **kw) -> None:
        for statement in create_statements(connection.dialect.name, s):
            connection.exec_driver_sql(statement)

    @event.listens_for(table, "before_drop")
    def _drop(target, connection, **kw) -> None:
        if connection.dialect.name == "sqlite":
            for statement in drop_statements("sqlite", s):
                connection.exec_driver_sql(statement)


def is_index_object(type_: str, name: str | None) -> bool:
    """Whether a reflected table, column or index is one of these indexes (not a model's:
    Alembic's comparison leaves them alone)."""
    if not name:
        return False
    if type_ == "table":
        return any(name == s.fts or name.startswith(f"{s.fts}_") for s in SEARCHABLE)
    if type_ == "column":
        return name == SEARCH_COLUMN
    if type_ == "index":
        return any(name == s.gin_index for s in SEARCHABLE)
    return False


IDEAS = Searchable(
    "idea",
    (("title", "A"), ("theme", "B"), ("problem", "C"), ("proposal", "C"), ("benefit", "D")),
)

# What funded teams learned: found by the words of their learning updates.
LEARNING = Searchable(
    "learning_update",
    (("learned", "B"), ("happened", "C"), ("did", "C"), ("advice", "C")),
)

# Every searchable table; a new source adds its own here (see the module docstring).
SEARCHABLE: list[Searchable] = [IDEAS, LEARNING]
