"""Durable state: open forms, dispatch keys and the runs being tracked.

`Store` is the interface every caller types against; `open_store(DATABASE_URL)` picks
the backend: SQLite (one process) or Postgres (several replicas sharing the work).
"""

from __future__ import annotations

from bot.models import FormContext, TrackedRun
from bot.storage.base import Store
from bot.storage.migrations import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "FormContext", "Store", "TrackedRun", "open_store"]


async def open_store(database_url: str) -> Store:
    """Open the store `database_url` names (`sqlite:///…` or `postgresql://…`)."""
    if database_url.startswith(("postgresql://", "postgres://")):
        from bot.storage.postgres import PostgresStore  # asyncpg is only needed here

        return await PostgresStore.connect(database_url)
    from bot.storage.sqlite import SqliteStore

    return await SqliteStore.open_file(database_url.removeprefix("sqlite:///"))
