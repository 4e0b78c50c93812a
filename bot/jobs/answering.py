"""Answering the inbox: events kept before their acknowledgement, answered here, in order.

`Intake` keeps events in the inbox, many to a transaction (whatever arrives while one write is
under way goes in the next), and only then lets the platform acknowledge them. `Answering`
claims due events, asks the platform's Respondent for the core's replies, and in one
transaction for the whole claimed batch marks the events answered and queues the replies in
the outbox, held from other delivery passes; then it sends them and marks those sent in one
statement. So a process killed anywhere loses nothing: an event not
yet answered is claimed again once its lease runs out, and replies queued but not sent are
delivered by the outbox, which first looks whether the dead process had already posted them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bot.core.messages import Message, Reply
from bot.errors import failure
from bot.model.directory import Person
from bot.model.inbox_ports import Inbox
from bot.model.ports import DeliveryQueue, Sender
from bot.model.records import Address, Clock, DeliveryError, InboxItem, OutboxItem, Outgoing

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
"""Claims after which an event that keeps failing (or killing its process) is given up on."""
MARK_ATTEMPTS = 5
"""Tries at recording posted replies as sent, while the database is briefly out of reach."""
MAX_BATCH = 500
"""Events kept in the inbox by one transaction at most."""
ANNOUNCE_EVERY = 0.02
"""Seconds between announcements of kept events to answering processes elsewhere, at most:
each wakes every one of them, which costs them CPU at 1,000 events a second."""


Refresh = Callable[[], Awaitable[None]]
Event = tuple[str, str, str, dict[str, Any]]
"""(key, platform, conversation, payload), as the Inbox port keeps them."""


@dataclass(frozen=True, slots=True)
class Answered:
    """The person an event came from (in the trust directory), the core's replies, and where
    they go when not to the person's own chat (a channel thread, a command's response_url)."""

    person: Person
    replies: Sequence[Reply]
    address: Address | None = None


class Respondent(Protocol):
    """A platform's side of answering a kept event."""

    name: str

    async def respond(self, payload: dict[str, Any]) -> Answered | None:
        """The core's replies to the event; None when nothing is to be queued (the respondent
        has told someone outside the directory whom to ask)."""
        ...

    async def apologise(self, payload: dict[str, Any]) -> None:
        """Tell the person their message could not be answered."""
        ...


async def newest_directory(refresh: Refresh | None) -> None:
    """Take up the newest trust directory; on failure, keep the one held (it still works)."""
    if refresh is None:
        return
    try:
        await refresh()
    except Exception as exc:
        log.warning("no newer directory looked for (%s); using the one held", failure(exc))


class Intake:
    """Keeps inbound events in the inbox before they are acknowledged, many to a transaction."""

    def __init__(
        self,
        inbox: Inbox,
        kept: Callable[[], None] = lambda: None,
        writers: int = 1,
        *,
        announce: bool = False,
    ) -> None:
        self._inbox = inbox
        self._kept = kept
        self._announce = announce
        """Tell answering processes elsewhere when events were kept (Inbox.announce)."""
        self._announcer: asyncio.Task[None] | None = None
        self._again = False
        self._most = writers
        """Transactions keeping events in flight at once, each taking whatever has arrived."""
        self._waiting: list[tuple[Event, asyncio.Future[None]]] = []
        self._writers: set[asyncio.Task[None]] = set()

    async def keep(self, event: Event) -> None:
        """Return once the event is in the inbox (or was already); raise when it can't be kept."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((event, done))
        if len(self._writers) < self._most:
            writer = asyncio.create_task(self._write())
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        await done

    async def settle(self) -> None:
        """Wait until every event handed in so far is written."""
        while self._writers:
            await asyncio.wait(list(self._writers))
        if self._announcer is not None:
            await self._announcer

    def _tell(self) -> None:
        """Announce kept events at once, or, when an announcement was made less than
        ANNOUNCE_EVERY ago, once that has passed (one for everything kept meanwhile)."""
        if self._announcer is None or self._announcer.done():
            self._announcer = asyncio.create_task(self._announcing())
        else:
            self._again = True

    async def _announcing(self) -> None:
        while True:
            self._again = False
            try:
                await self._inbox.announce()
            except Exception as exc:  # kept all the same: the answering processes poll
                log.warning("could not announce kept events: %s", failure(exc))
            await asyncio.sleep(ANNOUNCE_EVERY)
            if not self._again:
                return

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                await self._inbox.add_many([event for event, _ in batch])
            except Exception as exc:  # each waiting request answers with an error instead
                log.error("could not keep %d inbound event(s): %s", len(batch), failure(exc))
                outcome: BaseException | None = exc
            else:
                outcome = None
                self._kept()
            for _, done in batch:
                if done.done():  # its request went away
                    continue
                if outcome is None:
                    done.set_result(None)
                else:
                    done.set_exception(outcome)
            if outcome is None and self._announce:
                self._tell()


@dataclass(frozen=True, slots=True)
class InboxParts:
    """What a platform adapter needs to answer through the inbox."""

    handle: Callable[[Message], Awaitable[list[Reply]]]
    """The core's entry point for kept events (the directory is taken up once per batch)."""
    inbox: Inbox
    outbox: DeliveryQueue
    clock: Clock
    lease: timedelta
    """How long an answering process holds a claimed event (INBOX_LEASE_SECONDS)."""
    hold: timedelta
    """How long replies being sent are kept from other delivery passes (OUTBOX_LEASE_SECONDS)."""
    poll: float = 1.0
    """Seconds between looks for events another process left behind."""
    refresh: Refresh | None = None
    """Takes up the newest trust directory; run before each batch of events is answered."""
    at_once: int = 16
    """Events claimed and answered together (one per conversation)."""
    writers: int = 1
    """Transactions keeping arriving events in flight at once (SQLite: one writer at a time)."""
    passing: Callable[[BaseException], bool] = lambda exc: False
    """True for a failure that will pass (the database briefly out of reach): the event is left
    to a later claim instead of being closed with an apology."""

    def intake(self, answering: Answering, *, announce: bool = False) -> Intake:
        """Intake for this platform, waking its answering when events are kept (and, with
        `announce`, answering processes elsewhere)."""
        return Intake(self.inbox, answering.nudge, self.writers, announce=announce)

    def answering(self, respondent: Respondent, sender: Sender) -> Answering:
        """Answering for this platform."""
        return Answering(
            self.inbox,
            respondent,
            sender,
            self.outbox,
            self.clock,
            lease=self.lease,
            hold=self.hold,
            refresh=self.refresh,
            at_once=self.at_once,
            passing=self.passing,
        )


class Answering:
    """Answers one platform's events from the inbox and sends the replies."""

    def __init__(
        self,
        inbox: Inbox,
        respondent: Respondent,
        sender: Sender,
        outbox: DeliveryQueue,
        clock: Clock,
        *,
        lease: timedelta,
        hold: timedelta,
        refresh: Refresh | None = None,
        at_once: int = 16,
        passing: Callable[[BaseException], bool] = lambda exc: False,
    ) -> None:
        self._inbox = inbox
        self._passing = passing
        self._respondent = respondent
        self._sender = sender
        self._outbox = outbox
        self._clock = clock
        self._lease = lease
        self._hold = hold
        self._refresh = refresh
        self._at_once = at_once
        self._wake = asyncio.Event()
        self._draining = asyncio.Lock()

    def nudge(self) -> None:
        """Something new is in the inbox: look now rather than at the next poll."""
        self._wake.set()

    async def drain(self) -> int:
        """Answer every event that is due now (after any answering under way); how many."""
        claimed = 0
        async with self._draining:
            while items := await self._inbox.claim(
                self._clock(), self._lease, self._at_once, self._respondent.name
            ):
                claimed += len(items)
                await newest_directory(self._refresh)
                await self._answer(items)
        return claimed

    async def answer_due(self) -> None:
        """Answer what is due now; a failure (the database briefly down) is logged, not raised:
        what could not be answered now is answered on a later pass."""
        try:
            await self.drain()
        except Exception as exc:
            log.error("answering the inbox failed (%s); retrying", failure(exc))

    async def run(self, poll: float) -> None:
        """Answer as events arrive, and every `poll` seconds (events another process left)."""
        while True:
            self._wake.clear()
            await self.answer_due()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), poll)

    async def _answer(self, items: Sequence[InboxItem]) -> None:
        """Answer a claimed batch: the core's replies to each event (together), then one
        transaction marking them all answered and queueing their replies, then the replies
        sent (each event's in order) and the sent ones marked in one statement. A process
        killed after the transaction leaves the replies not yet marked sent to the outbox,
        which looks whether they were posted before posting them."""
        responses = await asyncio.gather(*(self._respond(item) for item in items))
        done = [(i, a) for i, a in zip(items, responses, strict=True) if not isinstance(a, _Later)]
        finished = await self._inbox.finish_many(
            [(item, _replies(item, answered)) for item, answered in done], self._hold
        )
        sending = []
        for item, answered in done:
            queued = finished.get(item.id)
            if queued is None:
                log.warning(
                    "%s: its claim ran out before it was answered; left to its new claim",
                    self._what(item),
                )
            elif answered is not None:
                log.info("%s answered (%d replies)", self._what(item), len(queued))
                sending.append(self._send(answered.person, queued))
        sent = await asyncio.gather(*sending, return_exceptions=True)
        await self._mark_sent([i for ids in sent if isinstance(ids, list) for i in ids])
        for failed in sent:
            if isinstance(failed, BaseException):  # the others are marked sent first
                raise failed

    async def _mark_sent(self, ids: list[int]) -> None:
        """Record the posted replies as sent, trying again while the failure will pass (a
        connection cut): a reply left unmarked is posted again by the outbox once its hold runs
        out, and where the platform can't be read back (a private answer) it shows twice."""
        for attempt in range(1, MARK_ATTEMPTS + 1):
            try:
                await self._outbox.mark_sent_many(ids)
                return
            except Exception as exc:
                if attempt == MARK_ATTEMPTS or not self._passing(exc):
                    raise
                log.warning("marking %d replies sent failed (%s); again", len(ids), failure(exc))
                await asyncio.sleep(0.1 * attempt)

    def _what(self, item: InboxItem) -> str:
        return f"{self._respondent.name} event {item.id}"

    async def _respond(self, item: InboxItem) -> Answered | _Later | None:
        """The core's replies to the event; None (after an apology) when it failed; LATER,
        the event left to its next claim, when the database was briefly out of reach."""
        if item.attempts > MAX_ATTEMPTS:
            log.error("%s: given up after %d attempts", self._what(item), item.attempts - 1)
            await self._apologise(item, self._what(item))
            return None
        try:
            return await self._respondent.respond(item.payload)
        except Exception as exc:  # SORRY, and the event is closed, unless the failure will pass
            if self._passing(exc) and item.attempts < MAX_ATTEMPTS:
                log.warning("%s left to a later claim: %s", self._what(item), failure(exc))
                return LATER
            log.error("%s not answered: %s", self._what(item), failure(exc))
            await self._apologise(item, self._what(item))
            return None

    async def _apologise(self, item: InboxItem, what: str) -> None:
        try:
            await self._respondent.apologise(item.payload)
        except Exception as exc:
            log.error("%s: could not apologise either: %s", what, failure(exc))

    async def _send(self, person: Person, rows: Sequence[OutboxItem]) -> list[int]:
        """Send one event's replies in order; the ids of those delivered (to be marked sent
        together). One the platform would not take is left to the outbox's retries."""
        sent = []
        for row in rows:
            try:
                await self._sender.send(person, row.reply, row.key, row.address)
            except DeliveryError as exc:
                log.warning("outbox %s (%s) not delivered: %s", row.id, row.key, exc.reason)
                await self._outbox.mark_failed(row.id, exc.reason)
            else:
                sent.append(row.id)
        return sent


class _Later:
    """An event left to a later claim, the database having been briefly out of reach."""


LATER = _Later()


def _replies(item: InboxItem, answered: Answered | None) -> list[Outgoing]:
    """The event's replies for the outbox, keyed by the event's key."""
    if answered is None:
        return []
    person, address = answered.person.id, answered.address
    return [
        Outgoing(f"inbox:{item.key}:{n}", person, r, address)
        for n, r in enumerate(answered.replies, 1)
    ]
