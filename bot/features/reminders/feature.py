"""The annual policy reminder: managers remind staff, staff confirm, the headteacher sees who.

Each year, on the academy's reminder date, every headteacher and manager is asked to remind
staff to read the policy. Two weeks later the headteacher gets a summary of who confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.messages import Choice, Reply
from bot.features.reminders.revision import (
    PolicyRevision,
    is_revision,
    staff_message,
    summary_message,
)
from bot.model.calendar import Calendars, when
from bot.model.directory import Academy, Directory
from bot.model.planned import Planned, goes_now
from bot.model.ports import AuditTrail, BulkOutbox, ConfirmationStore
from bot.model.records import AuditEvent, Clock

SUMMARY_AFTER = timedelta(days=14)
"""How long after the reminder the headteacher gets the summary."""

_SEND, _DONE, _READ = "reminder:send:", "reminder:reminded:", "reminder:read:"
_NOT_SENT = "reminder:keep:"
READ_LABEL = "I have read the policy"
SEND_LABEL, DONE_LABEL = "Send it to all staff now", "I have reminded staff"

_I_HAVE = r"(?:i\s*(?:'ve|\s+have)?\s+|have\s+)?(?:just\s+|already\s+)?"
_TYPED_READ = re.compile(rf"{_I_HAVE}read\s+(?:the\s+|our\s+)?(?:social\s+media\s+)?policy")
_TYPED_DONE = re.compile(
    rf"{_I_HAVE}reminded\s+(?:the\s+|all\s+(?:the\s+)?|my\s+|our\s+)?(?:staff|colleagues)"
    r"(?:\s+myself)?(?:\s+to\s+read\s+(?:it|the\s+policy))?"
    r"|(?:the\s+|all\s+)?staff\s+(?:have\s+been\s+|were\s+)?reminded"
)
_TYPED_SEND = re.compile(
    r"send\s+(?:it|the\s+(?:annual\s+)?reminder)\s+to\s+(?:all\s+(?:the\s+)?|the\s+)?staff"
    r"(?:\s+now)?"
)
_TYPED = {_READ: _TYPED_READ, _DONE: _TYPED_DONE, _SEND: _TYPED_SEND}
"""The typed equivalent of each button, matched against the whole message."""


@dataclass(frozen=True, slots=True)
class ReminderStatus:
    """Where one academy's reminder of one year stands."""

    academy: str
    year: int
    reminder_at: datetime
    summary_at: datetime
    staff: int
    confirmed: tuple[str, ...]
    """Person ids of staff who confirmed they read the policy."""
    not_confirmed: tuple[str, ...]
    actions: tuple[AuditEvent, ...]
    """What headteachers and managers did: sent it to staff, or reminded staff themselves."""

    def as_json(self, directory: Directory) -> dict[str, Any]:
        """The `reminders status --json` object."""
        name = directory.name_of

        return {
            "academy": self.academy,
            "year": self.year,
            "reminder_at": self.reminder_at.isoformat(),
            "summary_at": self.summary_at.isoformat(),
            "staff": self.staff,
            "confirmed": len(self.confirmed),
            "not_confirmed": [{"id": p, "name": name(p)} for p in self.not_confirmed],
            "actions": [
                {"by": e.actor, "action": e.action, "at": e.at.isoformat()} for e in self.actions
            ],
        }


class Reminders:
    """Plans the reminders and summaries, and records what managers and staff did."""

    def __init__(
        self,
        confirmations: ConfirmationStore,
        directory: Directory,
        calendars: Calendars,
        outbox: BulkOutbox,
        audit: AuditTrail,
        clock: Clock,
        grace: timedelta,
        revision: PolicyRevision | None = None,
    ) -> None:
        self.revision = revision
        """The latest version published with `policybot policy publish`, if any."""
        self._confirmations = confirmations
        self.directory = directory
        self.calendars = calendars
        self._outbox = outbox
        self._audit = audit
        self.clock = clock
        self.grace = grace

    def summary_at(self, academy_id: str, year: int) -> datetime:
        """Two weeks after the reminder, on a working day, at the same time of day."""
        calendar = self.calendars[academy_id]
        local = calendar.local(calendar.annual_reminder_at(year))
        day = calendar.working_day_on_or_after(local.date() + SUMMARY_AFTER)
        return calendar.at(day, local.time())

    def current_year(self, academy_id: str, now: datetime) -> int:
        """The year of the latest reminder at or before `now` (or this year's, if none yet)."""
        year = now.year
        reminder_at = self.calendars[academy_id].annual_reminder_at(year)
        return year - 1 if now < reminder_at else year

    def planned(self, academy: Academy, year: int) -> list[Planned]:
        """The year's reminders to the headteacher and managers (the summary is made when due)."""
        at = self.calendars[academy.id].annual_reminder_at(year)
        reply = Reply(
            f"It's time for the annual Social Media Policy reminder for {academy.name}. The "
            "policy asks headteachers and managers to remind staff every year to read it, "
            f"and where to find it: {self.directory.trust.policy_url}\n"
            "I can send every member of staff the reminder now and tell you in two weeks "
            "who has confirmed reading it, or you can remind them yourself. Tap a button, or "
            "type 'send it to all staff' or 'I have reminded staff'.",
            choices=(
                Choice(SEND_LABEL, f"{_SEND}{academy.id}:{year}"),
                Choice(DONE_LABEL, f"{_DONE}{academy.id}:{year}"),
            ),
        )
        return [
            Planned(
                at,
                f"annual-reminder:{academy.id}:{year}:{manager.id}",
                manager.id,
                reply,
                f"annual reminder {academy.id} {year}",
            )
            for manager in self.directory.managers_of(academy.id)
        ]

    async def queue_due(self, now: datetime) -> int:
        """Queue the reminders and summaries due at `now`; returns how many were new."""
        messages: list[tuple[str, str, Reply]] = []
        for academy in self.directory.academies:
            calendar = self.calendars[academy.id]
            for year in (now.year - 1, now.year):
                messages += [
                    (p.key, p.recipient, p.reply)
                    for p in self.planned(academy, year)
                    if goes_now(p.at, now, calendar, self.grace)
                ]
                if goes_now(self.summary_at(academy.id, year), now, calendar, self.grace):
                    summary = await self._summary(academy, year)
                    messages.append(
                        (
                            f"annual-reminder-summary:{academy.id}:{year}",
                            academy.headteacher,
                            summary,
                        )
                    )
            messages += await self._revision_summary(academy, now)
        return await self._outbox.enqueue_many(messages) if messages else 0

    def revision_summary_at(self, academy_id: str, revision: PolicyRevision) -> datetime:
        """Two weeks after a new version was published, on a working day, at the same time."""
        calendar = self.calendars[academy_id]
        local = calendar.local(revision.published_at)
        day = calendar.working_day_on_or_after(local.date() + SUMMARY_AFTER)
        return calendar.at(day, local.time())

    async def announce_revision(self, revision: PolicyRevision, actor: str) -> tuple[int, int]:
        """Ask every member of staff of every academy to re-read the policy, with what changed,
        through the annual reminder's button: (newly queued, staff count)."""
        messages: list[tuple[str, str, Reply]] = []
        for academy in self.directory.academies:
            button = Choice(READ_LABEL, f"{_READ}{academy.id}:{revision.round}")
            reply = staff_message(revision, academy.name, self.directory.trust.policy_url, button)
            messages += [
                (f"policy-revision-staff:{academy.id}:{revision.round}:{p.id}", p.id, reply)
                for p in self.directory.staff_of(academy.id)
            ]
        queued = await self._outbox.enqueue_many(messages) if messages else 0
        for academy in self.directory.academies:
            await self._audit.record(
                _subject(academy.id, revision.round),
                actor,
                "published",
                {"version": revision.version, "date": revision.date},
            )
        return queued, len(messages)

    async def _revision_summary(
        self, academy: Academy, now: datetime
    ) -> list[tuple[str, str, Reply]]:
        revision = self.revision
        calendar = self.calendars[academy.id]
        if revision is None or not goes_now(
            self.revision_summary_at(academy.id, revision), now, calendar, self.grace
        ):
            return []
        confirmed = await self._confirmations.confirmed(academy.id, revision.round)
        staff = self.directory.staff_of(academy.id)
        missing = [p.name for p in staff if p.id not in confirmed]
        reply = summary_message(
            revision, academy.name, len(staff) - len(missing), len(staff), missing
        )
        return [
            (f"policy-revision-summary:{academy.id}:{revision.round}", academy.headteacher, reply)
        ]

    async def upcoming(self, now: datetime, until: datetime) -> list[Planned]:
        """Reminders and summaries planned after `now` up to `until`."""
        found: list[Planned] = []
        for academy in self.directory.academies:
            for year in range(now.year, until.year + 1):
                found += [p for p in self.planned(academy, year) if now < p.at <= until]
                at = self.summary_at(academy.id, year)
                if now < at <= until:
                    found.append(
                        Planned(
                            at,
                            f"annual-reminder-summary:{academy.id}:{year}",
                            academy.headteacher,
                            Reply("(the summary is written when it is sent)"),
                            f"annual reminder summary {academy.id} {year}",
                        )
                    )
        if self.revision is not None:
            found += [p for p in self._revision_planned(self.revision) if now < p.at <= until]
        return sorted(found, key=lambda p: p.at)

    def _revision_planned(self, revision: PolicyRevision) -> list[Planned]:
        return [
            Planned(
                self.revision_summary_at(academy.id, revision),
                f"policy-revision-summary:{academy.id}:{revision.round}",
                academy.headteacher,
                Reply("(the summary is written when it is sent)"),
                f"new policy summary {academy.id} v{revision.version}",
            )
            for academy in self.directory.academies
        ]

    async def send_to_staff(self, academy_id: str, year: int, actor: str) -> tuple[int, int]:
        """Queue the staff reminder for every member of staff: (newly queued, staff count)."""
        academy = self.directory.academy(academy_id)
        if academy is None:
            return 0, 0
        reply = Reply(
            f"Annual reminder from {academy.name}: please read the Trust's Social Media Policy, "
            f"which covers your own accounts, contact with pupils and parents, and academy "
            f"accounts: {self.directory.trust.policy_url}\nWhen you have read it, tap "
            f"'{READ_LABEL}', or type it.",
            choices=(Choice(READ_LABEL, f"{_READ}{academy_id}:{year}"),),
        )
        staff = self.directory.staff_of(academy_id)
        queued = await self._outbox.enqueue_many(
            [(f"annual-reminder-staff:{academy_id}:{year}:{p.id}", p.id, reply) for p in staff]
        )
        await self._audit.record(
            _subject(academy_id, year), actor, "sent-to-staff", {"queued": queued}
        )
        return queued, len(staff)

    async def mark_reminded(self, academy_id: str, year: int, actor: str) -> None:
        """Record that a manager reminded staff themselves."""
        await self._audit.record(_subject(academy_id, year), actor, "reminded-staff")

    async def confirm(self, academy_id: str, year: int, person_id: str) -> bool:
        """Record that the person read the policy this year; False when already recorded."""
        return await self._confirmations.confirm(academy_id, year, person_id)

    async def status(self, academy_id: str, year: int) -> ReminderStatus:
        """Who confirmed, who has not, and what managers did, for one academy and year."""
        confirmed = await self._confirmations.confirmed(academy_id, year)
        staff = [p.id for p in self.directory.staff_of(academy_id)]
        return ReminderStatus(
            academy=academy_id,
            year=year,
            reminder_at=self.calendars[academy_id].annual_reminder_at(year),
            summary_at=self.summary_at(academy_id, year),
            staff=len(staff),
            confirmed=tuple(p for p in staff if p in confirmed),
            not_confirmed=tuple(p for p in staff if p not in confirmed),
            actions=tuple(await self._audit.history(_subject(academy_id, year))),
        )

    async def _summary(self, academy: Academy, year: int) -> Reply:
        status = await self.status(academy.id, year)
        names = [p.name for i in status.not_confirmed if (p := self.directory.person(i))]
        calendar = self.calendars[academy.id]
        text = (
            f"Annual Social Media Policy reminder, {academy.name}, "
            f"{when(status.reminder_at, calendar)}: {len(status.confirmed)} of {status.staff} "
            "staff have confirmed they read the policy."
        )
        text += f"\nNot yet confirmed: {', '.join(names)}." if names else " Everyone has."
        if not status.actions:
            text += "\nNo headteacher or manager has recorded reminding staff this year."
        return Reply(text)


def _subject(academy_id: str, year: int) -> str:
    return f"annual-reminder:{academy_id}:{year}"


class RemindersFeature:
    """Chat: the managers' and staff's buttons on the annual reminder."""

    def __init__(self, reminders: Reminders) -> None:
        self.reminders = reminders

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Send to staff, record a manager's reminder, or record a staff confirmation."""
        if value == _NOT_SENT:
            return [Reply("OK, I haven't sent anything to staff.")]
        kind = next((k for k in (_SEND, _DONE, _READ) if value.startswith(k)), None)
        if kind is None:
            return None
        academy_id, _, year_text = value.removeprefix(kind).rpartition(":")
        directory = self.reminders.directory
        person = directory.person(sender)
        if person is None or person.academy != academy_id or not year_text.isdecimal():
            return [Reply("That reminder is for another academy's staff.")]
        year = int(year_text)
        if kind == _READ:
            return [await self._confirm(academy_id, year, sender)]
        if sender not in {p.id for p in directory.managers_of(academy_id)}:
            return [Reply("Only the headteacher and managers act on the annual reminder.")]
        if kind == _DONE:
            await self.reminders.mark_reminded(academy_id, year, sender)
            return [Reply("Thanks, I've recorded that you reminded staff to read the policy.")]
        queued, staff = await self.reminders.send_to_staff(academy_id, year, sender)
        already = staff - queued
        note = f" ({already} had already been sent it)" if already else ""
        return [
            Reply(
                f"Sent the reminder to {queued} member(s) of staff{note}. In two weeks the "
                "headteacher gets a summary of who has confirmed reading the policy."
            )
        ]

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """The buttons typed: "I have read the policy", "I have reminded staff", and "send it
        to all staff" (asked yes or no first), each for the latest reminder of one's academy."""
        plain = " ".join(text.replace("\u2019", "'").lower().split()).strip(" .!")
        kind = next(
            (k for k, typed in _TYPED.items() if typed.fullmatch(plain)),
            None,
        )
        if kind is None:
            return None
        person = self.reminders.directory.person(sender)
        if person is None or person.academy is None:
            return [Reply("Thanks. The annual reminder is kept per academy, and you have none.")]
        year = self.reminders.current_year(person.academy, self.reminders.clock())
        revision = self.reminders.revision
        if (
            kind == _READ
            and revision is not None
            and revision.published_at <= self.reminders.clock()
        ):
            # "I have read the policy" also confirms a newly published version.
            await self.reminders.confirm(person.academy, revision.round, sender)
        value = f"{kind}{person.academy}:{year}"
        if kind != _SEND:
            return await self.on_choice(sender, value, state)
        managers = self.reminders.directory.managers_of(person.academy)
        if sender not in {p.id for p in managers}:
            return [Reply("Only the headteacher and managers act on the annual reminder.")]
        staff = len(self.reminders.directory.staff_of(person.academy))
        return [
            Reply(
                f"Send the {year} Social Media Policy reminder to all {staff} staff now? Anyone "
                "already sent it this year is not sent it again. Say yes or no.",
                choices=(Choice("Yes, send it", value), Choice("No", _NOT_SENT)),
            )
        ]

    async def _confirm(self, academy_id: str, year: int, person_id: str) -> Reply:
        new = await self.reminders.confirm(academy_id, year, person_id)
        if is_revision(year):
            return Reply(
                "Thank you: recorded that you have read the new version of the policy."
                if new
                else "You've already confirmed reading the new version of the policy. Thank you."
            )
        if not new:
            return Reply(f"You've already confirmed reading the policy for {year}. Thank you.")
        return Reply(f"Thank you: recorded that you have read the policy ({year}).")
