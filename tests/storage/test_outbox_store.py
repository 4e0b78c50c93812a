"""The Outbox, BulkOutbox and DeliveryQueue contract, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.core.messages import Choice, Reply
from tests.conftest import Backend, FakeClock
from tests.storage.test_store import QUOTED


async def test_enqueue_is_idempotent_by_key(backend: Backend) -> None:
    store = backend.stores.outbox
    assert await store.enqueue("escalation-17", "head@school", QUOTED)
    assert not await store.enqueue("escalation-17", "head@school", Reply("again"))

    [item] = await store.pending_for("head@school")
    assert item.key == "escalation-17"
    assert item.reply == QUOTED
    assert (item.status, item.attempts, item.last_error, item.sent_at) == ("pending", 0, None, None)


async def test_concurrent_enqueues_of_one_key_queue_once(backend: Backend) -> None:
    store = backend.stores.outbox
    # A second engine stands in for a second process sharing the database.
    other = backend.reopen().outbox
    results = await asyncio.gather(
        *(
            (store if i % 2 else other).enqueue("same-key", "head@school", Reply(f"copy {i}"))
            for i in range(10)
        )
    )
    assert sorted(results) == [False] * 9 + [True]
    assert len(await store.pending_for("head@school")) == 1
    assert len(await store.outbox_items()) == 1


async def test_enqueue_many_queues_each_new_key_once(backend: Backend, clock: FakeClock) -> None:
    store = backend.stores.outbox
    tricky = Reply('Overdue: "Year 7" café trip\n\\ back', choices=(Choice("Responded", "r:7"),))
    batch = [("a", "alice", tricky), ("b", "bob", QUOTED), ("a", "alice", Reply("repeated"))]
    assert await store.enqueue_many(batch) == 2
    assert await store.enqueue_many([("b", "bob", Reply("again")), ("c", "carol", Reply("3"))]) == 1

    due = await store.due(clock())
    assert [(i.key, i.recipient, i.reply) for i in due] == [
        ("a", "alice", tricky),
        ("b", "bob", QUOTED),
        ("c", "carol", Reply("3")),
    ]
    assert await store.due(clock() - timedelta(seconds=1)) == []


async def test_racing_bulk_enqueues_queue_each_key_once(backend: Backend) -> None:
    store = backend.stores.outbox
    other = backend.reopen().outbox
    batches = [
        [(f"key-{k}", "head", Reply(f"{k} from {i}")) for k in range(i, 300)] for i in range(6)
    ]
    new = await asyncio.gather(
        *((store if i % 2 else other).enqueue_many(b) for i, b in enumerate(batches))
    )
    assert sum(new) == 300
    assert len(await store.outbox_items(limit=1000)) == 300


async def test_pending_for_is_that_persons_messages_oldest_first(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("1", "alice", Reply("first"))
    clock.advance(seconds=5)
    await store.enqueue("2", "bob", Reply("for bob"))
    await store.enqueue("3", "alice", Reply("second"))
    await store.enqueue("4", "alice", Reply("third"))  # same instant as "second"

    assert [i.reply.text for i in await store.pending_for("alice")] == ["first", "second", "third"]
    assert [i.reply.text for i in await store.pending_for("bob")] == ["for bob"]
    assert await store.pending_for("carol") == []


async def test_sent_messages_are_no_longer_pending(backend: Backend, clock: FakeClock) -> None:
    store = backend.stores.outbox
    await store.enqueue("1", "alice", Reply("one"))
    await store.enqueue("2", "alice", Reply("two"))
    first, _ = await store.pending_for("alice")
    sent_at = clock.advance(seconds=3)
    await store.mark_sent(first.id)

    assert [i.reply.text for i in await store.pending_for("alice")] == ["two"]
    assert [i.reply.text for i in await store.due(clock())] == ["two"]
    newest, oldest = await store.outbox_items()
    assert (newest.reply.text, newest.status) == ("two", "pending")
    assert (oldest.status, oldest.sent_at) == ("sent", sent_at)

    with pytest.raises(LookupError):
        await store.mark_sent(999_999)


async def test_deliveries_are_marked_sent_together(backend: Backend, clock: FakeClock) -> None:
    store = backend.stores.outbox
    for n in range(3):
        await store.enqueue(str(n), "alice", Reply(f"message {n}"))
    first, second, third = await store.pending_for("alice")
    sent_at = clock.advance(seconds=3)
    await store.mark_sent_many([first.id, third.id])
    await store.mark_sent_many([])

    assert [i.reply.text for i in await store.pending_for("alice")] == ["message 1"]
    rows = {i.id: (i.status, i.sent_at) for i in await store.outbox_items()}
    assert rows == {
        first.id: ("sent", sent_at),
        second.id: ("pending", None),
        third.id: ("sent", sent_at),
    }


async def test_failed_delivery_stays_pending_and_backs_off(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("1", "alice", Reply("hello"))
    [item] = await store.due(clock())

    await store.mark_failed(item.id, "Slack said: " + "x" * 1000)
    [failed] = await store.pending_for("alice")
    assert failed.attempts == 1
    assert failed.last_error is not None
    assert failed.last_error.startswith("Slack said: ")
    assert len(failed.last_error) == 500
    start = clock()
    assert await store.due(start + timedelta(seconds=29)) == []
    assert [i.id for i in await store.due(start + timedelta(seconds=30))] == [item.id]

    clock.advance(seconds=30)
    await store.mark_failed(item.id, "timeout")
    assert await store.due(clock() + timedelta(seconds=59)) == []
    [retried] = await store.due(clock() + timedelta(seconds=60))
    assert (retried.attempts, retried.last_error, retried.status) == (2, "timeout", "pending")

    for _ in range(20):
        await store.mark_failed(item.id, "still down")
    assert await store.due(clock() + timedelta(minutes=59)) == []
    assert len(await store.due(clock() + timedelta(hours=1))) == 1


async def test_due_respects_limit_and_waiting_order(backend: Backend, clock: FakeClock) -> None:
    store = backend.stores.outbox
    for n in range(5):
        await store.enqueue(str(n), "alice", Reply(str(n)))
        clock.advance(seconds=1)
    assert [i.reply.text for i in await store.due(clock(), limit=2)] == ["0", "1"]


async def test_cancel_stops_pending_messages_by_key_prefix_with_a_reason(
    backend: Backend,
) -> None:
    store = backend.stores.outbox
    for key in ("alert:1:kate", "alert:1:jack", "alert:12:kate", "other:1:kate", "alert:1:sent"):
        await store.enqueue(key, "kate", Reply(key))
    [sent] = [i for i in await store.pending_for("kate") if i.key == "alert:1:sent"]
    await store.mark_sent(sent.id)

    assert await store.cancel(["alert:1:", "nothing:"], "answered first") == 2
    assert await store.cancel(["alert:1:"], "again") == 0
    assert await store.cancel([], "nothing") == 0
    assert sorted(i.key for i in await store.pending_for("kate")) == [
        "alert:12:kate",
        "other:1:kate",
    ]
    rows = {i.key: i for i in await store.outbox_items()}
    assert (rows["alert:1:kate"].status, rows["alert:1:kate"].last_error) == (
        "cancelled",
        "answered first",
    )
    assert rows["alert:1:sent"].status == "sent"
    assert await store.due(backend.clock()) == [rows["alert:12:kate"], rows["other:1:kate"]]


async def test_cancel_takes_prefixes_literally(backend: Backend) -> None:
    store = backend.stores.outbox
    await store.enqueue("a_b:1", "kate", Reply("underscore"))
    await store.enqueue("axb:1", "kate", Reply("x"))
    await store.enqueue("a%:1", "kate", Reply("percent"))
    assert await store.cancel(["a_b:"], "gone") == 1
    assert await store.cancel(["a%"], "gone") == 1
    assert [i.key for i in await store.pending_for("kate")] == ["axb:1"]


async def test_a_claim_says_whether_an_earlier_attempt_may_have_sent_it(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("never-tried", "head", Reply("one"))
    await store.enqueue("lease-ran-out", "head", Reply("two"))
    await store.enqueue("failed", "head", Reply("three"))
    lease = timedelta(minutes=2)
    claimed = {i.key: i for i in await store.claim_due(clock(), lease)}
    assert not any(i.maybe_sent for i in claimed.values())
    await store.mark_failed(claimed["failed"].id, "slack: chat.postMessage answered 500")
    await store.mark_sent(claimed["never-tried"].id)
    await store.enqueue("new", "head", Reply("four"))

    again = {i.key: i.maybe_sent for i in await store.claim_due(clock.advance(hours=1), lease)}
    assert again == {"new": False, "lease-ran-out": True, "failed": True}
