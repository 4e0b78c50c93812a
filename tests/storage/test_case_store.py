"""The CaseStore contract, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from tests.conftest import Backend, FakeClock


async def test_a_case_goes_from_draft_to_a_single_decision(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.cases
    draft = await store.create("dana", None)
    assert (draft.status, draft.academy, draft.answers, draft.confirmations) == (
        "draft",
        None,
        {},
        {},
    )
    assert draft.created_at == draft.updated_at == clock()
    answers = {"platform": "Instagram", "runners": ["jack", "kate"]}
    clock.advance(minutes=5)
    await store.save_answers(draft.number, "holy-cross", answers)
    answers["runners"].append("not saved")
    saved = await store.get(draft.number)
    assert saved is not None
    assert (saved.academy, saved.runners, saved.updated_at) == (
        "holy-cross",
        ["jack", "kate"],
        clock(),
    )

    assert not await store.move(draft.number, {"submitted"}, "cancelled")
    assert await store.move(draft.number, {"draft", "changes_requested"}, "submitted")
    decided = await asyncio.gather(
        store.decide(draft.number, "approved", "frances", "fine"),
        store.decide(draft.number, "rejected", "gregory", None),
    )
    assert sorted(decided) == [False, True]
    final = await backend.reopen().cases.get(draft.number)
    assert final is not None
    assert (final.status, final.decided_by, final.decided_at) == ("approved", "frances", clock())
    assert await store.get(draft.number + 1000) is None


async def test_confirmations_are_kept_once_and_cases_listed_newest_first(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.cases
    first = await store.create("dana", "holy-cross")
    second = await store.create("eve", "st-marys")
    third = await store.create("dana", None)
    assert await store.confirm(first.number, "jack")
    assert not await store.confirm(first.number, "jack")
    assert [c.number for c in await store.all()] == [third.number, second.number, first.number]
    mine = await store.of_requester("dana")
    assert [c.number for c in mine] == [third.number, first.number]
    assert mine[1].confirmations == {"jack": clock()}
    assert await store.of_requester("nobody") == []
