"""The outbox on the `outbox` table: queued once per key, claimed, sent, retried or cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, Select, Text, bindparam, literal, or_, select, true, update

from bot.core.messages import Reply, reply_from_json, reply_to_json
from bot.model.ports import OutboxStore
from bot.model.records import Clock, OutboxItem, Outgoing
from bot.storage.bulk import json_rows
from bot.storage.connecting import Target, one_statement, reading, writing
from bot.storage.tables import JSONDocument, UTCDateTime, outbox
from bot.storage.upsert import insert

MAX_ERROR_LENGTH = 500
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)


def retry_delay(failures_before: int) -> timedelta:
    """How long to wait after a failed delivery: 30 s, 60 s, 120 s ... at most an hour."""
    return min(RETRY_BASE * (1 << min(failures_before, 16)), RETRY_MAX)


class SqlOutbox:
    """The Outbox, BulkOutbox and DeliveryQueue ports (an OutboxStore) on SQLite or PostgreSQL."""

    def __init__(self, engine: Target, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def enqueue(self, key: str, recipient: str, reply: Reply) -> bool:
        """Queue a message; False (and nothing queued) when the key is already there."""
        now = self._clock()
        statement = (
            insert(self._engine, outbox)
            .values(
                key=key,
                recipient=recipient,
                payload=reply_to_json(reply),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            # The unique key, not a prior SELECT, decides: safe when callers race.
            .on_conflict_do_nothing(index_elements=[outbox.c.key])
            .returning(outbox.c.id)
        )
        async with one_statement(self._engine) as connection:
            inserted = await connection.scalar(statement)
        return inserted is not None

    async def enqueue_many(self, messages: Sequence[tuple[str, str, Reply]]) -> int:
        """Queue (key, recipient, reply) messages in bulk; returns how many keys were new."""
        if not messages:
            return 0
        now = self._clock()
        rows = json_rows(
            self._engine.dialect,
            (
                {"key": key, "recipient": recipient, "payload": reply_to_json(reply)}
                for key, recipient, reply in messages
            ),
            {"key": Text(), "recipient": Text(), "payload": JSONDocument},
        )
        new = select(
            rows.c.key,
            rows.c.recipient,
            rows.c.payload,
            literal("pending"),
            literal(0),
            literal(now, UTCDateTime()),
            literal(now, UTCDateTime()),
        ).where(true())  # SQLite reads "ON CONFLICT" after a bare FROM as a join: see its docs
        columns = ["key", "recipient", "payload", "status", "attempts"]
        statement = (
            insert(self._engine, outbox)
            .from_select([*columns, "next_attempt_at", "created_at"], new)
            .on_conflict_do_nothing(index_elements=[outbox.c.key])
            .returning(outbox.c.id)
        )
        async with one_statement(self._engine) as connection:
            return len((await connection.execute(statement)).all())

    async def enqueue_held(self, messages: Sequence[Outgoing], until: datetime) -> list[OutboxItem]:
        """Queue messages that no delivery pass takes before `until` (their sender is sending
        them now); returns the new rows. For the inbox's `finish`."""
        if not messages:
            return []
        now = self._clock()
        rows = [
            {
                "key": key,
                "recipient": recipient,
                "payload": reply_to_json(reply),
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": until,
                "created_at": now,
                "address": address,
            }
            for key, recipient, reply, address in messages
        ]
        statement = (
            insert(self._engine, outbox)
            .on_conflict_do_nothing(index_elements=[outbox.c.key])
            .returning(*outbox.c)
        )
        async with writing(self._engine) as connection:
            new = (await connection.execute(statement, rows)).all()
        return sorted((_outbox_item(row) for row in new), key=lambda item: item.id)

    async def pending_for(self, recipient: str) -> list[OutboxItem]:
        """Messages still waiting for this person, oldest first."""
        statement = (
            select(outbox)
            .where(outbox.c.recipient == recipient, outbox.c.status == "pending")
            .order_by(outbox.c.created_at, outbox.c.id)
        )
        return await self._items(statement)

    async def due(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Pending messages whose next attempt is due at `now`, longest waiting first."""
        statement = (
            select(outbox)
            .where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
        )
        return await self._items(statement)

    async def claim_due(self, now: datetime, lease: timedelta, limit: int = 50) -> list[OutboxItem]:
        """Pending messages due at `now`, each leased until now + lease to this caller.

        A row is claimed by moving its next attempt past the lease only if nobody moved it
        first, so two delivering processes never both send it. A process that dies while
        sending leaves the row to be retried when the lease runs out; that claim comes back
        `maybe_sent`, as does one after a failure, so the sender can look before sending again.
        """
        claimed: list[OutboxItem] = []
        for item_id, due_at in await self._due_ids(now, limit):
            statement = (
                update(outbox)
                .where(
                    outbox.c.id == item_id,
                    outbox.c.status == "pending",
                    outbox.c.next_attempt_at == due_at,
                )
                .values(next_attempt_at=now + lease)
                .returning(*outbox.c)
            )
            async with one_statement(self._engine) as connection:
                row = (await connection.execute(statement)).first()
            if row is not None:
                # A row never claimed is still due at the instant it was queued.
                tried = row.attempts > 0 or due_at != row.created_at
                claimed.append(_outbox_item(row, maybe_sent=tried))
        return claimed

    async def _due_ids(self, now: datetime, limit: int) -> list[tuple[int, datetime]]:
        statement = (
            select(outbox.c.id, outbox.c.next_attempt_at)
            .where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
        )
        async with reading(self._engine) as connection:
            return [(row.id, row.next_attempt_at) for row in await connection.execute(statement)]

    async def outbox_items(self, limit: int = 200) -> list[OutboxItem]:
        """The most recent messages in any status, newest first."""
        statement = (
            select(outbox).order_by(outbox.c.created_at.desc(), outbox.c.id.desc()).limit(limit)
        )
        return await self._items(statement)

    async def mark_sent(self, item_id: int) -> None:
        """Record a successful delivery."""
        statement = (
            update(outbox)
            .where(outbox.c.id == item_id)
            .values(status="sent", sent_at=self._clock())
            .returning(outbox.c.id)
        )
        async with one_statement(self._engine) as connection:
            if await connection.scalar(statement) is None:
                raise LookupError(f"no outbox item {item_id}")

    async def mark_sent_many(self, item_ids: Sequence[int]) -> None:
        """Record these successful deliveries in one statement."""
        if not item_ids:
            return
        async with one_statement(self._engine) as connection:
            await connection.execute(_SENT, {"ids": list(item_ids), "now": self._clock()})

    async def mark_failed(self, item_id: int, reason: str) -> None:
        """Record a failed attempt; the message stays pending and is retried after a backoff."""
        now = self._clock()
        async with writing(self._engine) as connection:
            # Writing first (not reading attempts first) takes SQLite's write lock up front,
            # so a concurrent writer waits instead of failing with "database is locked".
            attempts = await connection.scalar(
                update(outbox)
                .where(outbox.c.id == item_id)
                .values(attempts=outbox.c.attempts + 1, last_error=reason[:MAX_ERROR_LENGTH])
                .returning(outbox.c.attempts)
            )
            if attempts is None:
                raise LookupError(f"no outbox item {item_id}")
            await connection.execute(
                update(outbox)
                .where(outbox.c.id == item_id)
                .values(next_attempt_at=now + retry_delay(attempts - 1))
            )

    async def cancel(self, key_prefixes: Sequence[str], reason: str) -> int:
        """Cancel the pending messages whose key starts with one of these; how many."""
        if not key_prefixes:
            return 0
        statement = (
            update(outbox)
            .where(
                or_(*(outbox.c.key.startswith(p, autoescape=True) for p in key_prefixes)),
                outbox.c.status == "pending",
            )
            .values(status="cancelled", last_error=reason[:MAX_ERROR_LENGTH])
        )
        async with one_statement(self._engine) as connection:
            result = await connection.execute(statement)
        return result.rowcount

    async def _items(self, statement: Select[Any]) -> list[OutboxItem]:
        async with reading(self._engine) as connection:
            rows = (await connection.execute(statement)).all()
        return [_outbox_item(row) for row in rows]


_SENT = (
    update(outbox)
    .where(outbox.c.id.in_(bindparam("ids", expanding=True)))
    .values(status="sent", sent_at=bindparam("now"))
)
"""Mark delivered messages sent (built once, as they are marked at every answer)."""


def _outbox_item(row: Row[Any], maybe_sent: bool = False) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        key=row.key,
        recipient=row.recipient,
        reply=reply_from_json(row.payload),
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        maybe_sent=maybe_sent,
        address=row.address,
    )


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlOutbox) -> OutboxStore:
        return store
