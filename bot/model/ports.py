"""The core's ports: what features need from storage and the platforms, as Protocols only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.messages import Reply

if TYPE_CHECKING:
    from bot.model.directory import Person

from bot.model.records import (
    Account,
    Address,
    AuditEvent,
    Case,
    Comment,
    DeclinedQuestion,
    NewComment,
    OutboxItem,
    RouteCount,
    UnhelpfulAnswer,
)


class ConversationStore(Protocol):
    """Per-person conversation state, kept across restarts."""

    async def load_state(self, person_id: str) -> dict[str, Any]:
        """The saved state, or {} when there is none."""
        ...

    async def save_state(self, person_id: str, state: dict[str, Any]) -> None:
        """Replace the saved state."""
        ...


class FeedbackStore(Protocol):
    """Helpful / not helpful votes on answers, each with the question it answered."""

    async def add_feedback(
        self,
        person_id: str,
        clause_id: str,
        intent_id: str | None,
        helpful: bool,
        question: str | None = None,
    ) -> None:
        """Record one vote; `question` is already redacted by the caller (None: not known)."""
        ...

    async def top_unhelpful(self, limit: int = 20) -> list[UnhelpfulAnswer]:
        """Answers marked not helpful, by clause and question: most frequent first."""
        ...


class GapStore(Protocol):
    """Questions the bot declined, already redacted by the caller."""

    async def add_declined(self, text: str) -> None:
        """Record one declined question."""
        ...

    async def top_declined(self, limit: int = 20) -> list[DeclinedQuestion]:
        """The most frequent declined questions, most frequent first."""
        ...


class QuestionLog(FeedbackStore, GapStore, Protocol):
    """What staff asked: votes on the answers and the questions the bot declined."""


class Outbox(Protocol):
    """Messages for people other than the sender, delivered exactly once per key."""

    async def enqueue(self, key: str, recipient: str, reply: Reply) -> bool:
        """Queue a message; False (and nothing queued) when the key is already there."""
        ...

    async def pending_for(self, recipient: str) -> list[OutboxItem]:
        """Messages still waiting for this person, oldest first."""
        ...

    async def mark_sent(self, item_id: int) -> None:
        """Record a successful delivery."""
        ...

    async def mark_failed(self, item_id: int, reason: str) -> None:
        """Record a failed attempt with its reason; the row stays deliverable."""
        ...

    async def cancel(self, key_prefixes: Sequence[str], reason: str) -> int:
        """Cancel the pending messages whose key starts with one of these; how many."""
        ...


class BulkOutbox(Protocol):
    """The outbox, queueing many messages at once."""

    async def enqueue_many(self, messages: Sequence[tuple[str, str, Reply]]) -> int:
        """Queue (key, recipient, reply) messages; returns how many keys were new."""
        ...


class EventLog(Protocol):
    """Ids of inbound platform events, so a redelivered event is acted on once."""

    async def first_time(self, key: str) -> bool:
        """Record the key; False when it was recorded before (a retry or a duplicate)."""
        ...

    async def forget_events(self, before: datetime) -> int:
        """Delete the keys recorded before then, long after any redelivery; how many went."""
        ...


class ReferenceStore(Protocol):
    """What a platform needs to message a person later (e.g. a Teams conversation reference)."""

    async def save_reference(
        self,
        person_id: str,
        platform: str,
        reference: dict[str, Any],
        keep_for: timedelta | None = None,
    ) -> None:
        """Store or replace the person's reference on that platform; with `keep_for`, it may be
        forgotten once that long has passed (kept for good otherwise)."""
        ...

    async def load_reference(self, person_id: str, platform: str) -> dict[str, Any] | None:
        """The stored reference, or None."""
        ...

    async def forget_expired_references(self, now: datetime) -> int:
        """Delete the references whose time is up; how many went."""
        ...


class AuditTrail(Protocol):
    """Who changed what and when, for cases, accounts and comments."""

    async def record(
        self, subject: str, actor: str, action: str, detail: dict[str, Any] | None = None
    ) -> None:
        """Append one event."""
        ...

    async def history(self, subject: str) -> list[AuditEvent]:
        """The subject's events, oldest first."""
        ...


class AccountRegister(Protocol):
    """The academy accounts approved through a business case."""

    async def add(self, account: Account) -> bool:
        """Register an account; False when its id is already registered."""
        ...

    async def get(self, account_id: str) -> Account | None:
        """The account with this id."""
        ...

    async def find(self, text: str) -> Account | None:
        """The active account whose id or handle is this text (case, '@' and spaces ignored)."""
        ...

    async def all(self, academy: str | None = None) -> list[Account]:
        """Active accounts, of one academy or all, by id."""
        ...

    async def change_runners(
        self, account_id: str, change: Callable[[tuple[str, ...]], tuple[str, ...]]
    ) -> tuple[str, ...]:
        """Apply `change` to the current runners atomically and return the new runners."""
        ...


class CaseStore(Protocol):
    """Business cases and the runners' confirmations."""

    async def create(self, requester: str, academy: str | None) -> Case:
        """A new draft."""
        ...

    async def get(self, number: int) -> Case | None:
        """The case with this number."""
        ...

    async def by_reference(self, reference: int) -> Case | None:
        """The submitted case whose id has this number (SMA-0007 → 7)."""
        ...

    async def give_reference(self, number: int) -> int:
        """The case's reference, given now (the next free one) unless it already has one."""
        ...

    async def save_answers(self, number: int, academy: str | None, answers: dict[str, Any]) -> None:
        """Replace a draft's answers."""
        ...

    async def move(self, number: int, from_statuses: set[str], to_status: str) -> bool:
        """Change status only from one of `from_statuses`; False when it was not in one."""
        ...

    async def decide(self, number: int, status: str, by: str, note: str | None) -> bool:
        """Approve or reject a submitted case; False when someone decided first."""
        ...

    async def confirm(self, number: int, person_id: str) -> bool:
        """Record a runner's confirmation; False when they had already confirmed."""
        ...

    async def of_requester(self, person_id: str) -> list[Case]:
        """The person's cases, newest first."""
        ...

    async def all(self) -> list[Case]:
        """Every case, newest first."""
        ...


class CaseWork(Protocol):
    """The stores one change to a case writes through, all inside one transaction."""

    @property
    def cases(self) -> CaseStore:
        """Cases, in the transaction."""
        ...

    @property
    def audit(self) -> AuditTrail:
        """The audit trail, in the transaction."""
        ...

    @property
    def outbox(self) -> Outbox:
        """The outbox, in the transaction: a message is queued only if the change is kept."""
        ...

    @property
    def register(self) -> AccountRegister:
        """The account register, in the transaction."""
        ...


class CaseTransactions(Protocol):
    """A transactional outbox for cases: a status, its audit entry and its messages together."""

    def begin(self) -> AbstractAsyncContextManager[CaseWork]:
        """One transaction: everything written through it is kept together, or nothing is
        (an exception inside, or a process killed before the end)."""
        ...


class DeliveryQueue(Protocol):
    """The outbox seen by whoever delivers it: claim what is due, then record the outcome."""

    async def claim_due(self, now: datetime, lease: timedelta, limit: int = 50) -> list[OutboxItem]:
        """Pending messages due at `now`, each leased to this caller so no one else sends it."""
        ...

    async def mark_sent(self, item_id: int) -> None:
        """Record a successful delivery."""
        ...

    async def mark_sent_many(self, item_ids: Sequence[int]) -> None:
        """Record these successful deliveries at once (one statement, not one per message)."""
        ...

    async def mark_failed(self, item_id: int, reason: str) -> None:
        """Record a failed attempt with its reason; the row stays deliverable."""
        ...


class Sender(Protocol):
    """A chat platform that can message a person unprompted (approvals, reminders, alerts)."""

    name: str
    """Short platform name for logs and the outbox: 'slack', 'teams'."""

    async def reaches(self, person: Person) -> bool:
        """True when this platform knows how to address the person (e.g. they have an id)."""
        ...

    async def send(
        self, person: Person, reply: Reply, key: str, address: Address | None = None
    ) -> None:
        """Deliver the reply to the person (at `address`, one of this platform's, when given),
        tagged with its outbox key where the platform keeps such a tag; raise DeliveryError
        with a reason on failure."""
        ...

    async def already_delivered(
        self, person: Person, key: str, since: datetime, address: Address | None = None
    ) -> bool:
        """True when the platform shows the message with this outbox key reached the person
        (or `address`), sent since `since` by a process that died before recording it; False
        when it did not or the platform can't tell. DeliveryError when it can't be checked now."""
        ...


class OutboxStore(Outbox, BulkOutbox, DeliveryQueue, Protocol):
    """The whole outbox: queued by features, delivered by the worker, reviewed by operators."""

    async def due(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Pending messages whose next attempt is due at `now`, longest waiting first."""
        ...

    async def outbox_items(self, limit: int = 200) -> list[OutboxItem]:
        """The most recent messages in any status, newest first."""
        ...


class CommentStore(Protocol):
    """Comments on academy accounts, and when each next needs looking at for alerts."""

    async def add(self, comment: NewComment) -> Comment:
        """Record a new open comment; it is first looked at when it is due soon."""
        ...

    async def get(self, comment_id: int) -> Comment | None:
        """The comment with this id."""
        ...

    async def all(self, status: str | None = None) -> list[Comment]:
        """Every comment (or those with this status), oldest received first."""
        ...

    async def mark_responded(self, comment_id: int, person_id: str, at: datetime) -> Comment | None:
        """Close an open comment as answered; None when it is not open (or not there)."""
        ...

    async def needing_alerts(self, now: datetime) -> list[Comment]:
        """Open comments whose next look is due at `now`, by id."""
        ...

    async def set_next_checks(self, checks: Mapping[int, datetime | None]) -> None:
        """When each comment next needs looking at; None for never."""
        ...


class ConfirmationStore(Protocol):
    """Staff confirmations that they read the policy, per academy and year."""

    async def confirm(self, academy: str, year: int, person_id: str) -> bool:
        """Record that the person read the policy that year; False when already recorded."""
        ...

    async def confirmed(self, academy: str, year: int) -> set[str]:
        """Person ids of everyone who confirmed for that academy and year."""
        ...


class Database(Protocol):
    """The storage itself, beneath every store."""

    async def ping(self) -> None:
        """Return when the storage answers; raise when it does not."""
        ...

    async def close(self) -> None:
        """Release every connection."""
        ...

    def job_store(self) -> object:
        """An APScheduler job store kept in this storage, for the worker's scheduler."""
        ...

    def passing(self, exc: BaseException) -> bool:
        """True when the failure is the storage briefly out of reach (unreachable, or a
        connection it cut, as a restart does): the same work will succeed later."""
        ...


class SafeguardingStats(Protocol):
    """Counts of messages routed to a DSO, by academy and month: never who, never what."""

    async def count_route(self, academy: str | None, month: str) -> None:
        """Add one to the academy's (None: trust-wide) count for the month (YYYY-MM)."""
        ...

    async def route_counts(self) -> list[RouteCount]:
        """Every count, newest month first, then by academy."""
        ...
