"""How platforms reach people later, on the `conversation_reference` table."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.model.ports import ReferenceStore
from bot.model.records import Clock
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.tables import conversation_reference
from bot.storage.upsert import insert


class SqlReferences:
    """The ReferenceStore port on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def save_reference(
        self,
        person_id: str,
        platform: str,
        reference: dict[str, Any],
        keep_for: timedelta | None = None,
    ) -> None:
        """Store or replace the person's reference on that platform; with `keep_for`, it may be
        forgotten once that long has passed (kept for good otherwise)."""
        now = self._clock()
        new = insert(self._engine, conversation_reference).values(
            person_id=person_id,
            platform=platform,
            reference=reference,
            updated_at=now,
            expires_at=now + keep_for if keep_for else None,
        )
        statement = new.on_conflict_do_update(
            index_elements=[conversation_reference.c.person_id, conversation_reference.c.platform],
            set_={
                "reference": new.excluded.reference,
                "updated_at": new.excluded.updated_at,
                "expires_at": new.excluded.expires_at,
            },
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def load_reference(self, person_id: str, platform: str) -> dict[str, Any] | None:
        """The stored reference, or None."""
        async with self._engine.connect() as connection:
            reference = await connection.scalar(
                select(conversation_reference.c.reference).where(
                    conversation_reference.c.person_id == person_id,
                    conversation_reference.c.platform == platform,
                )
            )
        return dict(reference) if reference else None

    async def forget_expired_references(self, now: datetime) -> int:
        """Delete the references whose time is up; how many went."""
        statement = conversation_reference.delete().where(conversation_reference.c.expires_at < now)
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return result.rowcount


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlReferences) -> ReferenceStore:
        return store
