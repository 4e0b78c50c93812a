"""Reading the trust directory from YAML: a strict loader, validation, and errors in plain words.

Every problem is reported at once, one per line, as `file: field path: what is wrong`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from bot.model.directory import Academy, Directory, DirectoryError, Person, Trust
from intents import yaml_data

DEMO_TRUST: Path = Path(__file__).parents[1] / "data" / "demo_trust.yaml"
"""The bundled fictional trust: a working example and the template trusts copy."""


@dataclass(frozen=True, slots=True)
class IdFormat:
    """A chat platform's rule for its ids in the directory, e.g. Slack member ids."""

    field: Literal["slack_id", "teams_id"]
    pattern: re.Pattern[str]
    """What a valid id fullmatches."""
    expected: str
    """What a valid id looks like, in words: 'a Slack user id (U0123ABCD)'."""

    def problems(self, people: Iterable[Person]) -> list[str]:
        """One line per person whose id of this kind does not match."""
        return [
            f"people[{i}].{self.field}: {value!r} is not {self.expected}"
            for i, person in enumerate(people)
            if (value := getattr(person, self.field)) is not None
            and not self.pattern.fullmatch(value)
        ]


class _File(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, str_min_length=1
    )

    trust: Trust
    academies: tuple[Academy, ...] = Field(min_length=1)
    people: tuple[Person, ...] = Field(min_length=1)


def load_directory(path: str | Path, formats: Sequence[IdFormat] = ()) -> Directory:
    """Read and validate a directory YAML file; raise DirectoryError saying what is wrong.

    `formats` are chat platforms' rules for their ids (each adapter exports its own).
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DirectoryError(source, ["cannot read the file: it is not UTF-8 text"]) from None
    except OSError as error:
        raise DirectoryError(source, [f"cannot read the file: {error.strerror}"]) from None
    try:
        data = yaml_data.load(text, strict=True, cache_as="directory")
    except Exception as error:
        if not yaml_data.is_yaml_error(error):
            raise
        raise DirectoryError(source, [_yaml_problem(error)]) from None
    return parse_directory(data, source, formats)


def _yaml_problem(error: Exception) -> str:
    """What is wrong with the YAML, and on which line when PyYAML says."""
    import yaml  # loaded already: parsing raised the error

    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = f"line {mark.line + 1}: " if mark else ""
        return f"{line}invalid YAML: {error.problem}"
    return f"invalid YAML: {error}"


def parse_directory(data: object, source: str, formats: Sequence[IdFormat] = ()) -> Directory:
    """Validate already-parsed YAML data; source names it in error messages."""
    if data is None:
        raise DirectoryError(source, ["the file is empty"])
    if not isinstance(data, dict):
        raise DirectoryError(source, ["should be a mapping with trust, academies and people"])
    try:
        parsed = _File.model_validate(data)
    except ValidationError as error:
        raise DirectoryError(source, [describe_error(e) for e in error.errors()]) from None
    wrong_ids = [problem for f in formats for problem in f.problems(parsed.people)]
    try:
        directory = Directory(parsed.trust, parsed.academies, parsed.people, source=source)
    except DirectoryError as error:
        raise DirectoryError(source, [*wrong_ids, *error.problems]) from None
    if wrong_ids:
        raise DirectoryError(source, wrong_ids)
    return directory


def check_ids(directory: Directory, formats: Sequence[IdFormat]) -> None:
    """Raise DirectoryError, naming the directory's file, if any person's id breaks a format."""
    problems = [problem for f in formats for problem in f.problems(directory.people)]
    if problems:
        raise DirectoryError(directory.source, problems)


_REASONS = {
    "missing": "missing (this field is required)",
    "extra_forbidden": "unknown field (check the spelling)",
    "string_too_short": "should not be empty",
    "bool_type": "should be true or false",
    "tuple_type": "should be a list",
    "too_short": "should list at least one",
    "model_type": "should be a set of fields (name: value)",
}


def describe_error(error: ErrorDetails) -> str:
    """One validation error as 'field path: what is wrong', in plain words."""
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


def academy_data(academy: Academy) -> dict[str, object]:
    """The academy as the fields of its YAML entry, which Academy.model_validate reads back."""
    data = academy.model_dump(exclude={"working_hours", "closures", "annual_reminder"})
    hours = academy.working_hours
    data["leadership"] = list(academy.leadership)
    data["working_hours"] = f"{hours.start:%H:%M}-{hours.end:%H:%M}"
    data["closures"] = sorted(day.isoformat() for day in academy.closures)
    if academy.annual_reminder is not None:
        data["annual_reminder"] = "{:02d}-{:02d}".format(*academy.annual_reminder)
    return data
