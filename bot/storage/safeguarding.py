"""Counts of safeguarding routes (academy, month, how many): on SQL and in memory."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.model.ports import SafeguardingStats
from bot.model.records import RouteCount
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.tables import safeguarding_route
from bot.storage.upsert import insert


class SqlSafeguardingStats:
    """The SafeguardingStats port on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def count_route(self, academy: str | None, month: str) -> None:
        """Add one to the academy's count for the month (YYYY-MM); '' stands for trust-wide."""
        table = safeguarding_route
        statement = insert(self._engine, table).values(academy=academy or "", month=month, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.academy, table.c.month],
            set_={"count": table.c.count + 1},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def route_counts(self) -> list[RouteCount]:
        """Every count, newest month first, then by academy."""
        table = safeguarding_route
        statement = select(table.c.academy, table.c.month, table.c.count).order_by(
            table.c.month.desc(), table.c.academy
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [RouteCount(academy or None, month, count) for academy, month, count in rows]


class MemorySafeguardingStats:
    """The SafeguardingStats port in memory."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()

    async def count_route(self, academy: str | None, month: str) -> None:
        """Add one to the academy's count for the month (YYYY-MM); None stands for trust-wide."""
        self._counts[(academy or "", month)] += 1

    async def route_counts(self) -> list[RouteCount]:
        """Every count, newest month first, then by academy."""
        ordered = sorted(
            self._counts.items(), key=lambda kv: (-int(kv[0][1].replace("-", "")), kv[0][0])
        )
        return [RouteCount(academy or None, month, n) for (academy, month), n in ordered]


if TYPE_CHECKING:

    def _satisfies_protocols(
        sql: SqlSafeguardingStats, memory: MemorySafeguardingStats
    ) -> tuple[SafeguardingStats, SafeguardingStats]:
        return sql, memory
