"""Reading a staff list exported from the MIS or HR system as CSV: one person per row.

Columns (any order, any letter case, spaces or hyphens for underscores; extra columns are
ignored): id (or staff_id), name, email, role, academy; optionally phone, slack_id, teams_id
and manager. `--map "Work Email=email"` names the column that holds a field under another
header. Every row is checked, and every problem is reported with its row number (the header
is row 1), so the whole file can be put right at once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from bot.model.directory import ROLES, TRUST_WIDE_ROLES, Academy, DirectoryError, Person
from bot.model.directory_file import describe_error
from bot.model.validation import validated

FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "email",
    "role",
    "academy",
    "phone",
    "slack_id",
    "teams_id",
    "manager",
)
"""Every column the import reads."""
REQUIRED: tuple[str, ...] = ("id", "name", "email", "role", "academy")
"""The columns every file must have (academy may be blank for trust-wide HR, IT and admin)."""
ALIASES: Mapping[str, str] = {"staff_id": "id", "full_name": "name", "school": "academy"}
"""Other usual headers for a field."""

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"", "no", "n", "false", "0"})


@dataclass(frozen=True, slots=True)
class StaffFile:
    """The people in a staff file, and which optional columns it had (the others are kept)."""

    people: tuple[Person, ...]
    columns: frozenset[str]
    """The fields the file gave, so a missing column keeps what the directory already has."""


def key(header: str) -> str:
    """A header as a field name: 'Staff ID' and 'staff-id' are both 'staff_id'."""
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").casefold())


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """--map HEADER=field options as {header key: field}; DirectoryError for a bad one."""
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for pair in pairs:
        header, sep, field = pair.partition("=")
        if not sep or not header.strip() or key(field) not in FIELDS:
            problems.append(
                f"--map {pair!r}: use HEADER=FIELD, where FIELD is one of {', '.join(FIELDS)}"
            )
        else:
            mapping[key(header)] = key(field)
    if problems:
        raise DirectoryError("--map", problems)
    return mapping


def read_staff(
    text: str, source: str, academies: Iterable[Academy], mapping: Mapping[str, str] = {}
) -> StaffFile:
    """Every row of the CSV as a Person; DirectoryError listing every bad row, by number."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise DirectoryError(source, ["the file is empty: the first row should be the headers"])
    where = _columns(header, mapping, source)
    known = academy_names(academies)
    people: list[Person] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {f: row[i].strip() if i < len(row) else "" for f, i in where.items()}
        person, wrong = person_from_row(values, known)
        for field in ("id", "email"):
            value = values[field].casefold()
            if value and (field, value) in seen:
                wrong.append(f"{field} {value!r} is already on row {seen[field, value]}")
            elif value:
                seen[field, value] = number
        problems += [f"row {number}: {reason}" for reason in wrong]
        if person is not None and not wrong:
            people.append(person)
    if problems:
        raise DirectoryError(source, problems)
    if not people:
        raise DirectoryError(source, ["the file has headers but nobody in it"])
    return StaffFile(tuple(people), frozenset(where))


def academy_names(academies: Iterable[Academy]) -> dict[str, str]:
    """Each academy's id and its name in lower case, to its id: how a file may name one."""
    return {a.id: a.id for a in academies} | {a.name.casefold(): a.id for a in academies}


def _columns(header: list[str], mapping: Mapping[str, str], source: str) -> dict[str, int]:
    """Which column holds each field."""
    where: dict[str, int] = {}
    for index, name in enumerate(header):
        name_key = key(name)
        field = mapping.get(name_key) or ALIASES.get(name_key, name_key)
        if field in FIELDS and field not in where:
            where[field] = index
    missing = [f for f in REQUIRED if f not in where]
    if missing:
        headers = ", ".join(repr(h.strip()) for h in header)
        raise DirectoryError(
            source,
            [
                f"no {f!r} column (the headers are {headers}); if it has another name, "
                f"add --map 'HEADER={f}'"
                for f in missing
            ],
        )
    return where


def person_from_row(
    values: dict[str, str], academies: Mapping[str, str]
) -> tuple[Person | None, list[str]]:
    """The row's values (field: text) as a Person, or None with what is wrong with it.

    `academies` maps each academy's id and its name, in lower case, to its id."""
    wrong: list[str] = []
    data: dict[str, object] = {f: v for f, v in values.items() if v and f != "manager"}
    if "id" in data:
        data["id"] = str(data["id"]).casefold()
    if "role" in data:
        data["role"] = str(data["role"]).casefold()
        if data["role"] not in ROLES:
            wrong.append(f"role: {values['role']!r} is not one of {', '.join(ROLES)}")
            del data["role"]
    academy = values.get("academy", "")
    if academy:
        data["academy"] = academies.get(academy.casefold())
        if data["academy"] is None:
            ids = ", ".join(dict.fromkeys(academies.values()))
            wrong.append(f"academy: no academy {academy!r} (use one of {ids})")
    elif data.get("role") not in TRUST_WIDE_ROLES and "role" in data:
        wrong.append("academy: missing; only hr, it and admin staff can be trust-wide")
    manager = values.get("manager", "").casefold()
    if manager not in _YES | _NO:
        wrong.append(f"manager: {values['manager']!r} should be yes or no")
    data["manager"] = manager in _YES
    reported = {reason.partition(":")[0] for reason in wrong}
    try:
        person = validated(Person, data)
    except ValidationError as error:
        found = [e for e in error.errors() if str(e["loc"][0]) not in reported]
        return None, [*wrong, *(describe_error(e) for e in found)]
    return (None, wrong) if wrong else (person, [])
