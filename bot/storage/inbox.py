"""The inbox on the `inbox` table: kept before the acknowledgement, claimed, finished once.

A claim is one UPDATE over a sub-select of due rows (on PostgreSQL `FOR UPDATE SKIP LOCKED`,
so processes claiming at once take different rows; SQLite has one writer at a time). A row is
due when nobody holds it and no earlier row of its conversation is still waiting, so a
person's messages are answered in the order they were sent, whichever process answers them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Row, Update, bindparam, delete, exists, func, select, update

from bot.errors import failure
from bot.model.inbox_ports import Inbox
from bot.model.records import Clock, InboxItem, OutboxItem, Outgoing
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.connecting import Target, one_statement, reading, writing
from bot.storage.outbox import SqlOutbox
from bot.storage.tables import inbox
from bot.storage.upsert import insert

log = logging.getLogger(__name__)

KEY_LENGTH = 255
"""Keys and conversations are cut to this, as the columns hold no more."""
WINDOW = 1000
"""Waiting rows a claim looks at, in order, for its batch. Without a bound, a claim checked
every waiting row for an earlier one of its conversation whenever PostgreSQL's statistics
counted few (a fresh table, or one that is mostly answered rows before a burst): 17 ms a claim
behind 10,000 events, which slowed answering as the backlog grew. The bound's price: when the
first 1,000 free waiting rows all wait behind earlier ones of their conversation (one person
sending a thousand messages at once), the others wait until those thin out."""
CHANNEL = "policybot_inbox"
"""PostgreSQL's channel on which a process that keeps events tells answering processes."""
LISTEN_AGAIN = 5.0
"""Seconds before listening again once the listening connection is lost."""


class SqlInbox:
    """The Inbox port on SQLite or PostgreSQL."""

    def __init__(self, engine: Target, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        # Built once: building a claim's statement took longer than running it.
        self._add = (
            insert(engine, inbox)
            .on_conflict_do_nothing(index_elements=[inbox.c.key])
            .returning(inbox.c.id)
        )
        self._postgresql = engine.dialect.name == "postgresql"
        self._claims = {by: _claim(self._postgresql, by) for by in (False, True)}
        """The claim's statement for any platform (False) and for one (True)."""

    async def add_many(self, events: Sequence[tuple[str, str, str, dict[str, Any]]]) -> int:
        """Keep (key, platform, conversation, payload) events; returns how many were new."""
        if not events:
            return 0
        now = self._clock()
        rows = [
            {
                "key": key[:KEY_LENGTH],
                "platform": platform,
                "conversation": conversation[:KEY_LENGTH],
                "payload": payload,
                "status": "pending",
                "attempts": 0,
                "claimed_until": now,
                "received_at": now,
            }
            for key, platform, conversation, payload in events
        ]
        # One statement for any number of rows (compiled once and cached; SQLAlchemy sends
        # the rows as multi-row VALUES), not a new multi-VALUES statement per batch size.
        async with one_statement(self._engine) as connection:
            return len((await connection.execute(self._add, rows)).all())

    async def announce(self) -> None:
        """NOTIFY answering processes on PostgreSQL; nothing on SQLite (they poll)."""
        if self._postgresql:
            async with one_statement(self._engine) as connection:
                await connection.execute(_ANNOUNCE)

    async def arrivals(self, wake: Callable[[], None]) -> None:
        """On PostgreSQL, LISTEN on a connection of its own and call `wake` on each
        announcement, listening again after LISTEN_AGAIN when the connection is lost (the
        answering process polls meanwhile); on SQLite, return at once."""
        while self._postgresql and isinstance(self._engine, AsyncEngine):
            try:
                await self._listen(wake)
            except Exception as exc:
                log.warning("inbox: not listening for new events (%s); polling", failure(exc))
            await asyncio.sleep(LISTEN_AGAIN)

    async def _listen(self, wake: Callable[[], None]) -> None:
        assert isinstance(self._engine, AsyncEngine)  # a store inside a transaction never listens
        async with self._engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            if driver is None:
                raise RuntimeError("the listening connection has no driver connection")
            lost = asyncio.Event()

            def heard(*_: object) -> None:
                wake()

            driver.add_termination_listener(lambda _: lost.set())
            await driver.add_listener(CHANNEL, heard)
            try:
                wake()  # whatever was kept before this listened
                await lost.wait()
                log.warning("inbox: the connection listening for new events was lost")
            finally:
                if not driver.is_closed():
                    await driver.remove_listener(CHANNEL, heard)

    async def claim(
        self, now: datetime, lease: timedelta, limit: int = 32, platform: str | None = None
    ) -> list[InboxItem]:
        """Due events, each leased until now + lease; at most one per conversation."""
        token = uuid.uuid4().hex
        values: dict[str, Any] = {"now": now, "until": now + lease, "most": limit, "token": token}
        if platform is not None:
            values["of_platform"] = platform
        statement = self._claims[platform is not None]
        async with one_statement(self._engine) as connection:
            rows = (await connection.execute(statement, values)).all()
        return sorted((_item(row) for row in rows), key=lambda item: item.id)

    async def finish(
        self, item: InboxItem, replies: Sequence[Outgoing], hold: timedelta
    ) -> list[OutboxItem] | None:
        """Mark the event answered and queue its replies, held for `hold`, in one transaction."""
        return (await self.finish_many([(item, replies)], hold)).get(item.id)

    async def finish_many(
        self, answers: Sequence[tuple[InboxItem, Sequence[Outgoing]]], hold: timedelta
    ) -> dict[int, list[OutboxItem]]:
        """Mark the events answered and queue their replies, held for `hold`, in one
        transaction of two statements (one when nothing is to be queued), whatever their number.
        The queued rows of each event finished, by event id; one whose claim is no longer the
        caller's is left out, and nothing of it queued."""
        if not answers:
            return {}
        now = self._clock()
        claims: dict[str, list[int]] = {}  # one claim for a whole claimed batch, as a rule
        for item, _ in answers:
            claims.setdefault(item.claim, []).append(item.id)
        finished: set[int] = set()
        async with writing(self._engine) as connection:
            # The inbox rows first: they take SQLite's write lock before anything else is read.
            for claim, ids in claims.items():
                values = {"ids": ids, "token": claim, "now": now}
                finished.update((await connection.execute(_ANSWERED, values)).scalars())
            replies = [(item.id, r) for item, rs in answers if item.id in finished for r in rs]
            queued = await SqlOutbox(connection, self._clock).enqueue_held(
                [reply for _, reply in replies], now + hold
            )
        return _by_event(finished, replies, queued)

    async def waiting(self) -> int:
        """How many events are not answered yet."""
        statement = select(func.count()).select_from(inbox).where(inbox.c.status == "pending")
        async with reading(self._engine) as connection:
            return int(await connection.scalar(statement) or 0)

    async def forget_answered(self, before: datetime) -> int:
        """Delete events answered before then."""
        statement = delete(inbox).where(inbox.c.status == "answered", inbox.c.answered_at < before)
        async with one_statement(self._engine) as connection:
            result = await connection.execute(statement)
        return result.rowcount


def _claim(postgresql: bool, by_platform: bool) -> Update:
    """Claim up to `most` rows due at `now` (of platform `of_platform`) for `token` until
    `until`: of the first `WINDOW` waiting rows nobody holds, in order, those that are the
    earliest of their conversation still waiting, each checked again as it is locked (another
    process may have claimed it since this statement began)."""
    earlier, candidate = inbox.alias("earlier"), inbox.alias("candidate")
    free = [inbox.c.status == "pending", inbox.c.claimed_until <= bindparam("now")]
    if by_platform:
        free.append(inbox.c.platform == bindparam("of_platform"))
    window = select(inbox.c.id).where(*free).order_by(inbox.c.id).limit(WINDOW).subquery()
    waits_behind = exists().where(
        earlier.c.conversation == candidate.c.conversation,
        earlier.c.status == "pending",
        earlier.c.id < candidate.c.id,
    )
    due = (
        select(candidate.c.id)
        .join_from(window, candidate, candidate.c.id == window.c.id)
        .where(candidate.c.status == "pending", candidate.c.claimed_until <= bindparam("now"))
        .where(~waits_behind)
        .order_by(window.c.id)
        .limit(bindparam("most", type_=Integer))
    )
    if postgresql:
        due = due.with_for_update(skip_locked=True, of=candidate)
    return (
        update(inbox)
        .where(inbox.c.id.in_(due.scalar_subquery()))
        .values(
            claim=bindparam("token"),
            claimed_until=bindparam("until"),
            attempts=inbox.c.attempts + 1,
        )
        .returning(*inbox.c)
    )


_ANNOUNCE = select(func.pg_notify(CHANNEL, ""))

_ANSWERED = (
    update(inbox)
    .where(
        inbox.c.id.in_(bindparam("ids", expanding=True)),
        inbox.c.claim == bindparam("token"),
        inbox.c.status == "pending",
    )
    .values(status="answered", payload=None, answered_at=bindparam("now"))
    .returning(inbox.c.id)
)
"""Mark a claim's events answered (those still pending and still under that claim)."""


def _by_event(
    finished: set[int], replies: Sequence[tuple[int, Outgoing]], queued: list[OutboxItem]
) -> dict[int, list[OutboxItem]]:
    """The queued outbox rows (in id order) of each finished event, found by their keys."""
    event_of = {reply.key: event for event, reply in replies}
    rows: dict[int, list[OutboxItem]] = {event: [] for event in sorted(finished)}
    for row in queued:
        rows[event_of[row.key]].append(row)
    return rows


def _item(row: Row[Any]) -> InboxItem:
    return InboxItem(
        id=row.id,
        key=row.key,
        platform=row.platform,
        conversation=row.conversation,
        payload=row.payload,
        attempts=row.attempts,
        claim=row.claim,
    )


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlInbox) -> Inbox:
        return store
