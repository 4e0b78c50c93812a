"""INSERT with ON CONFLICT, which SQLAlchemy spells per dialect: the one place that picks it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Table
from sqlalchemy.dialects import sqlite

from bot.storage.asyncio_engine import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql


def insert(
    engine: AsyncEngine | AsyncConnection, table: Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into the table that can say what to do ON CONFLICT on this engine's database."""
    if engine.dialect.name == "postgresql":
        # Imported here: SQLite never needs PostgreSQL's dialect, and it is slow to import.
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    return sqlite.insert(table)
