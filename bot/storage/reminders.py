"""Staff confirmations of reading the policy, on the `policy_confirmation` table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.model.ports import ConfirmationStore
from bot.model.records import Clock
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.tables import policy_confirmation
from bot.storage.upsert import insert


class SqlConfirmations:
    """The ConfirmationStore port on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def confirm(self, academy: str, year: int, person_id: str) -> bool:
        """Record that the person read the policy that year; False when already recorded."""
        statement = (
            insert(self._engine, policy_confirmation)
            .values(academy=academy, year=year, person_id=person_id, confirmed_at=self._clock())
            .on_conflict_do_nothing()
            .returning(policy_confirmation.c.person_id)
        )
        async with self._engine.begin() as connection:
            return await connection.scalar(statement) is not None

    async def confirmed(self, academy: str, year: int) -> set[str]:
        """Person ids of everyone who confirmed for that academy and year."""
        statement = select(policy_confirmation.c.person_id).where(
            policy_confirmation.c.academy == academy, policy_confirmation.c.year == year
        )
        async with self._engine.connect() as connection:
            return set((await connection.scalars(statement)).all())


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlConfirmations) -> ConfirmationStore:
        return store
