"""Answering from the inbox: each kept event answered once, in order, its replies sent at once.

The core is replaced by a respondent that echoes, so what is tested is the inbox's promise:
replies reach the person in the order they wrote, a failure is met with an apology rather than
silence, and replies the platform would not take are left to the outbox to retry.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.core.messages import Reply
from bot.jobs.answering import MAX_ATTEMPTS, Answered, Answering, Intake
from bot.jobs.delivery import deliver_due
from tests.conftest import Backend, FakeClock
from tests.helpers import demo_directory
from tests.jobs.test_delivery import Recorder

LEASE = timedelta(seconds=30)
HOLD = timedelta(minutes=2)
PEOPLE = ("agnes-example", "bernard-sample", "clara-testwell")


class Echo:
    """A respondent answering 'you said: …' twice, as the directory person named in the event;
    it fails on the text 'boom' and tells strangers off without queueing anything."""

    name = "test"

    def __init__(self) -> None:
        self.apologies: list[str] = []
        self.strangers: list[str] = []

    async def respond(self, payload: dict[str, Any]) -> Answered | None:
        await asyncio.sleep(0)  # others' answers interleave, as with a real core
        if payload["text"] == "boom":
            raise RuntimeError("the core failed")
        person = demo_directory().person(payload["user"])
        if person is None:
            self.strangers.append(payload["user"])
            return None
        said = payload["text"]
        return Answered(person, [Reply(f"you said: {said}"), Reply(f"(that was {said})")])

    async def apologise(self, payload: dict[str, Any]) -> None:
        self.apologies.append(payload["user"])


def event(n: int, user: str, text: str) -> tuple[str, str, str, dict[str, Any]]:
    return f"test:Ev{n}", "test", f"test:{user}", {"user": user, "text": text}


def answering(backend: Backend, clock: FakeClock, echo: Echo, sender: Recorder) -> Answering:
    stores = backend.stores
    return Answering(stores.inbox, echo, sender, stores.outbox, clock, lease=LEASE, hold=HOLD)


async def test_every_event_is_answered_once_each_person_in_the_order_they_wrote(
    backend: Backend, clock: FakeClock
) -> None:
    echo, slack = Echo(), Recorder(set(PEOPLE))
    events = [event(n, PEOPLE[n % 3], f"message {n}") for n in range(12)]
    await backend.stores.inbox.add_many(events)
    assert await answering(backend, clock, echo, slack).drain() == 12
    assert await answering(backend, clock, echo, slack).drain() == 0
    for person in PEOPLE:
        said = [text for who, text in slack.sent if who == person]
        numbers = [n for n in range(12) if PEOPLE[n % 3] == person]
        assert said == [
            t for n in numbers for t in (f"you said: message {n}", f"(that was message {n})")
        ]
    rows = await backend.stores.outbox.outbox_items(limit=100)
    assert len(rows) == 24 and {r.status for r in rows} == {"sent"}
    assert await backend.stores.inbox.waiting() == 0


async def test_a_failure_while_answering_is_met_with_an_apology_not_silence(
    backend: Backend, clock: FakeClock
) -> None:
    echo, slack = Echo(), Recorder(set(PEOPLE))
    await backend.stores.inbox.add_many(
        [event(1, "clara-testwell", "boom"), event(2, "guest", "hi")]
    )
    await answering(backend, clock, echo, slack).drain()
    assert (echo.apologies, echo.strangers, slack.sent) == (["clara-testwell"], ["guest"], [])
    assert await backend.stores.inbox.waiting() == 0


async def test_an_event_met_by_the_database_briefly_down_is_answered_on_a_later_claim(
    backend: Backend, clock: FakeClock
) -> None:
    echo, slack = Echo(), Recorder(set(PEOPLE))
    await backend.stores.inbox.add_many(
        [event(1, "clara-testwell", "boom"), event(2, "agnes-example", "hello")]
    )
    stores = backend.stores
    down = Answering(
        *(stores.inbox, echo, slack, stores.outbox, clock),
        lease=LEASE,
        hold=HOLD,
        passing=lambda exc: isinstance(exc, RuntimeError),  # as a connection cut would be
    )
    await down.drain()
    assert (echo.apologies, slack.sent[0]) == ([], ("agnes-example", "you said: hello"))
    assert await stores.inbox.waiting() == 1  # not closed: left to its lease
    assert not await stores.inbox.claim(clock(), LEASE)  # still held by the failed claim
    clock.advance(seconds=LEASE.total_seconds())
    await answering(backend, clock, echo, slack).drain()  # the "boom" fails for good now
    assert echo.apologies == ["clara-testwell"]
    assert await stores.inbox.waiting() == 0


async def test_replies_posted_as_the_database_drops_a_connection_are_still_recorded_as_sent(
    backend: Backend, clock: FakeClock
) -> None:
    """Otherwise the outbox posts them again once their hold runs out, and a private answer,
    which can't be looked for, shows twice."""
    echo, slack = Echo(), Recorder(set(PEOPLE))
    stores = backend.stores
    await stores.inbox.add_many([event(1, "clara-testwell", "hello")])
    marking = stores.outbox.mark_sent_many
    cuts = [RuntimeError("connection cut")]

    async def cut_once(ids: list[int]) -> None:
        if cuts:
            raise cuts.pop()
        await marking(ids)

    stores.outbox.mark_sent_many = cut_once  # type: ignore[method-assign]
    cut = Answering(
        *(stores.inbox, echo, slack, stores.outbox, clock),
        lease=LEASE,
        hold=HOLD,
        passing=lambda exc: isinstance(exc, RuntimeError),  # as a connection cut would be
    )
    await cut.drain()
    assert not cuts  # the connection was cut as the replies were marked
    rows = await stores.outbox.outbox_items(limit=10)
    assert [r.status for r in rows] == ["sent", "sent"]


async def test_an_event_that_keeps_killing_its_process_is_given_up_with_an_apology(
    backend: Backend, clock: FakeClock
) -> None:
    inbox = backend.stores.inbox
    await inbox.add_many([event(1, "clara-testwell", "hello")])
    for _ in range(MAX_ATTEMPTS):  # each claim dies with its process
        assert await inbox.claim(clock(), LEASE)
        clock.advance(seconds=LEASE.total_seconds())
    echo, slack = Echo(), Recorder(set(PEOPLE))
    await answering(backend, clock, echo, slack).drain()
    assert (echo.apologies, slack.sent) == (["clara-testwell"], [])


async def test_replies_the_platform_would_not_take_are_retried_by_the_outbox(
    backend: Backend, clock: FakeClock
) -> None:
    echo, slack = Echo(), Recorder(set(PEOPLE))
    slack.down = "slack: ratelimited"
    await backend.stores.inbox.add_many([event(1, "clara-testwell", "hello")])
    await answering(backend, clock, echo, slack).drain()
    assert slack.sent == [] and await backend.stores.inbox.waiting() == 0
    slack.down = None
    clock.advance(minutes=5)
    await deliver_due(backend.stores.outbox, demo_directory(), [slack], clock())
    assert slack.sent == [
        ("clara-testwell", "you said: hello"),
        ("clara-testwell", "(that was hello)"),
    ]


@pytest.mark.parametrize("writers", [1, 4])
async def test_events_arriving_together_are_kept_in_few_writes_and_each_waits_for_its_own(
    backend: Backend, writers: int
) -> None:
    writes: list[int] = []
    inbox = backend.stores.inbox
    add_many = inbox.add_many

    async def counted(events: Any) -> int:
        writes.append(len(events))
        return await add_many(events)

    inbox.add_many = counted  # type: ignore[method-assign]
    nudged: list[bool] = []
    intake = Intake(inbox, lambda: nudged.append(True), writers)
    await asyncio.gather(*(intake.keep(event(n, "clara-testwell", "hi")) for n in range(50)))
    assert await inbox.waiting() == 50
    assert sum(writes) == 50 and len(writes) < 50 and nudged


async def test_an_event_that_could_not_be_kept_is_not_acknowledged(backend: Backend) -> None:
    async def down(events: Any) -> int:
        raise ConnectionError("database unavailable")

    backend.stores.inbox.add_many = down  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await Intake(backend.stores.inbox).keep(event(1, "clara-testwell", "hi"))
