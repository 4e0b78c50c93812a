"""When a comment's alerts go and to whom: the runners before and at the deadline, the
headteacher a working day after it.

No alert goes before the comment was received or logged, and every alert waits for working
hours: a comment logged on a Sunday about one received last week is chased on Monday morning.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.features.comments.wording import alert_reply
from bot.model.calendar import Calendars
from bot.model.directory import Directory
from bot.model.planned import Planned, goes_now, waiting_since
from bot.model.records import Account, Comment

STAGES = ("due-soon", "overdue", "escalation")
"""A comment's alerts in time order; each is queued as `comment-STAGE:ID:PERSON`."""


def alert_key_prefixes(comment_id: int) -> list[str]:
    """The outbox key prefixes of every alert the comment can raise, to anyone."""
    return [f"comment-{stage}:{comment_id}:" for stage in STAGES]


class AlertPlan:
    """Plans each comment's alerts from its times, its account's runners and the calendars."""

    def __init__(self, directory: Directory, calendars: Calendars, grace: timedelta) -> None:
        self.directory = directory
        self.calendars = calendars
        self.grace = grace

    def all(self, c: Comment, account: Account) -> list[Planned]:
        """Every alert the comment can ever raise, in time order.

        "Due soon" is left out when it could only go once the deadline has passed: then the
        runners hear that it is overdue instead, as `due` decides.
        """
        return [
            alert
            for stage, at, recipients in self._stages(c, account)
            if stage != "due-soon" or at < c.deadline
            for alert in self._alerts(c, account, stage, at, recipients)
        ]

    def due(
        self, c: Comment, account: Account, now: datetime
    ) -> tuple[list[Planned], datetime | None]:
        """The alerts that go at `now`, and when the comment next needs looking at.

        Only the latest alert the runners are due gets sent: after a downtime they hear
        that it is overdue, not also that it is due soon. An alert whose time passed before
        the comment was logged counts as due from the next working hours after it was logged.
        """
        calendar = self.calendars[c.academy]
        runner_stage = "overdue" if c.deadline <= now else "due-soon"
        going: list[Planned] = []
        checks: list[datetime] = []
        for stage, since, recipients in self._stages(c, account):
            if since > now:
                checks.append(since)
            elif stage in (runner_stage, "escalation"):
                if goes_now(since, now, calendar, self.grace):
                    going += self._alerts(c, account, stage, since, recipients)
                elif waiting_since(since, now, self.grace):
                    checks.append(calendar.next_opening(now))
        return going, min(checks, default=None)

    def _stages(self, c: Comment, account: Account) -> list[tuple[str, datetime, list[str]]]:
        """(stage, when it may go, recipients) for the comment's three alerts."""
        runners = [p for p in account.runners if self.directory.person(p)]
        academy = self.directory.academy(c.academy)
        head = [academy.headteacher] if academy else []
        return [  # in the order of STAGES
            ("due-soon", self.goes_from(c, c.due_soon_at), runners),
            ("overdue", self.goes_from(c, c.deadline), runners),
            ("escalation", self.goes_from(c, c.escalate_at), head),
        ]

    def goes_from(self, c: Comment, at: datetime) -> datetime:
        """When an alert planned for `at` may go: not before the comment was received or
        logged, and only in the academy's working hours."""
        calendar = self.calendars[c.academy]
        return calendar.next_opening(max(at, c.received_at, c.logged_at))

    def _alerts(
        self, c: Comment, account: Account, stage: str, at: datetime, recipients: list[str]
    ) -> list[Planned]:
        reply = alert_reply(stage, c, account, self.calendars[c.academy], self.directory)
        return [
            Planned(at, f"comment-{stage}:{c.id}:{r}", r, reply, f"{stage} comment #{c.id}")
            for r in recipients
        ]
