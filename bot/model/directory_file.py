"""Reading the trust directory from YAML: a strict loader, validation, and errors in plain words.

Every problem is reported at once, one per line, as `file: field path: what is wrong`. A file
validated once is kept in the user's cache as its records, keyed by a hash of the text and of
the code that validates it: later starts (every `policybot worker --once`) read the records
back without importing pydantic or PyYAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, NamedTuple

from bot.model import directory, directory_fields, validation
from bot.model.directory import Academy, Directory, DirectoryError, Person, Trust
from bot.model.validation import NOT_EMPTY, validated
from intents import yaml_data

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails


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


class Records(NamedTuple):
    """A directory file's validated records, before the cross-checks Directory makes."""

    trust: Trust
    academies: tuple[Academy, ...]
    people: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class _File:
    """A directory file's three sections, as pydantic validates them."""

    __pydantic_config__: ClassVar[dict[str, object]] = {"extra": "forbid"}

    trust: Trust
    academies: Annotated[tuple[Academy, ...], NOT_EMPTY]
    people: Annotated[tuple[Person, ...], NOT_EMPTY]


def _validate_file(data: dict[str, Any]) -> Records:
    """The records of a file's data; pydantic's ValidationError listing every problem."""
    parsed = validated(_File, data)
    return Records(parsed.trust, parsed.academies, parsed.people)


def load_directory(
    path: str | Path, formats: Sequence[IdFormat] = (), cache_dir: Path | None = None
) -> Directory:
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
        records = yaml_data.load_checked(
            text,
            strict=True,
            cache_as="directory",
            check=lambda data: _records(data, source),
            code=_CODE,
            cache_dir=cache_dir,
        )
    except Exception as error:
        if not yaml_data.is_yaml_error(error):
            raise
        raise DirectoryError(source, [_yaml_problem(error)]) from None
    return _assemble(records, source, formats)


_CODE = (
    Path(__file__),
    *(Path(str(m.__file__)) for m in (directory, directory_fields, validation)),
)
"""The code that validates a directory file."""


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
    return _assemble(_records(data, source), source, formats)


def _records(data: object, source: str) -> Records:
    if data is None:
        raise DirectoryError(source, ["the file is empty"])
    if not isinstance(data, dict):
        raise DirectoryError(source, ["should be a mapping with trust, academies and people"])
    from pydantic import ValidationError

    try:
        return _validate_file(data)
    except ValidationError as error:
        raise DirectoryError(source, [describe_error(e) for e in error.errors()]) from None


def _assemble(records: Records, source: str, formats: Sequence[IdFormat]) -> Directory:
    """The directory of validated records, with its cross-checks and the platforms' id formats."""
    wrong_ids = [problem for f in formats for problem in f.problems(records.people)]
    try:
        directory = Directory(records.trust, records.academies, records.people, source=source)
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
    "unexpected_keyword_argument": "unknown field (check the spelling)",
    "string_too_short": "should not be empty",
    "bool_type": "should be true or false",
    "tuple_type": "should be a list",
    "too_short": "should list at least one",
    "model_type": "should be a set of fields (name: value)",
    "dataclass_type": "should be a set of fields (name: value)",
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


def fields_of(record: Trust | Academy | Person, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The record's fields by name, leaving out `exclude`."""
    left_out = set(exclude)
    return {k: v for k, v in asdict(record).items() if k not in left_out}


def academy_data(academy: Academy) -> dict[str, object]:
    """The academy as the fields of its YAML entry, which `validated(Academy, ...)` reads back."""
    data = fields_of(academy, exclude={"working_hours", "closures", "annual_reminder"})
    hours = academy.working_hours
    data["leadership"] = list(academy.leadership)
    data["working_hours"] = f"{hours.start:%H:%M}-{hours.end:%H:%M}"
    data["closures"] = sorted(day.isoformat() for day in academy.closures)
    if academy.annual_reminder is not None:
        data["annual_reminder"] = "{:02d}-{:02d}".format(*academy.annual_reminder)
    return data
