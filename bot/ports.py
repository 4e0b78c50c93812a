"""The core's ports: what it needs from storage and time, as Protocols the root fills in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.directory import Person
from bot.messages import Reply

Clock = Callable[[], datetime]
"""Returns the current instant as an aware UTC datetime; injected so tests fix the time."""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One message queued for someone other than the sender."""

    id: int
    key: str
    recipient: str
    reply: Reply
    status: str
    """'pending', 'sent', 'failed' or 'cancelled' (no longer worth sending)."""
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeclinedQuestion:
    """A question the bot could not answer, grouped by its normalised text."""

    text: str
    count: int
    last_seen: datetime


class ConversationStore(Protocol):
    """Per-person conversation state, kept across restarts."""

    async def load_state(self, person_id: str) -> dict[str, Any]:
        """The saved state, or {} when there is none."""
        ...

    async def save_state(self, person_id: str, state: dict[str, Any]) -> None:
        """Replace the saved state."""
        ...


class FeedbackStore(Protocol):
    """Helpful / not helpful votes on answers."""

    async def add_feedback(
        self, person_id: str, clause_id: str, intent_id: str | None, helpful: bool
    ) -> None:
        """Record one vote."""
        ...


class GapStore(Protocol):
    """Questions the bot declined, already redacted by the caller."""

    async def add_declined(self, text: str) -> None:
        """Record one declined question."""
        ...

    async def top_declined(self, limit: int = 20) -> list[DeclinedQuestion]:
        """The most frequent declined questions, most frequent first."""
        ...


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


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One recorded state change: who did what to which subject, and when."""

    subject: str
    actor: str
    action: str
    detail: dict[str, Any]
    at: datetime


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


@dataclass(frozen=True, slots=True)
class Account:
    """An official academy social media account in the register."""

    id: str
    academy: str
    platform: str
    handle: str
    runners: tuple[str, ...]
    """Person ids of the staff who monitor and run it."""
    visibility: str
    """'open' or 'private'."""
    emails: tuple[str, ...]
    """The record of logon email addresses."""
    comments_restricted: bool
    case_number: int | None
    active: bool


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


@dataclass(frozen=True, slots=True)
class Case:
    """A business case for a new academy account, from draft to decision."""

    number: int
    academy: str | None
    requester: str
    status: str
    """'draft', 'submitted', 'changes_requested', 'approved', 'rejected' or 'cancelled'."""
    answers: dict[str, Any]
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime
    updated_at: datetime
    confirmations: dict[str, datetime]
    """Runners who confirmed they have read the policy, and when."""

    @property
    def id(self) -> str:
        """The readable id people use: SMA-0007."""
        return f"SMA-{self.number:04d}"

    @property
    def runners(self) -> list[str]:
        """Person ids named to run the account."""
        return list(self.answers.get("runners") or [])


class CaseStore(Protocol):
    """Business cases and the runners' confirmations."""

    async def create(self, requester: str, academy: str | None) -> Case:
        """A new draft."""
        ...

    async def get(self, number: int) -> Case | None:
        """The case with this number."""
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


class DeliveryQueue(Protocol):
    """The outbox seen by whoever delivers it: claim what is due, then record the outcome."""

    async def claim_due(self, now: datetime, lease: timedelta, limit: int = 50) -> list[OutboxItem]:
        """Pending messages due at `now`, each leased to this caller so no one else sends it."""
        ...

    async def mark_sent(self, item_id: int) -> None:
        """Record a successful delivery."""
        ...

    async def mark_failed(self, item_id: int, reason: str) -> None:
        """Record a failed attempt with its reason; the row stays deliverable."""
        ...


class DeliveryError(Exception):
    """A platform could not deliver a message now; the reason goes on the outbox row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    """A chat platform that can message a person unprompted (approvals, reminders, alerts)."""

    name: str
    """Short platform name for logs and the outbox: 'slack', 'teams'."""

    async def reaches(self, person: Person) -> bool:
        """True when this platform knows how to address the person (e.g. they have an id)."""
        ...

    async def send(self, person: Person, reply: Reply) -> None:
        """Deliver the reply to the person; raise DeliveryError with a reason on failure."""
        ...


class Store(
    ConversationStore,
    FeedbackStore,
    GapStore,
    Outbox,
    DeliveryQueue,
    EventLog,
    ReferenceStore,
    AuditTrail,
    Protocol,
):
    """Everything the core keeps in the database."""
