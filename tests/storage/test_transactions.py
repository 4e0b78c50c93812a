"""The CaseTransactions contract, on memory, SQLite and PostgreSQL: all of a change or none."""

from __future__ import annotations

import pytest

from bot.core.messages import Reply
from tests.conftest import Backend


class Crash(Exception):
    """Stands for anything that stops a change half-way."""


async def test_a_change_that_fails_half_way_leaves_nothing_behind(backend: Backend) -> None:
    s = backend.stores
    draft = await s.cases.create("demo-teacher", "holy-cross")
    with pytest.raises(Crash):
        async with s.transactions.begin() as work:
            assert await work.cases.move(draft.number, {"draft"}, "submitted")
            await work.audit.record("case:SMA-0001", "demo-teacher", "submitted")
            await work.outbox.enqueue("case:1:r1:decide:frances", "frances", Reply("Decide"))
            moved = await work.cases.get(draft.number)
            assert moved is not None and moved.status == "submitted"  # seen inside
            raise Crash
    others = backend.reopen()
    case = await others.cases.get(draft.number)
    assert case is not None and case.status == "draft"
    assert await others.audit.history("case:SMA-0001") == []
    assert await others.outbox.pending_for("frances") == []


async def test_a_change_that_ends_is_all_kept_and_a_repeat_key_queues_nothing(
    backend: Backend,
) -> None:
    s = backend.stores
    draft = await s.cases.create("demo-teacher", "holy-cross")
    async with s.transactions.begin() as work:
        assert await work.cases.move(draft.number, {"draft"}, "submitted")
        assert await work.cases.confirm(draft.number, "demo-teacher")
        assert not await work.cases.confirm(draft.number, "demo-teacher")
        await work.audit.record("case:SMA-0001", "demo-teacher", "submitted")
        assert await work.outbox.enqueue("k", "frances", Reply("Decide"))
        assert not await work.outbox.enqueue("k", "frances", Reply("Decide again"))
    others = backend.reopen()
    case = await others.cases.get(draft.number)
    assert case is not None and case.status == "submitted"
    assert list(case.confirmations) == ["demo-teacher"]
    assert [e.action for e in await others.audit.history("case:SMA-0001")] == ["submitted"]
    assert [i.reply.text for i in await others.outbox.pending_for("frances")] == ["Decide"]
