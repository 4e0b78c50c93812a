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


async def test_upgrading_keeps_the_ids_of_cases_already_sent_and_gives_new_ones_after(
    db_url: str, clock: FakeClock
) -> None:
    import sqlalchemy
    from alembic import command

    from bot.storage.database import alembic_config, sync_url, upgrade
    from tests.conftest import sql_stores

    def at_0006_with_two_cases() -> None:
        engine = sqlalchemy.create_engine(sync_url(db_url))
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
            for status in ("submitted", "draft"):
                connection.execute(
                    sqlalchemy.text(
                        "INSERT INTO business_case (requester, status, answers, created_at, "
                        "updated_at) VALUES ('dana', :status, '{}', :now, :now)"
                    ),
                    {"status": status, "now": clock.now},
                )
        engine.dispose()

    await asyncio.to_thread(at_0006_with_two_cases)
    await upgrade(db_url)
    stores = sql_stores(db_url, clock)
    try:
        sent = await stores.cases.by_reference(1)
        assert sent is not None and (sent.number, sent.id) == (1, "SMA-0001")
        draft = await stores.cases.get(2)
        assert draft is not None and draft.id == "Draft 2"
        assert await stores.cases.give_reference(2) == 2
        third = await stores.cases.create("jack", None)
        assert await stores.cases.give_reference(third.number) == 3
        assert await stores.cases.give_reference(third.number) == 3  # given once
    finally:
        await stores.close()


async def test_ids_are_given_on_submission_in_order_never_twice(backend: Backend) -> None:
    store = backend.stores.cases
    drafts = [await store.create("dana", None) for _ in range(4)]
    assert all(d.reference is None and d.id.startswith("Draft ") for d in drafts)
    given = await asyncio.gather(*(store.give_reference(d.number) for d in drafts[1:]))
    assert sorted(given) == [1, 2, 3]
    assert await store.give_reference(drafts[2].number) == given[1]
    found = await store.by_reference(given[0])
    assert found is not None and found.number == drafts[1].number
    assert await store.by_reference(9) is None
