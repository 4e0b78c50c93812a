"""The records the ports carry, and the clock: plain frozen data the core and storage share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.core.messages import Reply

if TYPE_CHECKING:
    from bot.model.directory import Directory

RETENTION = timedelta(days=90)
"""How long the worker keeps what only matters for a while: the ids of inbound events (against
redelivery) and the Teams cards sent with buttons (to close a card when one is clicked)."""

Clock = Callable[[], datetime]
"""Returns the current instant as an aware UTC datetime; injected so tests fix the time."""
Address = dict[str, Any]
"""Where on its platform a reply goes when not to its recipient's own chat (a channel thread, a
slash command's response_url), in the platform's own terms: JSON, with `platform` naming the
platform. Opaque to the core; made and read by the adapter of that platform."""


class Outgoing(NamedTuple):
    """A reply to queue in the outbox: its unique key, its recipient (a directory person id),
    and where it goes when not to the recipient's own chat."""

    key: str
    recipient: str
    reply: Reply
    address: Address | None = None


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
    maybe_sent: bool = False
    """Set by a claim when an earlier attempt ended with no recorded success (a lease that ran
    out, or a failure): that attempt may still have reached the person."""
    address: Address | None = None
    """Where it goes when not to the recipient's own chat (an answer in a channel thread)."""


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One inbound event, kept from its acknowledgement until its answer is in the outbox."""

    id: int
    key: str
    """The platform's id for the delivery (`slack:event:Ev…`): a redelivery has the same."""
    platform: str
    conversation: str
    """Whose conversation it belongs to: its events are answered one at a time, in order."""
    payload: dict[str, Any]
    """What the platform's respondent needs to answer it (no credentials: they are masked)."""
    attempts: int
    """Claims so far, this one included."""
    claim: str
    """The claim this copy was handed out under; only that claim may finish it."""


@dataclass(frozen=True, slots=True)
class DeclinedQuestion:
    """A question the bot could not answer, grouped by its normalised text."""

    text: str
    count: int
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class UnhelpfulAnswer:
    """An answer marked not helpful: the clause given to one question, and how often."""

    question: str | None
    """The question as asked (redacted), grouped by its normalised text; None if not kept."""
    clause_id: str
    count: int
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One recorded state change: who did what to which subject, and when."""

    subject: str
    actor: str
    action: str
    detail: dict[str, Any]
    at: datetime


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
    reference: int | None = None
    """The number in the case's id, given when it is first submitted; None for a draft."""

    @property
    def id(self) -> str:
        """The readable id people use: SMA-0007 once submitted, 'Draft 12' before."""
        return f"SMA-{self.reference:04d}" if self.reference else f"Draft {self.number}"

    @property
    def audit_subjects(self) -> list[str]:
        """Where its audit trail is: under its draft id until submitted, its SMA id after."""
        return list(dict.fromkeys([f"case:Draft {self.number}", f"case:{self.id}"]))

    @property
    def runners(self) -> list[str]:
        """Person ids named to run the account."""
        return list(self.answers.get("runners") or [])


@dataclass(frozen=True, slots=True)
class NewComment:
    """A comment about to be recorded, its deadline and alert times already worked out."""

    account_id: str
    academy: str
    received_at: datetime
    deadline: datetime
    due_soon_at: datetime
    escalate_at: datetime
    author: str | None
    summary: str
    source: str
    """'chat', 'cli' or 'api'."""
    logged_by: str | None
    logged_at: datetime


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment, query or complaint on a registered account."""

    id: int
    account_id: str
    academy: str
    received_at: datetime
    deadline: datetime
    due_soon_at: datetime
    escalate_at: datetime
    author: str | None
    summary: str
    source: str
    logged_by: str | None
    status: str
    """'open' or 'responded'."""
    responded_by: str | None
    responded_at: datetime | None
    logged_at: datetime


_CASE_ID = re.compile(r"^\s*(?:sma[\s-]*)?0*(\d{1,9})\s*$", re.IGNORECASE)


_DRAFT_ID = re.compile(r"^\s*draft[\s-]*(\d{1,9})\s*$", re.IGNORECASE)


def draft_number(text: str) -> int | None:
    """The number in a draft's id: 'Draft 12'."""
    match = _DRAFT_ID.match(text)
    return int(match.group(1)) if match else None


def case_number(text: str) -> int | None:
    """The number in a case id as people type it: 'SMA-0007', 'sma7', '7'."""
    match = _CASE_ID.match(text)
    return int(match.group(1)) if match else None


def account_id(academy: str, platform: str, handle: str) -> str:
    """A readable, stable account id: academy, platform and handle as one slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{academy} {platform} {handle}".lower()).strip("-")
    return slug[:255]


def handle_key(text: str) -> str:
    """How handles compare: case, a leading '@' and spaces don't matter."""
    return re.sub(r"\s+", "", text).lstrip("@").lower()


class DeliveryError(Exception):
    """A platform could not deliver a message now; the reason goes on the outbox row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RouteCount:
    """How many messages from one academy's staff went to a DSO in one month; nothing else."""

    academy: str | None
    """The academy's id; None for trust-wide staff."""
    month: str
    """YYYY-MM."""
    count: int


@dataclass(frozen=True, slots=True)
class ClauseVotes:
    """How the answers quoting one clause were voted on over a period."""

    clause_id: str
    not_helpful: int
    helpful: int


@dataclass(frozen=True, slots=True)
class LateReplies:
    """One account's comments whose reply deadline fell in a period, and how many were late."""

    account_id: str
    academy: str
    due: int
    """Comments whose deadline fell in the period."""
    late: int
    """Of those, answered after the deadline."""
    unanswered: int
    """Of those, still open with the deadline passed."""


@dataclass(frozen=True, slots=True)
class StoredDirectory:
    """The trust directory as last imported, and its version (1 for the first import)."""

    version: int
    directory: Directory
