"""The Inbox contract (memory, SQLite, PostgreSQL): kept once, claimed in order, answered once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.messages import Reply
from bot.model.records import Outgoing
from tests.conftest import Backend, FakeClock

LEASE = timedelta(seconds=30)
HOLD = timedelta(minutes=2)


def event(n: int, who: str = "clara") -> tuple[str, str, str, dict[str, object]]:
    return f"slack:event:Ev{n}", "slack", f"slack:{who}", {"user": who, "n": n}


async def test_an_event_delivered_twice_is_kept_once(backend: Backend) -> None:
    inbox = backend.stores.inbox
    assert await inbox.add_many([event(1), event(2, "agnes")]) == 2
    assert await inbox.add_many([event(1), event(3)]) == 1  # Slack's retry of Ev1
    assert await inbox.waiting() == 3


async def test_a_conversation_is_answered_one_event_at_a_time_in_order(
    backend: Backend, clock: FakeClock
) -> None:
    inbox = backend.stores.inbox
    await inbox.add_many([event(1), event(2), event(3, "agnes"), event(4)])
    first = await inbox.claim(clock(), LEASE)
    assert [i.key for i in first] == ["slack:event:Ev1", "slack:event:Ev3"]
    assert [i.payload for i in first] == [{"user": "clara", "n": 1}, {"user": "agnes", "n": 3}]
    assert await inbox.claim(clock(), LEASE) == []  # Ev2 waits until Ev1 is answered
    await inbox.finish(first[0], [], HOLD)
    [second] = await inbox.claim(clock(), LEASE)
    assert second.key == "slack:event:Ev2"
    assert await inbox.waiting() == 3


async def test_each_platform_claims_only_its_own_events(backend: Backend, clock: FakeClock) -> None:
    inbox = backend.stores.inbox
    teams = ("teams:activity:A1", "teams", "teams:clara", {"user": "clara", "n": 9})
    await inbox.add_many([event(1), teams, event(2, "agnes")])
    assert [i.key for i in await inbox.claim(clock(), LEASE, platform="teams")] == [
        "teams:activity:A1"
    ]
    slack = await inbox.claim(clock(), LEASE, platform="slack")
    assert [i.platform for i in slack] == ["slack", "slack"]


async def test_finishing_queues_the_replies_held_from_delivery_passes(
    backend: Backend, clock: FakeClock
) -> None:
    inbox, outbox = backend.stores.inbox, backend.stores.outbox
    await inbox.add_many([event(1)])
    [item] = await inbox.claim(clock(), LEASE)
    replies = [
        Outgoing("inbox:Ev1:1", "clara-testwell", Reply("quoted")),
        Outgoing("inbox:Ev1:2", "clara-testwell", Reply("more")),
    ]
    queued = await inbox.finish(item, replies, HOLD)
    assert queued is not None
    assert [(q.key, q.reply.text, q.status) for q in queued] == [
        ("inbox:Ev1:1", "quoted", "pending"),
        ("inbox:Ev1:2", "more", "pending"),
    ]
    assert await inbox.waiting() == 0
    assert await outbox.claim_due(clock(), LEASE) == []  # the answering process sends them
    later = await outbox.claim_due(clock() + HOLD, LEASE)
    assert [(i.key, i.maybe_sent) for i in later] == [("inbox:Ev1:1", True), ("inbox:Ev1:2", True)]


async def test_an_event_whose_process_died_is_claimed_again_and_only_the_new_claim_finishes(
    backend: Backend, clock: FakeClock
) -> None:
    inbox, outbox = backend.stores.inbox, backend.stores.outbox
    await inbox.add_many([event(1)])
    [dead] = await inbox.claim(clock(), LEASE)
    assert await inbox.claim(clock() + LEASE - timedelta(seconds=1), LEASE) == []
    [again] = await inbox.claim(clock() + LEASE, LEASE)
    assert (again.key, again.attempts, dead.attempts) == ("slack:event:Ev1", 2, 1)
    late = [Outgoing("inbox:Ev1:1", "clara-testwell", Reply("from the old claim"))]
    assert await inbox.finish(dead, late, HOLD) is None
    assert await outbox.outbox_items() == []  # nothing of the old claim was queued
    assert await inbox.finish(
        again, [Outgoing("inbox:Ev1:1", "clara-testwell", Reply("new"))], HOLD
    )
    assert [i.reply.text for i in await outbox.outbox_items()] == ["new"]
    assert await inbox.finish(again, [], HOLD) is None  # answered once


async def test_processes_claiming_at_once_never_take_the_same_event(
    backend: Backend, clock: FakeClock
) -> None:
    await backend.stores.inbox.add_many([event(n, f"person{n}") for n in range(60)])
    others = [backend.reopen().inbox for _ in range(3)]
    claims = await asyncio.gather(
        *(inbox.claim(clock(), LEASE, limit=10) for inbox in [backend.stores.inbox, *others] * 2)
    )
    keys = [item.key for claim in claims for item in claim]
    assert len(keys) == len(set(keys))
    assert len(keys) == 60


async def test_answered_events_are_forgotten_after_a_while(
    backend: Backend, clock: FakeClock
) -> None:
    inbox = backend.stores.inbox
    await inbox.add_many([event(1), event(2, "agnes")])
    [one, _] = await inbox.claim(clock(), LEASE)
    await inbox.finish(one, [], HOLD)
    assert await inbox.forget_answered(clock()) == 0
    assert await inbox.forget_answered(clock() + timedelta(seconds=1)) == 1
    assert await inbox.waiting() == 1
    assert await inbox.add_many([event(1)]) == 1  # long after: a new event to keep


async def test_a_claimed_batch_is_finished_together_except_an_event_claimed_again(
    backend: Backend, clock: FakeClock
) -> None:
    inbox, outbox = backend.stores.inbox, backend.stores.outbox
    await inbox.add_many([event(1), event(2, "agnes"), event(3, "bernard")])
    [dead] = await inbox.claim(clock(), LEASE, limit=1)  # Ev1's process died
    [again, agnes, bernard] = await inbox.claim(clock() + LEASE, LEASE)
    assert again.key == dead.key
    answers = [
        (dead, [Outgoing("inbox:Ev1:1", "clara-testwell", Reply("from the old claim"))]),
        (
            agnes,
            [
                Outgoing("inbox:Ev2:1", "agnes-example", Reply("a")),
                Outgoing("inbox:Ev2:2", "agnes-example", Reply("b")),
            ],
        ),
        (bernard, []),
    ]
    queued = await inbox.finish_many(answers, HOLD)
    assert {event: [q.reply.text for q in rows] for event, rows in queued.items()} == {
        agnes.id: ["a", "b"],
        bernard.id: [],
    }
    assert [i.reply.text for i in await outbox.outbox_items()] == ["b", "a"]  # newest first
    assert await inbox.waiting() == 1  # Ev1, for its new claim to finish
    assert await inbox.finish_many([(again, [])], HOLD) == {again.id: []}
    assert await inbox.finish_many([(agnes, [])], HOLD) == {}  # answered once
    assert await inbox.waiting() == 0
    assert await inbox.finish_many([], HOLD) == {}


async def test_answering_processes_hear_of_events_kept_by_another(backend: Backend) -> None:
    """On PostgreSQL a process that keeps events wakes the processes answering elsewhere at
    once (they would otherwise find them at their next look, a second later); elsewhere
    nothing is announced and listening ends at once."""
    keeping, answering = backend.stores.inbox, backend.reopen().inbox
    heard = asyncio.Event()
    listening = asyncio.create_task(answering.arrivals(heard.set))
    try:
        if backend.name != "postgresql":
            async with asyncio.timeout(5):
                await listening
            await keeping.announce()
            return
        async with asyncio.timeout(10):
            await heard.wait()  # on listening: whatever was kept before
        heard.clear()
        await keeping.add_many([event(1)])
        await keeping.announce()
        async with asyncio.timeout(10):
            await heard.wait()
    finally:
        listening.cancel()
        await asyncio.gather(listening, return_exceptions=True)
