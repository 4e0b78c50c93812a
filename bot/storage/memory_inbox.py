"""The Inbox port in memory, finishing into a MemoryOutbox, for tests and `policybot chat`."""

from __future__ import annotations

import copy
import itertools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.model.records import Clock, InboxItem, OutboxItem, Outgoing
from bot.storage.inbox import KEY_LENGTH
from bot.storage.memory import MemoryOutbox, utc

if TYPE_CHECKING:
    from bot.model.inbox_ports import Inbox


@dataclass(slots=True)
class _Event:
    item: InboxItem
    status: str
    claimed_until: datetime
    answered_at: datetime | None = None


class MemoryInbox:
    """The Inbox port in memory: the same rules as the SQL inbox, in one process."""

    def __init__(self, clock: Clock, outbox: MemoryOutbox) -> None:
        self._clock = clock
        self._outbox = outbox
        self._events: dict[str, _Event] = {}
        self._ids = itertools.count(1)

    async def announce(self) -> None:
        """Nothing: no other process shares this inbox."""

    async def arrivals(self, wake: Callable[[], None]) -> None:
        """Nothing to listen for: no other process shares this inbox."""

    async def add_many(self, events: Sequence[tuple[str, str, str, dict[str, Any]]]) -> int:
        """Keep (key, platform, conversation, payload) events; returns how many were new."""
        now, new = utc(self._clock()), 0
        for key, platform, conversation, payload in events:
            key = key[:KEY_LENGTH]
            if key in self._events:
                continue
            kept = copy.deepcopy(payload)
            item = InboxItem(next(self._ids), key, platform, conversation[:KEY_LENGTH], kept, 0, "")
            self._events[key] = _Event(item, "pending", now)
            new += 1
        return new

    async def claim(
        self, now: datetime, lease: timedelta, limit: int = 32, platform: str | None = None
    ) -> list[InboxItem]:
        """Due events, each leased until now + lease; at most one per conversation."""
        now, token = utc(now), uuid.uuid4().hex
        waiting = sorted(
            (
                e
                for e in self._events.values()
                if e.status == "pending" and platform in (None, e.item.platform)
            ),
            key=lambda e: e.item.id,
        )
        first_of: dict[str, _Event] = {}
        for event in waiting:
            first_of.setdefault(event.item.conversation, event)
        claimed: list[InboxItem] = []
        for event in sorted(first_of.values(), key=lambda e: e.item.id):
            if event.claimed_until <= now and len(claimed) < limit:
                item = event.item
                event.item = replace(item, attempts=item.attempts + 1, claim=token)
                event.claimed_until = now + lease
                claimed.append(event.item)
        return claimed

    async def finish(
        self, item: InboxItem, replies: Sequence[Outgoing], hold: timedelta
    ) -> list[OutboxItem] | None:
        """Mark the event answered and queue its replies, held for `hold`."""
        return (await self.finish_many([(item, replies)], hold)).get(item.id)

    async def finish_many(
        self, answers: Sequence[tuple[InboxItem, Sequence[Outgoing]]], hold: timedelta
    ) -> dict[int, list[OutboxItem]]:
        """`finish` for each (event, replies): the queued rows of each event finished."""
        now = utc(self._clock())
        finished: dict[int, list[OutboxItem]] = {}
        for item, replies in answers:
            event = self._events.get(item.key)
            if event is None or event.status != "pending" or event.item.claim != item.claim:
                continue
            event.status, event.answered_at = "answered", now
            event.item = replace(event.item, payload={})
            finished[item.id] = await self._outbox.enqueue_held(replies, now + hold)
        return finished

    async def waiting(self) -> int:
        """How many events are not answered yet."""
        return sum(e.status == "pending" for e in self._events.values())

    async def forget_answered(self, before: datetime) -> int:
        """Delete events answered before then."""
        before = utc(before)
        gone = [
            key
            for key, e in self._events.items()
            if e.answered_at is not None and e.answered_at < before
        ]
        for key in gone:
            del self._events[key]
        return len(gone)


if TYPE_CHECKING:

    def _satisfies_protocol(store: MemoryInbox) -> Inbox:
        return store
