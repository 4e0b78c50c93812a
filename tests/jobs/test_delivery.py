"""Outbox delivery: due messages reach people through the platform that knows them, once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.core.messages import Reply
from bot.jobs.delivery import LEASE, deliver_due
from bot.model.directory import Person
from bot.model.records import Address, DeliveryError
from bot.settings import Settings, SettingsError
from tests.conftest import Backend, FakeClock
from tests.helpers import demo_directory


class Recorder:
    """A Sender that records what it was asked to send; fails while `down` is set.

    Like Slack, it remembers the outbox key of everything it showed, and answers
    `already_delivered` from that, recording each time it was asked.
    """

    name = "recorder"

    def __init__(self, known: set[str]) -> None:
        self.known = known
        self.sent: list[tuple[str, str]] = []
        self.shown: set[str] = set()
        self.asked: list[str] = []
        self.down: str | None = None

    async def reaches(self, person: Person) -> bool:
        return person.id in self.known

    async def send(
        self, person: Person, reply: Reply, key: str, address: Address | None = None
    ) -> None:
        await asyncio.sleep(0)
        if self.down:
            raise DeliveryError(self.down)
        self.sent.append((person.id, reply.text))
        self.shown.add(key)

    async def already_delivered(
        self, person: Person, key: str, since: datetime, address: Address | None = None
    ) -> bool:
        self.asked.append(key)
        return key in self.shown


async def test_a_due_message_is_sent_once_and_marked_sent(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("k1", "agnes-example", Reply("Please approve case SMA-1"))
    platform = Recorder({"agnes-example"})
    report = await deliver_due(store, demo_directory(), [platform], clock())
    again = await deliver_due(store, demo_directory(), [platform], clock.advance(hours=1))
    assert platform.sent == [("agnes-example", "Please approve case SMA-1")]
    assert (report.sent, again.sent) == (1, 0)
    assert (await store.outbox_items())[0].status == "sent"


async def test_a_failure_keeps_the_message_with_its_reason_and_retries_later(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("k1", "agnes-example", Reply("Reminder"))
    platform = Recorder({"agnes-example"})
    platform.down = "slack said: ratelimited"
    assert (await deliver_due(store, demo_directory(), [platform], clock())).failed == 1
    item = (await store.outbox_items())[0]
    assert (item.status, item.last_error) == ("pending", "slack said: ratelimited")
    platform.down = None
    assert (await deliver_due(store, demo_directory(), [platform], clock())).sent == 0
    clock.advance(minutes=5)
    assert (await deliver_due(store, demo_directory(), [platform], clock())).sent == 1


async def test_someone_no_platform_reaches_is_not_skipped_silently(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("k1", "kate-mockett", Reply("Reminder"))
    await deliver_due(store, demo_directory(), [Recorder(set())], clock())
    item = (await store.outbox_items())[0]
    assert item.status == "pending"
    assert item.last_error and "no platform reaches kate-mockett" in item.last_error


async def test_two_deliverers_at_once_send_each_message_once(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    for n in range(10):
        await store.enqueue(f"k{n}", "agnes-example", Reply(f"message {n}"))
    platform = Recorder({"agnes-example"})
    await asyncio.gather(
        deliver_due(store, demo_directory(), [platform], clock()),
        deliver_due(store, demo_directory(), [platform], clock()),
    )
    assert sorted(text for _, text in platform.sent) == sorted(f"message {n}" for n in range(10))


async def test_a_claim_expires_so_a_crashed_sender_does_not_lose_the_message(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("k1", "agnes-example", Reply("Reminder"))
    assert len(await store.claim_due(clock(), timedelta(minutes=2))) == 1
    assert await store.claim_due(clock.advance(minutes=1), timedelta(minutes=2)) == []
    assert len(await store.claim_due(clock.advance(minutes=2), timedelta(minutes=2))) == 1


async def test_a_message_posted_by_a_sender_that_died_is_not_posted_again(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("k1", "agnes-example", Reply("Please approve case SMA-1"))
    await store.enqueue("k2", "agnes-example", Reply("Please approve case SMA-2"))
    platform = Recorder({"agnes-example"})
    # A process claims both, posts the first and dies before recording anything.
    [first, _] = await store.claim_due(clock(), timedelta(minutes=2))
    agnes = demo_directory().person("agnes-example")
    assert agnes is not None
    await platform.send(agnes, first.reply, first.key)
    report = await deliver_due(store, demo_directory(), [platform], clock.advance(minutes=3))
    assert platform.sent == [
        ("agnes-example", "Please approve case SMA-1"),
        ("agnes-example", "Please approve case SMA-2"),
    ]
    assert (report.found, report.sent) == (1, 1)
    assert {i.status for i in await store.outbox_items()} == {"sent"}


async def test_a_first_attempt_does_not_ask_the_platform_what_it_already_has(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    for n in range(3):
        await store.enqueue(f"k{n}", "agnes-example", Reply(f"message {n}"))
    platform = Recorder({"agnes-example"})
    assert (await deliver_due(store, demo_directory(), [platform], clock())).sent == 3
    assert platform.asked == []


async def test_a_retry_after_a_failure_looks_first_then_sends(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.outbox
    await store.enqueue("k1", "agnes-example", Reply("Reminder"))
    platform = Recorder({"agnes-example"})
    platform.down = "slack: chat.postMessage answered 500"
    await deliver_due(store, demo_directory(), [platform], clock())
    platform.down = None
    report = await deliver_due(store, demo_directory(), [platform], clock.advance(minutes=5))
    assert (report.sent, platform.asked, platform.sent) == (
        1,
        ["k1"],
        [("agnes-example", "Reminder")],
    )


def test_the_lease_and_the_delivery_interval_are_settings() -> None:
    settings = Settings.from_env({"OUTBOX_LEASE_SECONDS": "5", "DELIVERY_INTERVAL_SECONDS": "0.5"})
    assert (settings.outbox_lease, settings.delivery_interval) == (timedelta(seconds=5), 0.5)
    default = Settings.from_env({})
    assert (default.outbox_lease, default.delivery_interval) == (LEASE, 5.0)
    with pytest.raises(SettingsError, match="OUTBOX_LEASE_SECONDS='0': use a whole number"):
        Settings.from_env({"OUTBOX_LEASE_SECONDS": "0"})
    with pytest.raises(SettingsError, match="DELIVERY_INTERVAL_SECONDS='soon': use a number"):
        Settings.from_env({"DELIVERY_INTERVAL_SECONDS": "soon"})
