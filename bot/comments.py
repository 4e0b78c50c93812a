"""Comments, queries and complaints on academy accounts: recorded, chased, answered.

The policy asks that they are answered within 24 hours (see WorkingCalendar.deadline). The
runners of the account are alerted two working hours before the deadline and at it; the
headteacher is told one working day after it. "Responded" closes the comment.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bulk import json_rows
from bot.calendar import Calendars, WorkingCalendar, when
from bot.directory import Directory, Person
from bot.due import BulkOutbox, Planned, goes_now, waiting_since
from bot.errors import UserError
from bot.messages import Choice, Reply
from bot.ports import Account, AccountRegister, AuditTrail, Clock
from bot.tables import UTCDateTime, comment, outbox

log = logging.getLogger(__name__)

DUE_SOON = timedelta(hours=2)
"""Working time before the deadline at which the runners get the "due soon" alert."""
SOURCES = ("chat", "cli", "api")
STAGES = ("due-soon", "overdue", "escalation")
"""A comment's alerts in time order; each is queued as `comment-STAGE:ID:PERSON`."""
MAX_SUMMARY = 2000


class CommentError(UserError, ValueError):
    """A comment that cannot be recorded; the message says why."""


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
    """The comment records and their alerts, on the `comment` table."""

    def __init__(
        self,
        engine: AsyncEngine,
        register: AccountRegister,
        directory: Directory,
        calendars: Calendars,
        audit: AuditTrail,
        clock: Clock,
        grace: timedelta,
    ) -> None:
        self._engine = engine
        self.register = register
        self.directory = directory
        self.calendars = calendars
        self._audit = audit
        self._clock = clock
        self.grace = grace

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
        values = self.row(account, summary, received_at, author, source, logged_by)
        async with self._engine.begin() as connection:
            row = (
                await connection.execute(comment.insert().values(**values).returning(*_COLUMNS))
            ).one()
        recorded = _comment(row)
        await self._audit.record(
            f"comment:{recorded.id}", logged_by or source, "logged", {"account": account.id}
        )
        log.info("comment %s logged on %s via %s", recorded.id, account.id, source)
        return recorded

    def row(
        self,
        account: Account,
        summary: str,
        received_at: datetime | None,
        author: str | None,
        source: str,
        logged_by: str | None,
    ) -> dict[str, Any]:
        """The checked `comment` row for a new comment: deadline and alert times worked out."""
        now = self._clock()
        received_at = now if received_at is None else received_at
        summary = " ".join(summary.split())
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
        due_soon = calendar.working_time_before(deadline, DUE_SOON)
        return {
            "account_id": account.id,
            "academy": account.academy,
            "received_at": received_at,
            "deadline": deadline,
            "due_soon_at": due_soon,
            "escalate_at": calendar.next_working_day_at_same_time(deadline),
            "next_alert_at": due_soon,
            "author": (author or "").strip()[:255] or None,
            "summary": summary,
            "source": source,
            "logged_by": logged_by,
            "status": "open",
            "created_at": now,
        }

    async def get(self, comment_id: int) -> Comment | None:
        """The comment with this id."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(select(*_COLUMNS).where(comment.c.id == comment_id))
            ).first()
        return _comment(row) if row else None

    async def all(self, status: str | None = None) -> list[Comment]:
        """Every comment (or those with this status), oldest received first."""
        statement = select(*_COLUMNS).order_by(comment.c.received_at, comment.c.id)
        if status is not None:
            statement = statement.where(comment.c.status == status)
        async with self._engine.connect() as connection:
            return [_comment(row) for row in await connection.execute(statement)]

    def may_respond(self, person_id: str, account: Account) -> bool:
        """Runners of the account and its academy's leadership may close its comments."""
        return person_id in account.runners or self.directory.is_leader(person_id, account.academy)

    async def respond(self, comment_id: int, person_id: str) -> tuple[Comment, bool]:
        """Close the comment as answered by this person; False when it was already closed."""
        now = self._clock()
        statement = (
            update(comment)
            .where(comment.c.id == comment_id, comment.c.status == "open")
            .values(
                status="responded", responded_by=person_id, responded_at=now, next_alert_at=None
            )
            .returning(*_COLUMNS)
        )
        # Alerts already queued but not yet delivered are no longer true: cancel them with it.
        unsent = (
            update(outbox)
            .where(
                or_(*(outbox.c.key.like(f"comment-{s}:{comment_id}:%") for s in STAGES)),
                outbox.c.status == "pending",
            )
            .values(status="cancelled", last_error=f"comment #{comment_id} answered first")
        )
        async with self._engine.begin() as connection:
            row = (await connection.execute(statement)).first()
            if row is not None:
                await connection.execute(unsent)
        if row is None:
            existing = await self.get(comment_id)
            if existing is None:
                raise CommentError(f"there is no comment #{comment_id}")
            return existing, False
        await self._audit.record(f"comment:{comment_id}", person_id, "responded")
        return _comment(row), True

    def alerts(self, c: Comment, account: Account) -> list[Planned]:
        """Every alert the comment can ever raise, in time order."""
        return [a for stage in self._stages(c, account) for a in self._alerts(c, account, *stage)]

    def due(
        self, c: Comment, account: Account, now: datetime
    ) -> tuple[list[Planned], datetime | None]:
        """The alerts that go at `now`, and when the comment next needs looking at.

        Only the latest alert the runners are due gets sent: after a downtime they hear
        that it is overdue, not also that it is due soon. An alert whose time passed before
        the comment was logged counts as due from when it was logged.
        """
        calendar = self.calendars[c.academy]
        runner_stage = "overdue" if c.deadline <= now else "due-soon"
        going: list[Planned] = []
        checks: list[datetime] = []
        for stage, at, recipients in self._stages(c, account):
            since = max(at, c.logged_at)
            if since > now:
                checks.append(since)
            elif stage in (runner_stage, "escalation"):
                if goes_now(since, now, calendar, self.grace):
                    going += self._alerts(c, account, stage, at, recipients)
                elif waiting_since(since, now, self.grace):
                    checks.append(calendar.next_opening(now))
        return going, min(checks, default=None)

    def _stages(self, c: Comment, account: Account) -> list[tuple[str, datetime, list[str]]]:
        """(stage, when, recipients) for the comment's three alerts."""
        runners = [p for p in account.runners if self.directory.person(p)]
        academy = self.directory.academy(c.academy)
        head = [academy.headteacher] if academy else []
        return [  # in the order of STAGES
            ("due-soon", c.due_soon_at, runners),
            ("overdue", c.deadline, runners),
            ("escalation", c.escalate_at, head),
        ]

    async def queue_due(self, now: datetime, outbox: BulkOutbox) -> int:
        """Queue every alert due at `now` that was not queued before; returns how many."""
        # In id order, so racing workers queue keys in the same order and never deadlock.
        statement = (
            select(*_COLUMNS)
            .where(comment.c.status == "open", comment.c.next_alert_at <= now)
            .order_by(comment.c.id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        if not rows:
            return 0
        accounts = {a.id: a for a in await self.register.all()}
        messages: list[tuple[str, str, Reply]] = []
        checks: dict[int, datetime | None] = {}
        for row in rows:
            c = _comment(row)
            account = accounts.get(c.account_id)
            if account is None:  # deactivated: nobody left to alert
                checks[c.id] = None
                continue
            planned, checks[c.id] = self.due(c, account, now)
            messages += ((p.key, p.recipient, p.reply) for p in planned)
        queued = await outbox.enqueue_many(messages)
        await self._set_next_checks(checks)
        return queued

    async def _set_next_checks(self, checks: dict[int, datetime | None]) -> None:
        rows = json_rows(
            self._engine.dialect,
            ({"id": i, "at": at} for i, at in checks.items()),
            {"id": Integer(), "at": UTCDateTime()},
        )
        statement = update(comment).where(comment.c.id == rows.c.id).values(next_alert_at=rows.c.at)
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def upcoming(self, now: datetime, until: datetime) -> list[Planned]:
        """Alerts of open comments planned after `now` up to `until`, in time order."""
        accounts = {a.id: a for a in await self.register.all()}
        planned = [
            alert
            for c in await self.all("open")
            if c.account_id in accounts
            for alert in self.alerts(c, accounts[c.account_id])
            if now < alert.at <= until
        ]
        return sorted(planned, key=lambda p: p.at)

    def _alerts(
        self, c: Comment, account: Account, stage: str, at: datetime, recipients: list[str]
    ) -> list[Planned]:
        calendar = self.calendars[c.academy]
        about = (
            f"the {account.platform} comment on {account.handle} received "
            f"{when(c.received_at, calendar)} (#{c.id})"
        )
        deadline = when(c.deadline, calendar)
        if stage == "due-soon":
            text = f"Reply due soon: {about} should be answered by {deadline}."
        elif stage == "overdue":
            text = f"Overdue: {about} was due an answer by {deadline}."
        else:
            text = (
                f"Still unanswered a working day after its deadline: {about}, due {deadline}. "
                f"Runners: {self.names(account.runners)}."
            )
        text += (
            f'\n"{c.summary}"\nThe policy asks for a reply within 24 hours. '
            "Tap Responded once it has been answered."
        )
        reply = Reply(text, choices=(Choice("Responded", f"comment:responded:{c.id}"),))
        return [
            Planned(at, f"comment-{stage}:{c.id}:{r}", r, reply, f"{stage} comment #{c.id}")
            for r in recipients
        ]

    def names(self, ids: tuple[str, ...]) -> str:
        """The people's names, for messages."""
        people = [self.directory.person(i) for i in ids]
        return ", ".join(p.name for p in people if p) or "none registered"


_COLUMNS = [comment.c["created_at" if f.name == "logged_at" else f.name] for f in fields(Comment)]
"""The `comment` columns holding a Comment's fields, in their order."""


def _comment(row: Sequence[Any]) -> Comment:
    # Positional: naming 15 columns per row costs more than the rest of reading it.
    return Comment(*row)


def comment_json(c: Comment, account: Account | None) -> dict[str, Any]:
    """The `comments list --json` object for one comment."""
    return {
        "id": c.id,
        "account": c.account_id,
        "handle": account.handle if account else None,
        "received": c.received_at.isoformat(),
        "deadline": c.deadline.isoformat(),
        "status": c.status,
        "responded_by": c.responded_by,
        "responded_at": c.responded_at.isoformat() if c.responded_at else None,
        "author": c.author,
        "summary": c.summary,
    }


_LOG = re.compile(
    r"\s*log\s+(?:an?\s+)?(?:comment|query|complaint)\s+on\s+(@?[\w.\-]+)\s*[:,\-–]?\s*(.*)",
    re.IGNORECASE | re.DOTALL,
)
_RESPONDED = "comment:responded:"


class CommentsFeature:
    """Chat: "log a comment on @HistoryDept ..." and the Responded button on alerts."""

    def __init__(self, comments: Comments) -> None:
        self.comments = comments

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Close the comment whose Responded button was clicked."""
        if not value.startswith(_RESPONDED):
            return None
        number = value.removeprefix(_RESPONDED)
        found = await self.comments.get(int(number)) if number.isdigit() else None
        account = await self.comments.register.get(found.account_id) if found else None
        if found is None or account is None:
            return [Reply("I can't find that comment any more.")]
        if not self.comments.may_respond(sender, account):
            return [
                Reply(
                    f"Only the people who run {account.handle} or the academy's leadership team "
                    "can mark its comments as responded."
                )
            ]
        closed, now_closed = await self.comments.respond(found.id, sender)
        calendar = self.comments.calendars[closed.academy]
        if not now_closed:
            who = self.comments.directory.person(closed.responded_by or "")
            at = when(closed.responded_at, calendar) if closed.responded_at else "earlier"
            return [
                Reply(
                    f"Comment #{closed.id} was already marked responded by "
                    f"{who.name if who else closed.responded_by} ({at})."
                )
            ]
        assert closed.responded_at is not None
        return [
            Reply(
                f"Thanks: comment #{closed.id} on {account.handle} is marked responded "
                f"({when(closed.responded_at, calendar)}). No more alerts for it."
            )
        ]

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Record a comment typed as "log a comment on @Handle: what it says"."""
        found = _LOG.fullmatch(text)
        if found is None:
            return None
        handle, summary = found.group(1), found.group(2).strip()
        account = await self.comments.register.find(handle)
        person = self.comments.directory.person(sender)
        if account is None:
            return [Reply(await self._unknown(handle, person))]
        if person is None or person.academy not in (None, account.academy):
            return [
                Reply(
                    f"{account.handle} belongs to another academy; its own staff log its comments."
                )
            ]
        if not summary:
            return [
                Reply(
                    f"What is the comment about? Say it in one line, for example: log a comment "
                    f"on {account.handle}: parent asking when the trip letter goes out"
                )
            ]
        recorded = await self.comments.add(account, summary, source="chat", logged_by=sender)
        calendar = self.comments.calendars[account.academy]
        text = (
            f"Logged comment #{recorded.id} on {account.handle}. The policy asks for a reply "
            f"by {when(recorded.deadline, calendar)}. I'll remind "
            f"{self.comments.names(account.runners)} at {when(recorded.due_soon_at, calendar)} "
            "if it is still open."
        )
        return [Reply(text, choices=(Choice("Responded", f"{_RESPONDED}{recorded.id}"),))]

    async def _unknown(self, handle: str, person: Person | None) -> str:
        academy = person.academy if person else None
        known = [a.handle for a in await self.comments.register.all(academy)]
        listed = f" Registered accounts: {', '.join(known)}." if known else ""
        return f"I can't find {handle} in the register of academy accounts.{listed}"
