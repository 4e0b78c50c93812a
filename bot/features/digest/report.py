"""The monthly digest as data, and its wording: the DM to HR and IT, and `policybot digest`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.sanitise import clean
from bot.model.records import ClauseVotes, DeclinedQuestion

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
QUESTION_CHARS = 160
"""A declined question longer than this is shortened in the digest (`policybot gaps` has it)."""


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, written 2026-11."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-11' → Month(2026, 11); ValueError with a plain reason otherwise."""
        year, dash, month = text.strip().partition("-")
        if not (dash and len(year) == 4 and year.isdecimal() and month.isdecimal()):
            raise ValueError(f"{text!r} is not a month like 2026-11")
        if not 1 <= int(month) <= 12 or int(year) < 2000:
            raise ValueError(f"{text!r} is not a month like 2026-11")
        return cls(int(year), int(month))

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a day is in."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        """The 1st of the month."""
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        """The month after."""
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        """The month before."""
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def title(self) -> str:
        """'November 2026'."""
        return f"{_MONTH_NAMES[self.month - 1]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class LateAccount:
    """One account with comments answered late, or not at all, among those due in the month."""

    account_id: str
    handle: str
    academy: str
    academy_name: str
    due: int
    late: int
    unanswered: int


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """How many of an academy's staff have confirmed reading the policy for a reminder year."""

    academy: str
    name: str
    year: int
    staff: int
    confirmed: int

    @property
    def rate(self) -> float | None:
        """Confirmed staff as a fraction; None for an academy with no staff."""
        return self.confirmed / self.staff if self.staff else None


@dataclass(frozen=True, slots=True)
class Routes:
    """Messages from one academy's staff (or trust-wide staff) routed to a DSO: a count only."""

    academy: str | None
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class MonthlyDigest:
    """Everything HR and IT are told about one month."""

    month: Month
    trust: str
    gaps: tuple[DeclinedQuestion, ...]
    not_helpful: tuple[ClauseVotes, ...]
    late: tuple[LateAccount, ...]
    acknowledgements: tuple[Acknowledgement, ...]
    routes: tuple[Routes, ...]

    def text(self) -> str:
        """The digest as the DM and the plain `policybot digest` print it."""
        parts = [
            f"Monthly policybot digest for {self.month.title}, {self.trust}.",
            _section(
                "Questions I could not answer (the top gaps; emails and phone numbers removed)",
                [f'{_times(q.count)}: "{_short(q.text)}"' for q in self.gaps],
                "None: I declined no questions this month.",
            ),
            _section(
                "Answers marked not helpful, by clause",
                [
                    f"{v.clause_id}: {v.not_helpful} not helpful, {v.helpful} helpful"
                    for v in self.not_helpful
                ],
                "None: nobody marked an answer as not helpful.",
            ),
            _section(
                "Comments answered late, by account (of those due this month)",
                [_late_line(a) for a in self.late],
                "None: every comment due this month was answered in time.",
            ),
            _section(
                "Annual policy reminder: staff who have confirmed reading the policy",
                [_acknowledgement_line(a) for a in self.acknowledgements],
                "No academies in the directory.",
            ),
            _section(
                "Messages sent to a DSO about a child who may be at risk (counts only)",
                [f"{r.name}: {r.count}" for r in self.routes],
                "None this month.",
            ),
        ]
        return "\n\n".join(parts)

    def as_json(self) -> dict[str, Any]:
        """The `policybot digest --json` object."""
        return {
            "month": str(self.month),
            "trust": self.trust,
            "gaps": [
                {"text": clean(q.text), "count": q.count, "last_seen": q.last_seen.isoformat()}
                for q in self.gaps
            ],
            "not_helpful": [
                {"clause_id": v.clause_id, "not_helpful": v.not_helpful, "helpful": v.helpful}
                for v in self.not_helpful
            ],
            "late_replies": [
                {
                    "account_id": a.account_id,
                    "handle": a.handle,
                    "academy": a.academy,
                    "due": a.due,
                    "late": a.late,
                    "unanswered": a.unanswered,
                }
                for a in self.late
            ],
            "acknowledgements": [
                {
                    "academy": a.academy,
                    "year": a.year,
                    "staff": a.staff,
                    "confirmed": a.confirmed,
                    "rate": None if a.rate is None else round(a.rate, 3),
                }
                for a in self.acknowledgements
            ],
            "safeguarding_routes": [{"academy": r.academy, "count": r.count} for r in self.routes],
        }


def _section(heading: str, lines: list[str], empty: str) -> str:
    return "\n".join([f"{heading}:", *(f"• {line}" for line in lines or [empty])])


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _short(text: str) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= QUESTION_CHARS else text[: QUESTION_CHARS - 1].rstrip() + "…"


def _late_line(account: LateAccount) -> str:
    said = [f"{account.late} of {account.due} answered late"] if account.late else []
    if account.unanswered:
        said.append(f"{account.unanswered} of {account.due} still unanswered past the deadline")
    return f"{account.handle} ({account.academy_name}): {', '.join(said)}"


def _acknowledgement_line(a: Acknowledgement) -> str:
    if a.rate is None:
        return f"{a.name}: no staff in the directory"
    return f"{a.name}: {a.confirmed} of {a.staff} ({a.rate:.0%}) for the {a.year} reminder"
