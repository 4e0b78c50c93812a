"""The trust directory: the trust, its academies and its people, with their lookups.

Read from YAML by bot.model.directory_file; chat platform ids are plain strings here, checked
by each platform's adapter against its own format.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import Annotated, ClassVar
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.model.directory_fields import (
    ROLES,
    TRUST_WIDE_ROLES,
    Closures,
    Email,
    Hours,
    MonthDay,
    Role,
    Slug,
    Team,
    TimeZoneName,
    Url,
    WorkingHours,
)
from bot.model.validation import RECORD_CONFIG, StrictBool

__all__ = ["ROLES", "TRUST_WIDE_ROLES", "Academy", "Directory", "DirectoryError", "Person", "Trust"]

_FUZZY_CUTOFF = 70
_DAY = WorkingHours(time(8), time(17))


class DirectoryError(UserError):
    """A directory that cannot be used; each line of the message says file, field and reason."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{source}: {problem}" for problem in self.problems))


@dataclass(frozen=True, slots=True)
class Trust:
    """The trust itself."""

    __pydantic_config__: ClassVar[dict[str, object]] = RECORD_CONFIG

    name: str
    policy_url: Url
    """Where staff can read the policy."""
    safeguarding_lead: str | None = None
    """Person id of the trust's safeguarding lead: trust-wide staff's first contact about a
    child at risk (without one, they are shown every academy's DSO)."""


@dataclass(frozen=True, slots=True)
class Person:
    """Someone in the trust: staff, volunteer or trainee."""

    __pydantic_config__: ClassVar[dict[str, object]] = RECORD_CONFIG

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
    manager: Annotated[bool, StrictBool()] = False
    """Counts as a manager for the annual reminder (headteachers always do)."""


@dataclass(frozen=True, slots=True)
class Academy:
    """One school in the trust, with the people responsible for it."""

    __pydantic_config__: ClassVar[dict[str, object]] = RECORD_CONFIG

    id: Slug
    name: str
    headteacher: str
    leadership: Team
    """The Academy Leadership Team's person ids, headteacher included."""
    safeguarding_officer: str
    """The Designated Safeguarding Officer's person id."""
    it_contact: str
    timezone: TimeZoneName = "Europe/London"
    working_hours: Hours = _DAY
    closures: Closures = frozenset()
    """Every day the academy is closed, ranges expanded."""
    annual_reminder: MonthDay = None
    """(month, day); None means the first working day of September."""

    @property
    def zone(self) -> ZoneInfo:
        """The academy's time zone."""
        return ZoneInfo(self.timezone)


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
