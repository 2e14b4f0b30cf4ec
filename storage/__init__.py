"""Persistence: SQLModel tables, the engine, transactions and migrations. No business rules."""

from storage.database import Database, make_engine, normalise_url

__all__ = ["Database", "make_engine", "normalise_url"]
