"""The ConfirmationStore contract, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from tests.conftest import Backend


async def test_a_confirmation_is_recorded_once_per_academy_and_year(backend: Backend) -> None:
    store = backend.stores.confirmations
    assert await store.confirmed("holy-cross", 2026) == set()
    firsts = await asyncio.gather(*(store.confirm("holy-cross", 2026, "kate") for _ in range(3)))
    assert sorted(firsts) == [False, False, True]
    assert await store.confirm("holy-cross", 2027, "kate")
    assert await store.confirm("st-marys", 2026, "kate")
    assert await store.confirm("holy-cross", 2026, "jack")
    assert await store.confirmed("holy-cross", 2026) == {"kate", "jack"}
    assert await backend.reopen().confirmations.confirmed("holy-cross", 2027) == {"kate"}
