"""Per-person conversation state on the `conversation_state` table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.model.ports import ConversationStore
from bot.model.records import Clock
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.tables import conversation_state
from bot.storage.upsert import insert


class SqlConversations:
    """The ConversationStore port on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def load_state(self, person_id: str) -> dict[str, Any]:
        """The saved state, or {} when there is none."""
        async with self._engine.connect() as connection:
            state = await connection.scalar(
                select(conversation_state.c.state).where(
                    conversation_state.c.person_id == person_id
                )
            )
        return dict(state) if state else {}

    async def save_state(self, person_id: str, state: dict[str, Any]) -> None:
        """Replace the saved state."""
        new = insert(self._engine, conversation_state).values(
            person_id=person_id, state=state, updated_at=self._clock()
        )
        statement = new.on_conflict_do_update(
            index_elements=[conversation_state.c.person_id],
            set_={"state": new.excluded.state, "updated_at": new.excluded.updated_at},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlConversations) -> ConversationStore:
        return store
