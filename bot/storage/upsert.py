"""INSERT with ON CONFLICT, which SQLAlchemy spells per dialect: the one place that picks it."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


def insert(
    engine: AsyncEngine | AsyncConnection, table: Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into the table that can say what to do ON CONFLICT on this engine's database."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
