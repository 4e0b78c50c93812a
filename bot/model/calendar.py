"""An academy's working calendar and the 24-hour reply deadline for comments on its accounts.

Instants are aware datetimes and arithmetic is done in UTC; local time (the academy's zone)
is used only to ask "is this a working day, and inside working hours?".
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, date, datetime, time, timedelta

from bot.model.bank_holidays import england_bank_holidays
from bot.model.directory import Academy, Directory

REPLY_WITHIN = timedelta(hours=24)
"""The policy's time to answer a comment, query or complaint."""
ANNUAL_REMINDER_TIME = time(9)
"""When in the day the annual reminder goes out, unless the academy opens later."""


class WorkingCalendar:
    """Working days (Monday to Friday, not a bank holiday or closure) and hours of one academy."""

    def __init__(self, academy: Academy, bank_holidays: Container[date] | None = None) -> None:
        self.academy = academy
        self.zone = academy.zone
        self.start, self.end = academy.working_hours
        self._holidays = england_bank_holidays() if bank_holidays is None else bank_holidays

    def is_working_day(self, day: date) -> bool:
        """Whether the academy works on this local date."""
        return day.weekday() < 5 and day not in self.academy.closures and day not in self._holidays

    def local(self, instant: datetime) -> datetime:
        """The instant on the academy's wall clock."""
        return instant.astimezone(self.zone)

    def in_hours(self, instant: datetime) -> bool:
        """Whether the instant is on a working day, from opening to closing (both included)."""
        local = self.local(instant)
        return self.is_working_day(local.date()) and self.start <= local.time() <= self.end

    def at(self, day: date, clock: time) -> datetime:
        """The UTC instant of a local wall-clock time on a day."""
        return datetime.combine(day, clock, tzinfo=self.zone).astimezone(UTC)

    def opening(self, day: date) -> datetime:
        """When the day's working hours begin, as a UTC instant."""
        return self.at(day, self.start)

    def closing(self, day: date) -> datetime:
        """When the day's working hours end, as a UTC instant."""
        return self.at(day, self.end)

    def next_working_day(self, day: date) -> date:
        """The first working day after this one."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_day_on_or_after(self, day: date) -> date:
        """This day if it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def next_opening(self, instant: datetime) -> datetime:
        """The instant itself when inside working hours, else when they next begin."""
        if self.in_hours(instant):
            return instant.astimezone(UTC)
        local = self.local(instant)
        if self.is_working_day(local.date()) and local.time() < self.start:
            return self.opening(local.date())
        return self.opening(self.next_working_day(local.date()))

    def deadline(self, received: datetime) -> datetime:
        """When a comment received at this instant must have been answered (the policy: within
        24 hours, or on the next working day if outside working hours).

        Received in working hours: 24 hours later when that is in working hours, else the close
        of the next working day. Received outside them (evening, weekend, holiday, closure):
        the close of the next working day, where a working day whose hours have not begun yet
        counts as the next one.
        """
        local = self.local(received)
        if self.in_hours(received):
            candidate = received.astimezone(UTC) + REPLY_WITHIN
            if self.in_hours(candidate):
                return candidate
            return self.closing(self.next_working_day(local.date()))
        if self.is_working_day(local.date()) and local.time() < self.start:
            return self.closing(local.date())
        return self.closing(self.next_working_day(local.date()))

    def working_time_before(self, instant: datetime, span: timedelta) -> datetime:
        """The instant `span` of working time before `instant`, counting only working hours."""
        local = self.local(instant)
        day = local.date()
        if self.is_working_day(day) and local.time() >= self.start:
            end = min(instant.astimezone(UTC), self.closing(day))
        else:
            day = self._previous_working_day(day)
            end = self.closing(day)
        while span > end - self.opening(day):
            span -= end - self.opening(day)
            day = self._previous_working_day(day)
            end = self.closing(day)
        return end - span

    def next_working_day_at_same_time(self, instant: datetime) -> datetime:
        """The same wall-clock time on the next working day: "one working day later"."""
        local = self.local(instant)
        return self.at(self.next_working_day(local.date()), local.time())

    def annual_reminder_at(self, year: int) -> datetime:
        """When the year's policy reminder goes out: the academy's date or the first working
        day of September (moved to the next working day if it is not one), at 09:00 or opening.
        """
        month, day = self.academy.annual_reminder or (9, 1)
        when = self.working_day_on_or_after(date(year, month, day))
        at_nine = self.start <= ANNUAL_REMINDER_TIME < self.end
        return self.at(when, ANNUAL_REMINDER_TIME if at_nine else self.start)

    def _previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


TRUST_OFFICE = "trust-office"
"""The id of the trust's own calendar, for trust-wide staff (HR, IT) who belong to no academy."""


class Calendars:
    """Each academy's working calendar, built when first asked for and again when the
    directory (taken up in place after an import) has changed the academy; and the trust
    office's."""

    def __init__(self, directory: Directory, bank_holidays: Container[date] | None = None) -> None:
        self._directory = directory
        self._holidays = bank_holidays
        self._calendars: dict[str, WorkingCalendar] = {}
        office = Academy(
            id=TRUST_OFFICE,
            name=directory.trust.name,
            headteacher="-",
            leadership=("-",),
            safeguarding_officer="-",
            it_contact="-",
        )
        self.trust = WorkingCalendar(office, bank_holidays)
        """The trust office: Monday to Friday but England's bank holidays, 08:00-17:00 in
        London, with no academy's closures."""

    def __getitem__(self, academy_id: str) -> WorkingCalendar:
        """The academy's calendar; KeyError for an academy not in the directory."""
        academy = self._directory.academy(academy_id)
        if academy is None:
            raise KeyError(academy_id)
        known = self._calendars.get(academy_id)
        if known is None or known.academy is not academy:
            known = self._calendars[academy_id] = WorkingCalendar(academy, self._holidays)
        return known


def when(instant: datetime, calendar: WorkingCalendar) -> str:
    """The instant as people at the academy read it: 'Wed 4 Mar 2026 10:05'."""
    local = calendar.local(instant)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"
