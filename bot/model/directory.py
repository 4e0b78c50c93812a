"""The trust directory: the trust, its academies and its people, with their lookups.

Read from YAML by bot.model.directory_file; chat platform ids are plain strings here, checked
by each platform's adapter against its own format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal, NamedTuple, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic_core import PydanticCustomError

from bot.errors import UserError

Role = Literal[
    "teacher",
    "support",
    "headteacher",
    "leader",
    "manager",
    "safeguarding",
    "it",
    "hr",
    "admin",
    "volunteer",
    "trainee",
]
ROLES: tuple[str, ...] = get_args(Role)
"""Every role a person may have."""

TRUST_WIDE_ROLES: frozenset[str] = frozenset({"hr", "it", "admin"})
"""Roles whose holders may work for the trust rather than one academy."""

_FUZZY_CUTOFF = 70


class DirectoryError(UserError):
    """A directory that cannot be used; each line of the message says file, field and reason."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))


def _matching(pattern: str, expected: str) -> AfterValidator:
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f"{value!r} is not {expected}")
        return value

    return AfterValidator(check)


Slug = Annotated[
    str,
    _matching(
        r"[a-z0-9]+(?:-[a-z0-9]+)*",
        "a valid id: use lowercase letters, digits and hyphens, like 'st-marys'",
    ),
]
Email = Annotated[str, _matching(r"[^@\s]+@[^@\s]+\.[^@\s.]+", "a valid email address")]
Url = Annotated[str, _matching(r"https?://[^\s/]+\S*", "a web address starting with https://")]


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, str_min_length=1
    )


class Trust(_Frozen):
    """The trust itself."""

    name: str
    policy_url: Url
    """Where staff can read the policy."""
    safeguarding_lead: str | None = None
    """Person id of the trust's safeguarding lead: trust-wide staff's first contact about a
    child at risk (without one, they are shown every academy's DSO)."""


class WorkingHours(NamedTuple):
    """An academy's working day in its local time; start is before end."""

    start: time
    end: time


class Person(_Frozen):
    """Someone in the trust: staff, volunteer or trainee."""

    id: Slug
    name: str
    email: Email
    role: Role
    academy: str | None = None
    """The academy's id; None for trust-wide staff (hr, it, admin only)."""
    phone: str | None = None
    slack_id: str | None = None
    """Slack member id; its format is the Slack adapter's to check."""
    teams_id: str | None = None
    """Teams (Azure AD) object id; its format is the Teams adapter's to check."""
    manager: StrictBool = False
    """Counts as a manager for the annual reminder (headteachers always do)."""


class Academy(_Frozen):
    """One school in the trust, with the people responsible for it."""

    id: Slug
    name: str
    headteacher: str
    leadership: tuple[str, ...] = Field(min_length=1)
    """The Academy Leadership Team's person ids, headteacher included."""
    safeguarding_officer: str
    """The Designated Safeguarding Officer's person id."""
    it_contact: str
    timezone: str = "Europe/London"
    working_hours: WorkingHours = WorkingHours(time(8), time(17))
    closures: frozenset[date] = frozenset()
    """Every day the academy is closed, ranges expanded."""
    annual_reminder: tuple[int, int] | None = None
    """(month, day); None means the first working day of September."""

    @property
    def zone(self) -> ZoneInfo:
        """The academy's time zone."""
        return ZoneInfo(self.timezone)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name like 'Europe/London'") from None
        return value

    @field_validator("working_hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: object) -> WorkingHours:
        hint = 'should be a start-end range on the 24-hour clock, in quotes, like "08:00-17:00"'
        if isinstance(value, WorkingHours):
            hours = value
        elif isinstance(value, str) and (
            found := re.fullmatch(r"(\d{1,2}):(\d\d)\s*-\s*(\d{1,2}):(\d\d)", value.strip())
        ):
            h1, m1, h2, m2 = map(int, found.groups())
            try:
                hours = WorkingHours(time(h1, m1), time(h2, m2))
            except ValueError:
                raise ValueError(f"{value!r} is not a real time range; {hint}") from None
        else:
            raise ValueError(hint)
        if hours.start >= hours.end:
            raise ValueError(f"start {hours.start:%H:%M} must be before end {hours.end:%H:%M}")
        return hours

    @field_validator("closures", mode="before")
    @classmethod
    def _expand_closures(cls, value: object) -> frozenset[date]:
        if value is None:
            return frozenset()
        if isinstance(value, set | frozenset):
            return frozenset(value)
        if not isinstance(value, list):
            raise ValueError("should be a list of dates or {from: date, to: date} ranges")
        days: set[date] = set()
        for index, item in enumerate(value):
            try:
                days |= _closure_days(item)
            except ValueError as error:
                # A custom error keeps the item's index for the field path.
                raise PydanticCustomError(
                    "closure", "{reason}", {"index": index, "reason": str(error)}
                ) from None
        return frozenset(days)

    @field_validator("annual_reminder", mode="before")
    @classmethod
    def _parse_month_day(cls, value: object) -> tuple[int, int] | None:
        hint = 'should be a month and day in quotes, like "09-01"'
        if value is None:
            return None
        found = re.fullmatch(r"(\d\d?)-(\d\d?)", value.strip()) if isinstance(value, str) else None
        if found is None:
            raise ValueError(hint)
        month, day = map(int, found.groups())
        try:
            date(2025, month, day)  # not a leap year: the reminder must fall every year
        except ValueError:
            raise ValueError(f"{value!r} is not a day that occurs every year; {hint}") from None
        return month, day


def _day(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date like 2026-10-23")


def _closure_days(item: object) -> set[date]:
    if not isinstance(item, dict):
        return {_day(item)}
    if set(item) != {"from", "to"}:
        raise ValueError("a range needs 'from' and 'to' only: {from: 2026-10-26, to: 2026-10-30}")
    start, end = _day(item["from"]), _day(item["to"])
    if start > end:
        raise ValueError(f"'from' {start} is after 'to' {end}")
    if (end - start).days > 366:
        raise ValueError(f"{start} to {end} is longer than a year; is one of the years wrong?")
    return {start + timedelta(days) for days in range((end - start).days + 1)}


class Directory:
    """The validated trust directory with its lookups."""

    def __init__(
        self,
        trust: Trust,
        academies: Iterable[Academy],
        people: Iterable[Person],
        source: str = "directory",
    ) -> None:
        """Check the cross-references and index; raise DirectoryError naming source if invalid."""
        self.source = source
        """Where the directory came from (its file), for error messages."""
        self.trust = trust
        self.academies = tuple(academies)
        self.people = tuple(people)
        problems = _cross_check(self.academies, self.people)
        lead = trust.safeguarding_lead
        if lead is not None and lead not in {p.id for p in self.people}:
            problems.append(f"trust.safeguarding_lead: no person with id {lead!r}")
        if problems:
            raise DirectoryError(source, problems)
        self._people = {p.id: p for p in self.people}
        self._academies = {a.id: a for a in self.academies}
        self._slack = {p.slack_id: p for p in self.people if p.slack_id}
        self._teams = {p.teams_id.lower(): p for p in self.people if p.teams_id}
        self._emails = {p.email.casefold(): p for p in self.people}

    def adopt(self, newer: Directory) -> None:
        """Become `newer` in place, so everything holding this directory sees the change."""
        self.__dict__.update(newer.__dict__)

    def person(self, person_id: str) -> Person | None:
        """The person with this id."""
        return self._people.get(person_id)

    def name_of(self, person_id: str) -> str:
        """The person's name, or the id itself for someone no longer in the directory."""
        person = self._people.get(person_id)
        return person.name if person else person_id

    def names_of(self, person_ids: Iterable[str]) -> str:
        """'Dana Demo, Jack Sampleton': each person's name, or the id of one no longer here."""
        return ", ".join(self.name_of(i) for i in person_ids)

    def academy(self, academy_id: str) -> Academy | None:
        """The academy with this id."""
        return self._academies.get(academy_id)

    def by_slack_id(self, uid: str) -> Person | None:
        """The person with this Slack user id."""
        return self._slack.get(uid.strip())

    def by_teams_id(self, oid: str) -> Person | None:
        """The person with this Teams (Azure AD) object id, in any letter case."""
        return self._teams.get(oid.strip().lower())

    def by_email(self, email: str) -> Person | None:
        """The person with this email address, in any letter case."""
        return self._emails.get(email.strip().casefold())

    def safeguarding_contacts(self, person: Person | None) -> list[Person]:
        """Whom this person tells about a child at risk: their academy's DSO; for trust-wide
        staff the trust's safeguarding lead, or failing that every academy's DSO."""
        academy = self.academy_of(person) if person else None
        if academy is not None:
            ids = [academy.safeguarding_officer]
        elif self.trust.safeguarding_lead:
            ids = [self.trust.safeguarding_lead]
        else:
            ids = list(dict.fromkeys(a.safeguarding_officer for a in self.academies))
        return [p for i in ids if (p := self.person(i)) is not None]

    def academy_of(self, person: Person) -> Academy | None:
        """The person's academy; None for trust-wide staff."""
        return self._academies.get(person.academy) if person.academy else None

    def staff_of(self, academy_id: str) -> list[Person]:
        """Everyone who belongs to the academy, in file order."""
        return [p for p in self.people if p.academy == academy_id]

    def leadership_of(self, academy_id: str) -> list[Person]:
        """The academy's leadership team, in file order of the leadership list."""
        academy = self.academy(academy_id)
        return [self._people[pid] for pid in academy.leadership] if academy else []

    def is_leader(self, person_id: str, academy_id: str) -> bool:
        """Whether the person is on the academy's leadership team."""
        academy = self.academy(academy_id)
        return academy is not None and person_id in academy.leadership

    def managers_of(self, academy_id: str) -> list[Person]:
        """The academy's headteacher, then its other people marked manager: true."""
        academy = self.academy(academy_id)
        if academy is None:
            return []
        head = self._people[academy.headteacher]
        return [head, *(p for p in self.staff_of(academy_id) if p.manager and p.id != head.id)]

    def find_people(self, name: str, academy_id: str | None = None, limit: int = 3) -> list[Person]:
        """People whose name is like `name`, best first; an exact name or id match comes first."""
        from rapidfuzz import process, utils  # here: most commands never look a name up

        wanted = name.strip().casefold()
        if not wanted or limit < 1:
            return []
        pool = self.people if academy_id is None else tuple(self.staff_of(academy_id))
        exact = [p for p in pool if wanted in (p.name.casefold(), p.id)]
        exact_ids = {p.id for p in exact}
        choices = {i: p.name for i, p in enumerate(pool) if p.id not in exact_ids}
        found = process.extract(
            wanted,
            choices,
            processor=utils.default_process,
            limit=limit,
            score_cutoff=_FUZZY_CUTOFF,
        )
        return [*exact, *(pool[key] for _, _, key in found)][:limit]


def _cross_check(academies: tuple[Academy, ...], people: tuple[Person, ...]) -> list[str]:
    problems: list[str] = []

    def unique(what: str, values: Iterable[tuple[str, str | None]]) -> None:
        first: dict[str, str] = {}
        for where, value in values:
            if value is None:
                continue
            key, owner = value.casefold(), where.split(".")[0]
            if key in first:
                problems.append(f"{where}: {what} {value!r} is already used by {first[key]}")
            else:
                first[key] = owner

    unique("id", ((f"academies[{i}].id", a.id) for i, a in enumerate(academies)))
    unique("id", ((f"people[{i}].id", p.id) for i, p in enumerate(people)))
    unique("email", ((f"people[{i}].email", p.email) for i, p in enumerate(people)))
    unique("Slack id", ((f"people[{i}].slack_id", p.slack_id) for i, p in enumerate(people)))
    unique("Teams id", ((f"people[{i}].teams_id", p.teams_id) for i, p in enumerate(people)))

    academy_ids = {a.id for a in academies}
    home: dict[str, str | None] = {p.id: p.academy for p in people}
    for i, p in enumerate(people):
        if p.academy is None and p.role not in TRUST_WIDE_ROLES:
            problems.append(
                f"people[{i}].academy: missing; only hr, it and admin staff can be trust-wide"
            )
        elif p.academy is not None and p.academy not in academy_ids:
            problems.append(f"people[{i}].academy: no academy with id {p.academy!r}")

    for i, a in enumerate(academies):
        roles = [
            ("headteacher", a.headteacher),
            *((f"leadership[{k}]", pid) for k, pid in enumerate(a.leadership)),
            ("safeguarding_officer", a.safeguarding_officer),
            ("it_contact", a.it_contact),
        ]
        for field, pid in roles:
            where = f"academies[{i}].{field}"
            if pid not in home:
                problems.append(f"{where}: no person with id {pid!r}")
            elif home[pid] != a.id and not (field == "it_contact" and home[pid] is None):
                elsewhere = f"academy {home[pid]!r}" if home[pid] else "the trust (no academy)"
                problems.append(f"{where}: {pid!r} belongs to {elsewhere}, not to {a.id!r}")
        for k, pid in enumerate(a.leadership):
            if pid in a.leadership[:k]:
                problems.append(f"academies[{i}].leadership[{k}]: {pid!r} is listed twice")
        if a.headteacher in home and a.headteacher not in a.leadership:
            problems.append(
                f"academies[{i}].leadership: must include the headteacher {a.headteacher!r}"
            )
    return problems
