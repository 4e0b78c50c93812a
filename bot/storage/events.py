"""Ids of inbound platform events on the `inbound_event` table, so a redelivery is seen."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.model.ports import EventLog
from bot.model.records import Clock
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.connecting import one_statement
from bot.storage.tables import inbound_event
from bot.storage.upsert import insert

KEY_LENGTH = 255
"""Longer keys are cut to this, as the column holds no more."""


class SqlEvents:
    """The EventLog port on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def first_time(self, key: str) -> bool:
        """Record the key; False when it was recorded before (a retry or a duplicate)."""
        statement = (
            insert(self._engine, inbound_event)
            .values(key=key[:KEY_LENGTH], received_at=self._clock())
            .on_conflict_do_nothing(index_elements=[inbound_event.c.key])
            .returning(inbound_event.c.key)
        )
        async with one_statement(self._engine) as connection:
            return await connection.scalar(statement) is not None

    async def forget_events(self, before: datetime) -> int:
        """Delete the keys recorded before then, long after any redelivery; how many went."""
        statement = inbound_event.delete().where(inbound_event.c.received_at < before)
        async with one_statement(self._engine) as connection:
            result = await connection.execute(statement)
        return result.rowcount


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlEvents) -> EventLog:
        return store
