"""The Store port over SQLAlchemy: conversation state, feedback, declined questions, outbox."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Table,
    Text,
    func,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bulk import json_rows
from bot.messages import Choice, Quote, Reply
from bot.ports import AuditEvent, Clock, DeclinedQuestion, OutboxItem, Store
from bot.tables import (
    JSONDocument,
    UTCDateTime,
    audit_event,
    conversation_reference,
    conversation_state,
    declined_question,
    feedback,
    inbound_event,
    outbox,
)

MAX_ERROR_LENGTH = 500
RETENTION = timedelta(days=90)
"""How long the worker keeps what only matters for a while: the ids of inbound events (against
redelivery) and the Teams cards sent with buttons (to close a card when one is clicked)."""
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
_KEY_LENGTH = 255
_APOSTROPHES = str.maketrans("", "", "'\u2019")


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """The reply as JSON-ready data; reply_from_json turns it back into an equal Reply."""
    quote = reply.quote
    return {
        "text": reply.text,
        "quote": None
        if quote is None
        else {
            "clause_id": quote.clause_id,
            "section": quote.section,
            "text": quote.text,
            "version": quote.version,
        },
        "choices": [{"label": choice.label, "value": choice.value} for choice in reply.choices],
    }


def reply_from_json(data: Mapping[str, Any]) -> Reply:
    """The Reply that reply_to_json produced this data from."""
    quote = data.get("quote")
    return Reply(
        text=data["text"],
        quote=None
        if quote is None
        else Quote(
            clause_id=quote["clause_id"],
            section=quote["section"],
            text=quote["text"],
            version=quote["version"],
        ),
        choices=tuple(
            Choice(label=choice["label"], value=choice["value"])
            for choice in data.get("choices", ())
        ),
    )


def question_key(text: str) -> str:
    """The grouping key for a question: lower case, punctuation stripped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    spaced = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(spaced.split())[:_KEY_LENGTH]


def retry_delay(failures_before: int) -> timedelta:
    """How long to wait after a failed delivery: 30 s, 60 s, 120 s ... at most an hour."""
    return min(RETRY_BASE * (1 << min(failures_before, 16)), RETRY_MAX)


class SqlStore:
    """The Store protocol on a SQLite or PostgreSQL database (schema from bot.tables)."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    @property
    def engine(self) -> AsyncEngine:
        """The engine this store uses."""
        return self._engine

    async def close(self) -> None:
        """Close every database connection."""
        await self._engine.dispose()

    def _insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    # ConversationStore

    async def load_state(self, person_id: str) -> dict[str, Any]:
        """The saved state, or {} when there is none."""
        async with self._engine.connect() as connection:
            state = await connection.scalar(
                select(conversation_state.c.state).where(
                    conversation_state.c.person_id == person_id
                )
            )
        return dict(state) if state else {}

    async def save_state(self, person_id: str, state: dict[str, Any]) -> None:
        """Replace the saved state."""
        insert = self._insert(conversation_state).values(
            person_id=person_id, state=state, updated_at=self._clock()
        )
        statement = insert.on_conflict_do_update(
            index_elements=[conversation_state.c.person_id],
            set_={"state": insert.excluded.state, "updated_at": insert.excluded.updated_at},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    # FeedbackStore

    async def add_feedback(
        self, person_id: str, clause_id: str, intent_id: str | None, helpful: bool
    ) -> None:
        """Record one vote."""
        async with self._engine.begin() as connection:
            await connection.execute(
                feedback.insert().values(
                    person_id=person_id,
                    clause_id=clause_id,
                    intent_id=intent_id,
                    helpful=helpful,
                    created_at=self._clock(),
                )
            )

    # GapStore

    async def add_declined(self, text: str) -> None:
        """Record one declined question."""
        async with self._engine.begin() as connection:
            await connection.execute(
                declined_question.insert().values(
                    key=question_key(text), text=text, created_at=self._clock()
                )
            )

    async def top_declined(self, limit: int = 20) -> list[DeclinedQuestion]:
        """Declined questions grouped by key: most frequent first, then most recent."""
        groups = (
            select(
                func.count().label("times"),
                func.max(declined_question.c.created_at).label("last_seen"),
                func.max(declined_question.c.id).label("latest_id"),
            )
            .group_by(declined_question.c.key)
            .subquery()
        )
        statement = (
            select(declined_question.c.text, groups.c.times, groups.c.last_seen)
            .join(groups, declined_question.c.id == groups.c.latest_id)
            .order_by(groups.c.times.desc(), groups.c.last_seen.desc(), groups.c.latest_id.desc())
            .limit(limit)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            DeclinedQuestion(text=row.text, count=row.times, last_seen=row.last_seen)
            for row in rows
        ]

    # Outbox

    async def enqueue(self, key: str, recipient: str, reply: Reply) -> bool:
        """Queue a message; False (and nothing queued) when the key is already there."""
        now = self._clock()
        statement = (
            self._insert(outbox)
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
        async with self._engine.begin() as connection:
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
            self._insert(outbox)
            .from_select([*columns, "next_attempt_at", "created_at"], new)
            .on_conflict_do_nothing(index_elements=[outbox.c.key])
            .returning(outbox.c.id)
        )
        async with self._engine.begin() as connection:
            return len((await connection.execute(statement)).all())

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
        sending leaves the row to be retried when the lease runs out.
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
            async with self._engine.begin() as connection:
                row = (await connection.execute(statement)).first()
            if row is not None:
                claimed.append(_outbox_item(row))
        return claimed

    async def _due_ids(self, now: datetime, limit: int) -> list[tuple[int, datetime]]:
        statement = (
            select(outbox.c.id, outbox.c.next_attempt_at)
            .where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
        )
        async with self._engine.connect() as connection:
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
        async with self._engine.begin() as connection:
            if await connection.scalar(statement) is None:
                raise LookupError(f"no outbox item {item_id}")

    async def mark_failed(self, item_id: int, reason: str) -> None:
        """Record a failed attempt; the message stays pending and is retried after a backoff."""
        now = self._clock()
        async with self._engine.begin() as connection:
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

    # EventLog

    async def first_time(self, key: str) -> bool:
        """Record the key; False when it was recorded before (a retry or a duplicate)."""
        statement = (
            self._insert(inbound_event)
            .values(key=key[:_KEY_LENGTH], received_at=self._clock())
            .on_conflict_do_nothing(index_elements=[inbound_event.c.key])
            .returning(inbound_event.c.key)
        )
        async with self._engine.begin() as connection:
            return await connection.scalar(statement) is not None

    async def forget_events(self, before: datetime) -> int:
        """Delete the keys recorded before then, long after any redelivery; how many went."""
        return await self._delete(inbound_event, inbound_event.c.received_at < before)

    # ReferenceStore

    async def save_reference(
        self,
        person_id: str,
        platform: str,
        reference: dict[str, Any],
        keep_for: timedelta | None = None,
    ) -> None:
        """Store or replace the person's reference on that platform; with `keep_for`, it may be
        forgotten once that long has passed (kept for good otherwise)."""
        now = self._clock()
        insert = self._insert(conversation_reference).values(
            person_id=person_id,
            platform=platform,
            reference=reference,
            updated_at=now,
            expires_at=now + keep_for if keep_for else None,
        )
        statement = insert.on_conflict_do_update(
            index_elements=[conversation_reference.c.person_id, conversation_reference.c.platform],
            set_={
                "reference": insert.excluded.reference,
                "updated_at": insert.excluded.updated_at,
                "expires_at": insert.excluded.expires_at,
            },
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def load_reference(self, person_id: str, platform: str) -> dict[str, Any] | None:
        """The stored reference, or None."""
        async with self._engine.connect() as connection:
            reference = await connection.scalar(
                select(conversation_reference.c.reference).where(
                    conversation_reference.c.person_id == person_id,
                    conversation_reference.c.platform == platform,
                )
            )
        return dict(reference) if reference else None

    async def forget_expired_references(self, now: datetime) -> int:
        """Delete the references whose time is up; how many went."""
        return await self._delete(conversation_reference, conversation_reference.c.expires_at < now)

    async def _delete(self, table: Table, condition: ColumnElement[bool]) -> int:
        async with self._engine.begin() as connection:
            result = await connection.execute(table.delete().where(condition))
        return result.rowcount

    # AuditTrail

    async def record(
        self, subject: str, actor: str, action: str, detail: dict[str, Any] | None = None
    ) -> None:
        """Append one event."""
        async with self._engine.begin() as connection:
            await connection.execute(
                audit_event.insert().values(
                    subject=subject,
                    actor=actor,
                    action=action,
                    detail=detail or {},
                    at=self._clock(),
                )
            )

    async def history(self, subject: str) -> list[AuditEvent]:
        """The subject's events, oldest first."""
        statement = (
            select(audit_event).where(audit_event.c.subject == subject).order_by(audit_event.c.id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [AuditEvent(r.subject, r.actor, r.action, dict(r.detail), r.at) for r in rows]

    async def _items(self, statement: Select[Any]) -> list[OutboxItem]:
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [_outbox_item(row) for row in rows]


def _outbox_item(row: Row[Any]) -> OutboxItem:
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
    )


if TYPE_CHECKING:

    def _satisfies_store_protocol(store: SqlStore) -> Store:
        return store
