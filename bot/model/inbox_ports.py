"""The inbox's port: inbound events kept from their acknowledgement until answered.

Protocols only, like bot/model/ports.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.model.records import InboxItem, OutboxItem, Outgoing


class Inbox(Protocol):
    """Inbound events kept from their acknowledgement until answered: nothing acknowledged is
    lost when a process dies, and nothing is answered twice."""

    async def add_many(self, events: Sequence[tuple[str, str, str, dict[str, Any]]]) -> int:
        """Keep (key, platform, conversation, payload) events; a key already there is skipped.
        Returns how many were new."""
        ...

    async def announce(self) -> None:
        """Tell processes answering elsewhere that events were just kept (PostgreSQL's NOTIFY);
        nothing where no other process listens (they look every few seconds anyway)."""
        ...

    async def arrivals(self, wake: Callable[[], None]) -> None:
        """Call `wake` whenever another process announces kept events, until cancelled; return
        at once where nothing is announced."""
        ...

    async def claim(
        self, now: datetime, lease: timedelta, limit: int = 32, platform: str | None = None
    ) -> list[InboxItem]:
        """Events due for an answer, each leased to this caller until now + lease, oldest first;
        at most one per conversation, and none while an earlier one of its conversation waits.
        `platform`: only that platform's events (each platform answers its own)."""
        ...

    async def finish(
        self, item: InboxItem, replies: Sequence[Outgoing], hold: timedelta
    ) -> list[OutboxItem] | None:
        """In one transaction: mark the event answered, drop its payload, and queue its replies
        in the outbox, held from delivery passes for `hold` (the caller sends them now). None,
        and nothing queued, when the claim is no longer this one's."""
        ...

    async def finish_many(
        self, answers: Sequence[tuple[InboxItem, Sequence[Outgoing]]], hold: timedelta
    ) -> dict[int, list[OutboxItem]]:
        """`finish` for many (event, replies) at once, in one transaction: the queued rows of
        each event finished, by event id. An event whose claim is no longer this one's is left
        out, and nothing of it queued."""
        ...

    async def waiting(self) -> int:
        """How many events are not answered yet."""
        ...

    async def forget_answered(self, before: datetime) -> int:
        """Delete events answered before then (their keys guard against late redelivery)."""
        ...
