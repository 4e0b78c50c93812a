"""Connections for a store bound to the engine, or to a connection inside a caller's transaction.

A store built on the engine opens (and commits) a transaction per call; the same store built on
a connection from `SqlTransactions.begin()` writes inside that one transaction, so a case's
status, its audit entry and its messages are kept together or not at all.

Reads and single statements need no transaction of their own: on PostgreSQL each statement
sees its own snapshot under READ COMMITTED and commits by itself, so `reading` and `one_statement`
spare the BEGIN before and the COMMIT or ROLLBACK after, two of its three round trips.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

from bot.storage.asyncio_engine import AsyncConnection, AsyncEngine

Target = AsyncEngine | AsyncConnection
"""What a store runs its statements on."""

_AUTOCOMMIT: WeakKeyDictionary[AsyncEngine, AsyncEngine] = WeakKeyDictionary()


@asynccontextmanager
async def writing(target: Target) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction: the caller's own, or a new one committed on exit."""
    if isinstance(target, AsyncConnection):
        yield target
    else:
        async with target.begin() as connection:
            yield connection


@asynccontextmanager
async def reading(target: Target) -> AsyncIterator[AsyncConnection]:
    """A connection to read on: the caller's own (seeing its uncommitted writes), or a new one
    outside any transaction."""
    if isinstance(target, AsyncConnection):
        yield target
    else:
        async with _autocommit(target).connect() as connection:
            yield connection


@asynccontextmanager
async def one_statement(target: Target) -> AsyncIterator[AsyncConnection]:
    """A connection for one write statement (atomic by itself): the caller's own, or a new one
    that commits it, by itself on PostgreSQL."""
    if isinstance(target, AsyncConnection):
        yield target
    elif (autocommit := _autocommit(target)) is not target:
        async with autocommit.connect() as connection:
            yield connection
    else:
        async with target.begin() as connection:
            yield connection


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    """The engine with its PostgreSQL connections in autocommit (same pool). SQLite's is left
    as it is: its driver begins a transaction only before a write, and would pay a thread hop
    to change mode."""
    if engine.dialect.name != "postgresql":
        return engine
    view = _AUTOCOMMIT.get(engine)
    if view is None:
        view = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return view
