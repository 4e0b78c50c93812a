"""Comments, queries and complaints on academy accounts: recorded, chased, answered.

The policy asks that they are answered within 24 hours (see WorkingCalendar.deadline). The
runners of the account are alerted two working hours before the deadline and at it; the
headteacher is told one working day after it. "Responded" closes the comment.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.core.messages import Reply
from bot.core.sanitise import clean
from bot.core.secrets import find_secret
from bot.errors import UserError
from bot.features.comments.alerts import AlertPlan, alert_key_prefixes
from bot.features.comments.wording import names
from bot.model.calendar import Calendars, WorkingCalendar
from bot.model.directory import Directory
from bot.model.planned import Planned
from bot.model.ports import AccountRegister, AuditTrail, BulkOutbox, CommentStore, Outbox
from bot.model.records import Account, Clock, Comment, NewComment

log = logging.getLogger(__name__)

DUE_SOON = timedelta(hours=2)
"""Working time before the deadline at which the runners get the "due soon" alert."""
SOURCES = ("chat", "cli", "api")
MAX_SUMMARY = 2000


class CommentError(UserError, ValueError):
    """A comment that cannot be recorded; the message says why."""


def parse_received(text: str, calendar: WorkingCalendar) -> datetime:
    """An ISO 8601 time; without an offset it is the academy's local time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommentError(
            f"received time {text!r} is not an ISO 8601 time like 2026-03-03T10:05:00+00:00"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=calendar.zone)
    return value.astimezone(UTC)


class Comments:
    """The comment records and their alerts, on the CommentStore port."""

    def __init__(
        self,
        store: CommentStore,
        register: AccountRegister,
        directory: Directory,
        calendars: Calendars,
        outbox: Outbox,
        audit: AuditTrail,
        clock: Clock,
        grace: timedelta,
    ) -> None:
        self._store = store
        self.register = register
        self.directory = directory
        self.calendars = calendars
        self._outbox = outbox
        self._audit = audit
        self._clock = clock
        self.grace = grace
        self._plan = AlertPlan(directory, calendars, grace)

    async def add(
        self,
        account: Account,
        summary: str,
        received_at: datetime | None = None,
        *,
        author: str | None = None,
        source: str = "chat",
        logged_by: str | None = None,
    ) -> Comment:
        """Record a comment received on the account (now, unless told), with its deadline."""
        new = self.new_comment(account, summary, received_at, author, source, logged_by)
        recorded = await self._store.add(new)
        await self._audit.record(
            f"comment:{recorded.id}", logged_by or source, "logged", {"account": account.id}
        )
        log.info("comment %s logged on %s via %s", recorded.id, account.id, source)
        return recorded

    def new_comment(
        self,
        account: Account,
        summary: str,
        received_at: datetime | None,
        author: str | None,
        source: str,
        logged_by: str | None,
    ) -> NewComment:
        """The checked new comment: its deadline and alert times worked out."""
        now = self._clock()
        received_at = now if received_at is None else received_at
        summary = " ".join(clean(summary).split())
        for what, text in (("summary", summary), ("author", author or "")):
            if (secret := find_secret(text)) is not None:
                raise CommentError(
                    f"the {what} looks like it holds {secret}, so nothing was saved: never share "
                    "credentials, give them to the Trust IT Team directly"
                )
        if not summary:
            raise CommentError("the summary is empty: say briefly what the comment is about")
        if len(summary) > MAX_SUMMARY:
            raise CommentError(f"the summary is longer than {MAX_SUMMARY} characters")
        if received_at.tzinfo is None:
            raise CommentError("the received time needs a time zone")
        if received_at > now:
            raise CommentError(
                f"received time {received_at.isoformat()} is in the future "
                f"(now is {now.isoformat(timespec='seconds')})"
            )
        calendar = self.calendars[account.academy]
        deadline = calendar.deadline(received_at)
        return NewComment(
            account_id=account.id,
            academy=account.academy,
            received_at=received_at,
            deadline=deadline,
            due_soon_at=calendar.working_time_before(deadline, DUE_SOON),
            escalate_at=calendar.next_working_day_at_same_time(deadline),
            author=clean(author or "")[:255] or None,
            summary=summary,
            source=source,
            logged_by=logged_by,
            logged_at=now,
        )

    def now(self) -> datetime:
        """The current instant, from the injected clock."""
        return self._clock()

    async def get(self, comment_id: int) -> Comment | None:
        """The comment with this id."""
        return await self._store.get(comment_id)

    async def all(self, status: str | None = None) -> list[Comment]:
        """Every comment (or those with this status), oldest received first."""
        return await self._store.all(status)

    async def waiting_for(self, person_id: str) -> list[tuple[Comment, Account]]:
        """The open comments waiting for this person, oldest received first: those on the
        accounts they run, and, for a headteacher, those escalated to them."""
        now = self._clock()
        accounts = {a.id: a for a in await self.register.all()}
        found: list[tuple[Comment, Account]] = []
        for c in await self.all("open"):
            account = accounts.get(c.account_id)
            if account is None:
                continue
            academy = self.directory.academy(c.academy)
            head = academy is not None and academy.headteacher == person_id
            escalated = self._plan.goes_from(c, c.escalate_at) <= now
            if person_id in account.runners or (head and escalated):
                found.append((c, account))
        return found

    async def responder_check(self, comment_id: int, person_id: str) -> tuple[Comment, Account]:
        """The comment and its account, when this person may mark it responded; else
        CommentError saying why (no such comment, or not theirs to close)."""
        found = await self.get(comment_id)
        account = await self.register.get(found.account_id) if found else None
        if found is None or account is None:
            raise CommentError(f"there is no comment #{comment_id}")
        if not self.may_respond(person_id, account):
            person = self.directory.person(person_id)
            who = person.name if person else person_id
            raise CommentError(
                f"{who} does not run {account.handle} and is not on its academy's leadership "
                f"team, so cannot mark comment #{comment_id} responded"
            )
        return found, account

    def may_respond(self, person_id: str, account: Account) -> bool:
        """Runners of the account and its academy's leadership may close its comments."""
        return person_id in account.runners or self.directory.is_leader(person_id, account.academy)

    async def respond(self, comment_id: int, person_id: str) -> tuple[Comment, bool]:
        """Close the comment as answered by this person; False when it was already closed."""
        closed = await self._store.mark_responded(comment_id, person_id, self._clock())
        if closed is None:
            existing = await self.get(comment_id)
            if existing is None:
                raise CommentError(f"there is no comment #{comment_id}")
            return existing, False
        # Alerts already queued but not yet delivered are no longer true: cancel them with it.
        await self._outbox.cancel(
            alert_key_prefixes(comment_id), f"comment #{comment_id} answered first"
        )
        await self._audit.record(f"comment:{comment_id}", person_id, "responded")
        return closed, True

    async def queue_due(self, now: datetime, outbox: BulkOutbox) -> int:
        """Queue every alert due at `now` that was not queued before; returns how many."""
        comments = await self._store.needing_alerts(now)
        if not comments:
            return 0
        accounts = {a.id: a for a in await self.register.all()}
        messages: list[tuple[str, str, Reply]] = []
        checks: dict[int, datetime | None] = {}
        for c in comments:
            account = accounts.get(c.account_id)
            if account is None:  # deactivated: nobody left to alert
                checks[c.id] = None
                continue
            planned, checks[c.id] = self._plan.due(c, account, now)
            messages += ((p.key, p.recipient, p.reply) for p in planned)
        queued = await outbox.enqueue_many(messages)
        await self._store.set_next_checks(checks)
        return queued

    async def upcoming(self, now: datetime, until: datetime) -> list[Planned]:
        """Alerts of open comments planned after `now` up to `until`, in time order."""
        accounts = {a.id: a for a in await self.register.all()}
        planned = [
            alert
            for c in await self.all("open")
            if c.account_id in accounts
            for alert in self._plan.all(c, accounts[c.account_id])
            if now < alert.at <= until
        ]
        return sorted(planned, key=lambda p: p.at)

    def names(self, ids: tuple[str, ...]) -> str:
        """The people's names, for messages."""
        return names(self.directory, ids)
