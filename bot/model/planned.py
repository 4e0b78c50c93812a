"""Messages planned for a moment, and the rule for whether one goes out now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.messages import Reply
from bot.model.calendar import WorkingCalendar

ON_TIME = timedelta(minutes=10)
"""A message this late still counts as on time (the worker ticks every minute or so)."""


@dataclass(frozen=True, slots=True)
class Planned:
    """One message for one person at a moment, under the outbox key that makes it happen once."""

    at: datetime
    key: str
    recipient: str
    reply: Reply
    what: str
    """A short description for previews and logs, naming no pupil: 'overdue comment #12'."""


def goes_now(at: datetime, now: datetime, calendar: WorkingCalendar, grace: timedelta) -> bool:
    """Whether a message planned for `at` is sent at `now`.

    Its time must have come and be no more than `grace` ago. A message missed while the
    worker was down waits for working hours rather than arriving in the evening.
    """
    late = now - at
    return timedelta() <= late <= grace and (late <= ON_TIME or calendar.in_hours(now))


def waiting_since(at: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether a message planned for `at` is due but held back (outside working hours)."""
    return timedelta() <= now - at <= grace
