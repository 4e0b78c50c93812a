"""The account register, the audit trail, inbound event ids and stored chat references."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from tests.apps import HISTORY
from tests.conftest import Backend, FakeClock


async def test_an_account_is_registered_once_and_found_by_handle(backend: Backend) -> None:
    register = backend.stores.register
    assert HISTORY.id == "holy-cross-x-twitter-holycrosshistory"
    assert await register.add(HISTORY) is True
    assert await register.add(replace(HISTORY, handle="@Other")) is False
    assert await register.find("holycrosshistory") == HISTORY
    assert await register.find("@HolyCrossHistory ") == HISTORY
    assert await register.find(HISTORY.id) == HISTORY
    assert await register.find("@SomethingElse") is None
    assert await register.all("st-marys") == []
    removed = await register.change_runners(HISTORY.id, lambda rs: rs[1:])
    assert removed == ("kate-mockett",)
    restarted = backend.reopen().register
    assert (await restarted.all())[0].runners == ("kate-mockett",)


async def test_runner_changes_at_the_same_moment_are_all_kept(backend: Backend) -> None:
    register = backend.stores.register
    await register.add(HISTORY)
    await asyncio.gather(
        register.change_runners(HISTORY.id, lambda rs: (*rs, "demo-teacher")),
        register.change_runners(HISTORY.id, lambda rs: tuple(r for r in rs if r != "kate-mockett")),
        register.change_runners(HISTORY.id, lambda rs: (*rs, "helen-proxy")),
    )
    account = await register.get(HISTORY.id)
    assert account and sorted(account.runners) == ["demo-teacher", "helen-proxy", "jack-sampleton"]


async def test_a_redelivered_event_is_seen_as_a_duplicate(backend: Backend) -> None:
    store = backend.stores.events
    firsts = await asyncio.gather(*(store.first_time("slack:Ev123") for _ in range(5)))
    assert sorted(firsts) == [False, False, False, False, True]
    assert await store.first_time("slack:Ev124") is True


async def test_references_are_kept_per_person_and_platform(backend: Backend) -> None:
    store = backend.stores.references
    assert await store.load_reference("kate-mockett", "teams") is None
    await store.save_reference("kate-mockett", "teams", {"conversation": {"id": "a"}})
    await store.save_reference("kate-mockett", "teams", {"conversation": {"id": "b"}})
    assert await store.load_reference("kate-mockett", "teams") == {"conversation": {"id": "b"}}
    assert await store.load_reference("kate-mockett", "slack") is None


async def test_the_audit_trail_keeps_who_did_what_and_when_in_order(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.audit
    await store.record("case:SMA-0001", "dana", "submitted")
    clock.advance(hours=2)
    await store.record("case:SMA-0001", "frances-dummy", "approved", {"note": "fine"})
    await store.record("case:SMA-0002", "dana", "submitted")
    events = await store.history("case:SMA-0001")
    assert [(e.actor, e.action, e.detail) for e in events] == [
        ("dana", "submitted", {}),
        ("frances-dummy", "approved", {"note": "fine"}),
    ]
    assert events[1].at - events[0].at == timedelta(hours=2)
