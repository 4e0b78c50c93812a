"""The one logging set-up `policybot` uses: libraries never print what people wrote."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.cli.main import LIBRARIES, LibraryDetails, cap_libraries
from bot.storage.database import create_engine


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """What a handler configured like `configure_logging`'s prints."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(LibraryDetails())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)


def test_a_library_warning_quoting_a_request_keeps_only_what_happened(
    stream: io.StringIO,
) -> None:
    bolt = logging.getLogger("slack_bolt.AsyncApp")
    bolt.warning("Unhandled request ({'event': {'text': 'my worry about Tamsin'}})")
    try:
        raise KeyError("Tamsin's address")
    except KeyError:
        bolt.exception("Failed to run listener function (error: 'Tamsin')")
    logging.getLogger("adapters.web").warning("policybot's own line stays whole: 42")
    assert stream.getvalue().splitlines() == [
        "Unhandled request (details withheld)",
        "Failed to run listener function (details withheld)",
        "policybot's own line stays whole: 42",
    ]


def test_libraries_never_log_below_info_even_at_debug() -> None:
    root = logging.getLogger()
    before = root.level, {name: logging.getLogger(name).level for name in LIBRARIES}
    root.setLevel(logging.DEBUG)
    try:
        cap_libraries()
        for name in ("aiosqlite", "slack_bolt", "msrest", "botbuilder", "aiohttp", "urllib3"):
            assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
        assert logging.getLogger("adapters.web").isEnabledFor(logging.DEBUG)
    finally:
        root.setLevel(before[0])
        for name, level in before[1].items():
            logging.getLogger(name).setLevel(level)


async def test_a_failed_statement_never_shows_the_values_it_carried(tmp_path: object) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/x.db")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("create table t (x integer check (x < 0))"))
            with pytest.raises(DBAPIError) as failed:
                await connection.execute(text("insert into t values (:x)"), {"x": 4821})
    finally:
        await engine.dispose()
    assert "4821" not in str(failed.value)
    assert "hidden" in str(failed.value)
