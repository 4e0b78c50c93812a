"""The trust directory: the trust, its academies and its people, from a validated YAML file."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from rapidfuzz import process, utils

from bot.errors import UserError

DEMO_TRUST: Path = Path(__file__).parent / "data" / "demo_trust.yaml"
"""The bundled fictional trust: a working example and the template trusts copy."""

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
SlackId = Annotated[
    str,
    _matching(r"[UW][A-Z0-9]{2,}", "a Slack user id (U or W, then capitals and digits: U0123ABCD)"),
]
TeamsId = Annotated[
    str,
    _matching(
        r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}",
        "a Teams (Azure AD) object id, a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    ),
]
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
    slack_id: SlackId | None = None
    teams_id: TeamsId | None = None
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


class _File(_Frozen):
    trust: Trust
    academies: tuple[Academy, ...] = Field(min_length=1)
    people: tuple[Person, ...] = Field(min_length=1)


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
        self.trust = trust
        self.academies = tuple(academies)
        self.people = tuple(people)
        problems = _cross_check(self.academies, self.people)
        if problems:
            raise DirectoryError(source, problems)
        self._people = {p.id: p for p in self.people}
        self._academies = {a.id: a for a in self.academies}
        self._slack = {p.slack_id: p for p in self.people if p.slack_id}
        self._teams = {p.teams_id.lower(): p for p in self.people if p.teams_id}
        self._emails = {p.email.casefold(): p for p in self.people}

    def person(self, person_id: str) -> Person | None:
        """The person with this id."""
        return self._people.get(person_id)

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


def load_directory(path: str | Path) -> Directory:
    """Read and validate a directory YAML file; raise DirectoryError saying what is wrong."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DirectoryError(source, ["cannot read the file: it is not UTF-8 text"]) from None
    except OSError as error:
        raise DirectoryError(source, [f"cannot read the file: {error.strerror}"]) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f"line {mark.line + 1}: " if mark else ""
        raise DirectoryError(source, [f"{line}invalid YAML: {error.problem}"]) from None
    except yaml.YAMLError as error:
        raise DirectoryError(source, [f"invalid YAML: {error}"]) from None
    return parse_directory(data, source)


def parse_directory(data: object, source: str) -> Directory:
    """Validate already-parsed YAML data; source names it in error messages."""
    if data is None:
        raise DirectoryError(source, ["the file is empty"])
    if not isinstance(data, dict):
        raise DirectoryError(source, ["should be a mapping with trust, academies and people"])
    try:
        parsed = _File.model_validate(data)
    except ValidationError as error:
        raise DirectoryError(source, [_describe(e) for e in error.errors()]) from None
    return Directory(parsed.trust, parsed.academies, parsed.people, source=source)


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys, which plain YAML silently lets the last win."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        if isinstance(key, Hashable):
            seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


_REASONS = {
    "missing": "missing (this field is required)",
    "extra_forbidden": "unknown field (check the spelling)",
    "string_too_short": "should not be empty",
    "bool_type": "should be true or false",
    "tuple_type": "should be a list",
    "too_short": "should list at least one",
    "model_type": "should be a set of fields (name: value)",
}


def _describe(error: ErrorDetails) -> str:
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    kind, ctx = error["type"], error.get("ctx", {})
    if kind == "closure":
        path += f"[{ctx['index']}]"
    if kind in _REASONS:
        reason = _REASONS[kind]
    elif kind == "value_error":
        reason = str(ctx["error"])
    elif kind == "literal_error":
        reason = f"{error['input']!r} is not allowed; use one of {ctx['expected']}"
    elif kind == "string_type" and error["input"] is None:
        reason = "should not be empty"
    elif kind == "string_type":
        reason = f"should be text, not {_kind_of(error['input'])} (put it in quotes)"
    else:
        reason = error["msg"]
    return f"{path}: {reason}" if path else reason


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date):
        return "a date"
    return "a list" if isinstance(value, list) else "a set of fields"
