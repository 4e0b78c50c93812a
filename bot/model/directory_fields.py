"""The directory's field types and how their YAML values are read and checked.

The records in bot.model.directory carry these as annotations, which pydantic reads when a
directory file is validated (bot.model.validation); nothing here imports pydantic.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal, NamedTuple, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.model.validation import NOT_EMPTY, Check

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


class WorkingHours(NamedTuple):
    """An academy's working day in its local time; start is before end."""

    start: time
    end: time


def _matching(pattern: str, expected: str) -> Check:
    regex = re.compile(pattern)

    def check(value: str) -> str:
        if not regex.fullmatch(value):
            raise ValueError(f"{value!r} is not {expected}")
        return value

    return Check(check, "after")


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a time zone name like 'Europe/London'") from None
    return value


def _parse_hours(value: object) -> WorkingHours:
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


def _expand_closures(value: object) -> frozenset[date]:
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
            from pydantic_core import PydanticCustomError

            # A custom error keeps the item's index for the field path.
            raise PydanticCustomError(
                "closure", "{reason}", {"index": index, "reason": str(error)}
            ) from None
    return frozenset(days)


def _parse_month_day(value: object) -> tuple[int, int] | None:
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


Slug = Annotated[
    str,
    _matching(
        r"[a-z0-9]+(?:-[a-z0-9]+)*",
        "a valid id: use lowercase letters, digits and hyphens, like 'st-marys'",
    ),
]
Email = Annotated[str, _matching(r"[^@\s]+@[^@\s]+\.[^@\s.]+", "a valid email address")]
Url = Annotated[str, _matching(r"https?://[^\s/]+\S*", "a web address starting with https://")]
Team = Annotated[tuple[str, ...], NOT_EMPTY]
TimeZoneName = Annotated[str, Check(_known_zone, "after")]
Hours = Annotated[WorkingHours, Check(_parse_hours, "before")]
Closures = Annotated[frozenset[date], Check(_expand_closures, "before")]
MonthDay = Annotated[tuple[int, int] | None, Check(_parse_month_day, "before")]
