"""Builds the monthly digest from the ports, and queues it for HR and IT once a month.

It goes out on the trust's first working day of the month (Monday to Friday, not an England
bank holiday) at 09:00 London time, covering the month before, to everyone in the directory
with the role hr or it, under one outbox key per month and person, so it is sent once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.core.messages import Reply
from bot.features.digest.report import (
    Acknowledgement,
    LateAccount,
    Month,
    MonthlyDigest,
    Routes,
)
from bot.model.admin_ports import MonthlyFigures
from bot.model.calendar import Calendars, WorkingCalendar
from bot.model.directory import Directory, Person
from bot.model.planned import Planned, goes_now
from bot.model.ports import (
    AccountRegister,
    BulkOutbox,
    ConfirmationStore,
    SafeguardingStats,
)

SEND_AT = time(9)
"""When in the day the digest goes out, on the trust's first working day of the month."""
RECIPIENT_ROLES = frozenset({"hr", "it"})
"""Who gets it: the trust's HR and IT people."""
TOP_GAPS = 10
"""How many declined questions the digest lists."""
TRUST_WIDE = "Trust-wide staff"


@dataclass(frozen=True, slots=True)
class DigestSources:
    """The ports the digest reads."""

    figures: MonthlyFigures
    confirmations: ConfirmationStore
    safeguarding: SafeguardingStats
    register: AccountRegister


class Digests:
    """Makes the month's digest and queues it for HR and IT when it is due."""

    def __init__(
        self,
        sources: DigestSources,
        directory: Directory,
        calendars: Calendars,
        outbox: BulkOutbox,
        grace: timedelta,
    ) -> None:
        self._sources = sources
        self.directory = directory
        self._calendars = calendars
        self._trust: WorkingCalendar = calendars.trust
        self._outbox = outbox
        self._grace = grace
        self._queued: set[Month] = set()
        """Months whose digest this process has seen into the outbox."""

    def recipients(self) -> list[Person]:
        """Everyone with the role hr or it, in directory order."""
        return [p for p in self.directory.people if p.role in RECIPIENT_ROLES]

    def send_at(self, month: Month) -> datetime:
        """When the digest of the month before goes out: the first working day, 09:00."""
        day = self._trust.working_day_on_or_after(month.first_day)
        return self._trust.at(day, SEND_AT)

    def planned(self, month: Month) -> list[Planned]:
        """The digest of the month before `month`, one per recipient (its text made later)."""
        at, covered = self.send_at(month), month.previous()
        return [
            Planned(
                at,
                _key(covered, p),
                p.id,
                Reply("(the digest is written when it is sent)"),
                f"monthly digest {covered}",
            )
            for p in self.recipients()
        ]

    async def queue_due(self, now: datetime) -> int:
        """Queue last month's digest when its time has come; how many were new."""
        month = Month.of(self._trust.local(now).date())
        if month in self._queued or not goes_now(
            self.send_at(month), now, self._trust, self._grace
        ):
            return 0
        people, covered = self.recipients(), month.previous()
        new = 0
        if people:
            reply = Reply((await self.build(covered, now)).text())
            messages = [(_key(covered, p), p.id, reply) for p in people]
            new = await self._outbox.enqueue_many(messages)
        # Every key is in the outbox now (queued here or before), so later ticks of this
        # process need not write the digest again; another process finds its keys taken.
        self._queued.add(month)
        return new

    def upcoming(self, now: datetime, until: datetime) -> list[Planned]:
        """The digests planned after `now` up to `until`."""
        month, last = Month.of(self._trust.local(now).date()), Month.of(until.date())
        found: list[Planned] = []
        while month <= last.next():
            found += [p for p in self.planned(month) if now < p.at <= until]
            month = month.next()
        return found

    async def build(self, month: Month, now: datetime) -> MonthlyDigest:
        """The digest of one month, as it stands at `now`."""
        start = self._trust.at(month.first_day, time(0))
        end = self._trust.at(month.next().first_day, time(0))
        figures = self._sources.figures
        return MonthlyDigest(
            month=month,
            trust=self.directory.trust.name,
            gaps=tuple(await figures.declined_between(start, end, TOP_GAPS)),
            not_helpful=tuple(await figures.votes_between(start, end)),
            late=tuple(await self._late(start, end, now)),
            acknowledgements=tuple(await self._acknowledgements(end)),
            routes=tuple(await self._routes(month)),
        )

    async def _late(self, start: datetime, end: datetime, now: datetime) -> list[LateAccount]:
        found = []
        for r in await self._sources.figures.late_replies_between(start, end, now):
            account = await self._sources.register.get(r.account_id)
            academy = self.directory.academy(r.academy)
            found.append(
                LateAccount(
                    r.account_id,
                    account.handle if account else r.account_id,
                    r.academy,
                    academy.name if academy else r.academy,
                    r.due,
                    r.late,
                    r.unanswered,
                )
            )
        return found

    async def _acknowledgements(self, end: datetime) -> list[Acknowledgement]:
        """Each academy's confirmations for the latest annual reminder before the month's end."""
        found = []
        for academy in self.directory.academies:
            calendar = self._calendars[academy.id]
            year = end.year if calendar.annual_reminder_at(end.year) < end else end.year - 1
            confirmed = await self._sources.confirmations.confirmed(academy.id, year)
            staff = {p.id for p in self.directory.staff_of(academy.id)}
            found.append(
                Acknowledgement(academy.id, academy.name, year, len(staff), len(staff & confirmed))
            )
        return found

    async def _routes(self, month: Month) -> list[Routes]:
        counts = [
            c for c in await self._sources.safeguarding.route_counts() if c.month == str(month)
        ]
        names = {a.id: a.name for a in self.directory.academies}
        return [
            Routes(c.academy, names.get(c.academy, c.academy) if c.academy else TRUST_WIDE, c.count)
            for c in counts
        ]


def _key(month: Month, person: Person) -> str:
    return f"monthly-digest:{month}:{person.id}"
