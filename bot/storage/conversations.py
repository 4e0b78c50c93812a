"""Per-person conversation state on the `conversation_state` table.

Loads and saves made at once (a batch of events being answered) are coalesced: one SELECT for
the loads, one transaction for the saves (see bot.storage.coalescing)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from bot.model.ports import ConversationStore
from bot.model.records import Clock
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.coalescing import Coalescing
from bot.storage.connecting import one_statement, reading
from bot.storage.tables import conversation_state
from bot.storage.upsert import insert

State = dict[str, Any]


_STATES = select(conversation_state.c.person_id, conversation_state.c.state).where(
    conversation_state.c.person_id.in_(bindparam("people", expanding=True))
)
"""These people's saved states (built once: read for every batch answered)."""


class SqlConversations:
    """The ConversationStore port on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._loading = Coalescing(self._load_many)
        self._saving: Coalescing[tuple[str, State], None] = Coalescing(self._save_many)
        new = insert(engine, conversation_state)
        self._upsert = new.on_conflict_do_update(
            index_elements=[conversation_state.c.person_id],
            set_={"state": new.excluded.state, "updated_at": new.excluded.updated_at},
        )

    async def load_state(self, person_id: str) -> State:
        """The saved state, or {} when there is none."""
        return await self._loading(person_id)

    async def save_state(self, person_id: str, state: State) -> None:
        """Replace the saved state."""
        # A copy: the caller may change its dict before the batch's statement runs.
        await self._saving((person_id, copy.deepcopy(state)))

    async def _load_many(self, person_ids: Sequence[str]) -> list[State]:
        people = {"people": sorted(set(person_ids))}
        async with reading(self._engine) as connection:
            saved = {row.person_id: row.state for row in await connection.execute(_STATES, people)}
        states: list[State] = []
        for n, person_id in enumerate(person_ids):
            state = saved.get(person_id) or {}
            # Each caller gets its own state, even when one person was asked for twice.
            states.append(copy.deepcopy(state) if person_id in person_ids[:n] else dict(state))
        return states

    async def _save_many(self, states: Sequence[tuple[str, State]]) -> list[None]:
        now = self._clock()
        newest = dict(states)  # a person saved twice in one batch: the later state
        rows = [{"person_id": p, "state": s, "updated_at": now} for p, s in newest.items()]
        async with one_statement(self._engine) as connection:
            await connection.execute(self._upsert, rows)
        return [None] * len(states)


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlConversations) -> ConversationStore:
        return store
