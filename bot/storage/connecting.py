"""Connections for a store bound to the engine, or to a connection inside a caller's transaction.

A store built on the engine opens (and commits) a transaction per call; the same store built on
a connection from `SqlTransactions.begin()` writes inside that one transaction, so a case's
status, its audit entry and its messages are kept together or not at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.storage.asyncio_engine import AsyncConnection, AsyncEngine

Target = AsyncEngine | AsyncConnection
"""What a store runs its statements on."""


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
    """A connection to read on: the caller's own (seeing its uncommitted writes), or a new one."""
    if isinstance(target, AsyncConnection):
        yield target
    else:
        async with target.connect() as connection:
            yield connection
