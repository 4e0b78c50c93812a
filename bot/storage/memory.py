"""The core's ports in memory, with the SQL stores' semantics: for tests and trying the bot.

Each store keeps its rows in plain Python containers. A method makes all its changes before
its first await (it has none), so on one event loop each call is as atomic as a transaction.
Timestamps are checked and normalised as the database's UTCDateTime does, and JSON documents
are copied through JSON, so what comes back is what the database would give.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.messages import Reply, reply_from_json, reply_to_json
from bot.model.ports import (
    AuditTrail,
    ConversationStore,
    Database,
    EventLog,
    OutboxStore,
    QuestionLog,
    ReferenceStore,
)
from bot.model.records import (
    Address,
    AuditEvent,
    Clock,
    DeclinedQuestion,
    OutboxItem,
    Outgoing,
    UnhelpfulAnswer,
)
from bot.storage.events import KEY_LENGTH
from bot.storage.outbox import MAX_ERROR_LENGTH, retry_delay
from bot.storage.questions import question_key


def utc(value: datetime) -> datetime:
    """The instant as aware UTC; a naive datetime is refused, as the database refuses it."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware")
    return value.astimezone(UTC)


def as_json(document: Any) -> Any:
    """A fresh copy of a JSON document, as reading it back from the database gives."""
    return json.loads(json.dumps(document))


class MemoryConversations:
    """The ConversationStore port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._states: dict[str, Any] = {}

    async def load_state(self, person_id: str) -> dict[str, Any]:
        """The saved state, or {} when there is none."""
        return dict(as_json(self._states.get(person_id) or {}))

    async def save_state(self, person_id: str, state: dict[str, Any]) -> None:
        """Replace the saved state."""
        utc(self._clock())
        self._states[person_id] = as_json(state)


class MemoryQuestions:
    """The FeedbackStore and GapStore ports (a QuestionLog) in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.votes: list[tuple[str, str, str | None, bool, datetime, str | None]] = []
        self._declined: list[DeclinedRow] = []

    async def add_feedback(
        self,
        person_id: str,
        clause_id: str,
        intent_id: str | None,
        helpful: bool,
        question: str | None = None,
    ) -> None:
        """Record one vote, with the (redacted) question it answered when known."""
        at = utc(self._clock())
        self.votes.append((person_id, clause_id, intent_id, helpful, at, question))

    async def top_unhelpful(self, limit: int = 20) -> list[UnhelpfulAnswer]:
        """Not-helpful votes grouped by clause and question: most frequent, then most recent."""
        groups: dict[tuple[str, str | None], list[int]] = {}
        for n, (_, clause, _, helpful, _, question) in enumerate(self.votes):
            if not helpful:
                key = (clause, question_key(question) if question else None)
                groups.setdefault(key, []).append(n)
        latest = sorted(
            ((len(rows), self.votes[rows[-1]][4], rows[-1]) for rows in groups.values()),
            reverse=True,
        )
        return [
            UnhelpfulAnswer(self.votes[n][5], self.votes[n][1], times, last)
            for times, last, n in latest[:limit]
        ]

    async def add_declined(self, text: str) -> None:
        """Record one declined question."""
        at = utc(self._clock())
        self._declined.append((len(self._declined) + 1, question_key(text), text, at))

    @property
    def declined(self) -> list[DeclinedRow]:
        """Every declined question as recorded: (id, key, text, when)."""
        return list(self._declined)

    async def top_declined(self, limit: int = 20) -> list[DeclinedQuestion]:
        """Declined questions grouped by key: most frequent first, then most recent."""
        return group_declined(self._declined)[:limit]


DeclinedRow = tuple[int, str, str, datetime]
"""One declined question in memory: (id, grouping key, text, when)."""


def group_declined(declined: Sequence[DeclinedRow]) -> list[DeclinedQuestion]:
    """Declined questions grouped by key, each shown by its latest text: most frequent first,
    then most recent, as the SQL store orders them."""
    groups: dict[str, list[DeclinedRow]] = {}
    for row in declined:
        groups.setdefault(row[1], []).append(row)
    summaries = [
        (len(rows), max(r[3] for r in rows), max(rows, key=lambda r: r[0]))
        for rows in groups.values()
    ]
    summaries.sort(key=lambda s: (s[0], s[1], s[2][0]), reverse=True)
    return [DeclinedQuestion(latest[2], times, last) for times, last, latest in summaries]


@dataclass(slots=True)
class _Message:
    """One outbox row, changed in place as the database would update it."""

    id: int
    key: str
    recipient: str
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    address: Address | None = None

    def item(self) -> OutboxItem:
        """The row as the port returns it."""
        return OutboxItem(
            self.id,
            self.key,
            self.recipient,
            reply_from_json(self.payload),
            self.status,
            self.attempts,
            self.last_error,
            self.created_at,
            self.sent_at,
            address=None if self.address is None else json.loads(json.dumps(self.address)),
        )


class MemoryOutbox:
    """The Outbox, BulkOutbox and DeliveryQueue ports (an OutboxStore) in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._messages: dict[int, _Message] = {}
        self._keys: set[str] = set()

    async def enqueue(self, key: str, recipient: str, reply: Reply) -> bool:
        """Queue a message; False (and nothing queued) when the key is already there."""
        return self._add(key, recipient, reply, now=utc(self._clock())) > 0

    async def enqueue_many(self, messages: Sequence[tuple[str, str, Reply]]) -> int:
        """Queue (key, recipient, reply) messages in bulk; returns how many keys were new."""
        if not messages:
            return 0
        now = utc(self._clock())
        return sum(self._add(key, to, reply, now=now) > 0 for key, to, reply in messages)

    async def enqueue_held(self, messages: Sequence[Outgoing], until: datetime) -> list[OutboxItem]:
        """Queue messages no delivery pass takes before `until`; returns the new rows."""
        now, until = utc(self._clock()), utc(until)
        new = [n for m in messages if (n := self._add(*m, now=now, due=until))]
        return [self._messages[number].item() for number in new]

    def _add(
        self,
        key: str,
        recipient: str,
        reply: Reply,
        address: Address | None = None,
        *,
        now: datetime,
        due: datetime | None = None,
    ) -> int:
        """The new row's id, or 0 when the key is already there."""
        if key in self._keys:
            return 0
        self._keys.add(key)
        number = len(self._messages) + 1
        payload = reply_to_json(reply)
        where = None if address is None else json.loads(json.dumps(address))
        self._messages[number] = _Message(
            number, key, recipient, payload, "pending", 0, None, due or now, now, None, where
        )
        return number

    async def pending_for(self, recipient: str) -> list[OutboxItem]:
        """Messages still waiting for this person, oldest first."""
        waiting = [
            m for m in self._messages.values() if m.recipient == recipient and m.status == "pending"
        ]
        return [m.item() for m in sorted(waiting, key=lambda m: (m.created_at, m.id))]

    async def due(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Pending messages whose next attempt is due at `now`, longest waiting first."""
        return [m.item() for m in self._due(now, limit)]

    def _due(self, now: datetime, limit: int) -> list[_Message]:
        now = utc(now)
        due = [
            m for m in self._messages.values() if m.status == "pending" and m.next_attempt_at <= now
        ]
        return sorted(due, key=lambda m: (m.next_attempt_at, m.id))[:limit]

    async def claim_due(self, now: datetime, lease: timedelta, limit: int = 50) -> list[OutboxItem]:
        """Pending messages due at `now`, each leased until now + lease to this caller."""
        claimed = []
        for message in self._due(now, limit):
            tried = message.attempts > 0 or message.next_attempt_at != message.created_at
            message.next_attempt_at = utc(now + lease)
            claimed.append(replace(message.item(), maybe_sent=tried))
        return claimed

    async def outbox_items(self, limit: int = 200) -> list[OutboxItem]:
        """The most recent messages in any status, newest first."""
        newest = sorted(self._messages.values(), key=lambda m: (m.created_at, m.id), reverse=True)
        return [m.item() for m in newest[:limit]]

    async def mark_sent(self, item_id: int) -> None:
        """Record a successful delivery."""
        message = self._get(item_id)
        message.status, message.sent_at = "sent", utc(self._clock())

    async def mark_sent_many(self, item_ids: Sequence[int]) -> None:
        """Record these successful deliveries."""
        for item_id in item_ids:
            if item_id in self._messages:
                await self.mark_sent(item_id)

    async def mark_failed(self, item_id: int, reason: str) -> None:
        """Record a failed attempt; the message stays pending and is retried after a backoff."""
        now = utc(self._clock())
        message = self._get(item_id)
        message.attempts += 1
        message.last_error = reason[:MAX_ERROR_LENGTH]
        message.next_attempt_at = now + retry_delay(message.attempts - 1)

    async def cancel(self, key_prefixes: Sequence[str], reason: str) -> int:
        """Cancel the pending messages whose key starts with one of these; how many."""
        prefixes = tuple(key_prefixes)
        cancelled = [
            m
            for m in self._messages.values()
            if m.status == "pending" and prefixes and m.key.startswith(prefixes)
        ]
        for message in cancelled:
            message.status, message.last_error = "cancelled", reason[:MAX_ERROR_LENGTH]
        return len(cancelled)

    def _get(self, item_id: int) -> _Message:
        if item_id not in self._messages:
            raise LookupError(f"no outbox item {item_id}")
        return self._messages[item_id]


class MemoryEvents:
    """The EventLog port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._received: dict[str, datetime] = {}

    async def first_time(self, key: str) -> bool:
        """Record the key; False when it was recorded before (a retry or a duplicate)."""
        key, now = key[:KEY_LENGTH], utc(self._clock())
        if key in self._received:
            return False
        self._received[key] = now
        return True

    async def forget_events(self, before: datetime) -> int:
        """Delete the keys recorded before then, long after any redelivery; how many went."""
        old = [k for k, at in self._received.items() if at < utc(before)]
        for key in old:
            del self._received[key]
        return len(old)


class MemoryReferences:
    """The ReferenceStore port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._references: dict[tuple[str, str], tuple[Any, datetime | None]] = {}

    async def save_reference(
        self,
        person_id: str,
        platform: str,
        reference: dict[str, Any],
        keep_for: timedelta | None = None,
    ) -> None:
        """Store or replace the person's reference on that platform; with `keep_for`, it may be
        forgotten once that long has passed (kept for good otherwise)."""
        now = utc(self._clock())
        expires = now + keep_for if keep_for else None
        self._references[(person_id, platform)] = (as_json(reference), expires)

    async def load_reference(self, person_id: str, platform: str) -> dict[str, Any] | None:
        """The stored reference, or None."""
        reference, _ = self._references.get((person_id, platform), (None, None))
        return dict(as_json(reference)) if reference else None

    async def forget_expired_references(self, now: datetime) -> int:
        """Delete the references whose time is up; how many went."""
        now = utc(now)
        gone = [k for k, (_, expires) in self._references.items() if expires and expires < now]
        for key in gone:
            del self._references[key]
        return len(gone)


class MemoryAudit:
    """The AuditTrail port in memory."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._events: list[AuditEvent] = []

    async def record(
        self, subject: str, actor: str, action: str, detail: dict[str, Any] | None = None
    ) -> None:
        """Append one event."""
        at = utc(self._clock())
        self._events.append(AuditEvent(subject, actor, action, as_json(detail or {}), at))

    async def history(self, subject: str) -> list[AuditEvent]:
        """The subject's events, oldest first."""
        return [replace(e, detail=as_json(e.detail)) for e in self._events if e.subject == subject]


class MemoryDatabase:
    """The Database port for stores in memory: always there, nothing to release."""

    async def ping(self) -> None:
        """Return at once: memory always answers."""

    async def close(self) -> None:
        """Nothing to release."""

    def passing(self, exc: BaseException) -> bool:
        """False: memory is never out of reach."""
        return False

    def job_store(self) -> object:
        """APScheduler's memory job store: jobs last as long as the process."""
        from apscheduler.jobstores.memory import MemoryJobStore

        return MemoryJobStore()


if TYPE_CHECKING:

    def _satisfies_protocols(
        conversations: MemoryConversations,
        questions: MemoryQuestions,
        outbox: MemoryOutbox,
        events: MemoryEvents,
        references: MemoryReferences,
        audit: MemoryAudit,
        database: MemoryDatabase,
    ) -> tuple[
        ConversationStore, QuestionLog, OutboxStore, EventLog, ReferenceStore, AuditTrail, Database
    ]:
        return conversations, questions, outbox, events, references, audit, database
