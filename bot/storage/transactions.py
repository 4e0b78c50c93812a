"""Case changes in one transaction: the CaseTransactions port on SQL and in memory."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.model.ports import AccountRegister, AuditTrail, CaseStore, CaseTransactions, Outbox
from bot.model.records import Clock
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.audit import SqlAudit
from bot.storage.cases import SqlCases
from bot.storage.outbox import SqlOutbox
from bot.storage.register import SqlRegister


@dataclass(frozen=True, slots=True)
class Work:
    """The CaseWork port: the four stores, bound to one transaction."""

    cases: CaseStore
    audit: AuditTrail
    outbox: Outbox
    register: AccountRegister


class SqlTransactions:
    """Each `begin()` is one database transaction that the four stores write through."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Work]:
        """Commit on a normal exit, roll back on an exception."""
        async with self._engine.begin() as connection:
            clock = self._clock
            yield Work(
                SqlCases(connection, clock),
                SqlAudit(connection, clock),
                SqlOutbox(connection, clock),
                SqlRegister(connection, clock),
            )


class MemoryTransactions:
    """The same in memory: the stores' contents are put back when the block raises."""

    def __init__(self, work: Work) -> None:
        self._work = work

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Work]:
        """Keep everything on a normal exit; restore the stores as they were on an exception."""
        stores: list[Any] = [self._work.cases, self._work.audit, self._work.outbox]
        stores.append(self._work.register)
        # Everything a memory store holds but its clock, which the caller may still move.
        saved = [
            {k: copy.deepcopy(v) for k, v in vars(store).items() if k != "_clock"}
            for store in stores
        ]
        try:
            yield self._work
        except BaseException:
            for store, contents in zip(stores, saved, strict=True):
                vars(store).update(contents)
            raise


if TYPE_CHECKING:

    def _satisfies_protocol(sql: SqlTransactions, memory: MemoryTransactions) -> CaseTransactions:
        return sql if sql else memory
