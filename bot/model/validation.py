"""Validating plain dataclass records with pydantic, which is imported only to validate.

Records (the trust directory, the business case form) are frozen dataclasses whose fields
carry checks as annotations. pydantic reads them when a data file is first validated; a
process that reads records already validated, from the cache or the database, never imports
it (about a third of `policybot worker --once`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, TypeAdapter
    from pydantic_core import CoreSchema

_R = TypeVar("_R")
_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}

RECORD_CONFIG: dict[str, object] = {
    "extra": "forbid",
    "str_strip_whitespace": True,
    "str_min_length": 1,
}
"""How a record's fields are read: unknown fields refused, text stripped and not empty."""


def validated(kind: type[_R], data: object) -> _R:
    """A record of `kind` from data as a file has it; pydantic's ValidationError if wrong."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    record: _R = adapter.validate_python(data)
    return record


class Check:
    """A field's check, as an annotation: run by pydantic before its own type check (mode
    "before", which may convert the value) or after it."""

    def __init__(self, check: Callable[[Any], Any], mode: Literal["before", "after"]) -> None:
        self.check, self.mode = check, mode

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        if self.mode == "before":
            return core_schema.no_info_before_validator_function(self.check, handler(source))
        return core_schema.no_info_after_validator_function(self.check, handler(source))


class StrictBool:
    """As an annotation of a bool field: true or false only, not "yes" or 1."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        return core_schema.bool_schema(strict=True)


def _not_empty(value: tuple[Any, ...]) -> tuple[Any, ...]:
    if not value:
        raise ValueError("should list at least one")
    return value


NOT_EMPTY = Check(_not_empty, "after")
"""As an annotation of a tuple field: at least one item."""
