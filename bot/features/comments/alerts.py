"""When a comment's alerts go and to whom: the runners before and at the deadline, the
headteacher a working day after it."""

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

    def _alerts(
        self, c: Comment, account: Account, stage: str, at: datetime, recipients: list[str]
    ) -> list[Planned]:
        reply = alert_reply(stage, c, account, self.calendars[c.academy], self.directory)
        return [
            Planned(at, f"comment-{stage}:{c.id}:{r}", r, reply, f"{stage} comment #{c.id}")
            for r in recipients
        ]
