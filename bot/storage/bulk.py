"""Many rows sent to the database as one JSON parameter and unpacked there into a table.

A statement over thousands of rows then costs one round trip and no per-row parameter
handling in Python: json_each on SQLite, jsonb_to_recordset on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect, FromClause, Text, bindparam, cast, column, func, select
from sqlalchemy.types import TypeEngine

from bot.storage.tables import UTCDateTime


def json_rows(
    dialect: Dialect, rows: Iterable[Mapping[str, Any]], columns: Mapping[str, TypeEngine[Any]]
) -> FromClause:
    """The rows as a table with these columns (name: type), to select, insert or update from.

    Values are str, int, None, datetimes and JSON-ready dicts (for JSON columns).
    """
    # Row by row, so thousands of dicts are not all alive at once for the garbage collector
    # to walk: a generator of rows costs one short-lived dict at a time.
    encode = json.JSONEncoder(default=_datetime_encoder(dialect), separators=(",", ":")).encode
    document = f"[{','.join(map(encode, rows))}]"
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB  # only where the engine has it loaded

        recordset = func.jsonb_to_recordset(cast(bindparam(None, document, Text), JSONB))
        return recordset.table_valued(
            *(column(name, type_) for name, type_ in columns.items())
        ).render_derived(with_types=True)
    each = func.json_each(bindparam(None, document, Text)).table_valued("value")
    return select(
        *(
            func.json_extract(each.c.value, f"$.{name}", type_=type_).label(name)
            for name, type_ in columns.items()
        )
    ).subquery()


def _datetime_encoder(dialect: Dialect) -> Callable[[datetime], Any]:
    """Datetimes as the database stores them: SQLite compares them as text, so they must match."""
    if dialect.name == "postgresql":
        return datetime.isoformat
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    return process
