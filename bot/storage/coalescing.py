"""Calls that arrive while one statement is under way, run together as the next statement.

When a process answers a batch of events at once, each answer loads and saves its person's
conversation state at nearly the same moment. Run one by one, that is a statement and a
transaction each, and on this machine SQLAlchemy's async engine costs most of a millisecond of
CPU per statement whatever it does. Coalesced, whatever arrives while one statement is in flight
goes in the next: one statement for the batch. Nothing is cached: every call still reads what is
in the database when its statement runs, and returns only once its write is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Argument = TypeVar("Argument")
Result = TypeVar("Result")

MAX_BATCH = 500
"""Calls run by one statement at most."""


class Coalescing(Generic[Argument, Result]):
    """Runs `run` over the arguments of every call waiting, one batch at a time.

    `run` returns one result per argument, in order; when it raises, every call of that batch
    raises the same error."""

    def __init__(self, run: Callable[[Sequence[Argument]], Awaitable[Sequence[Result]]]) -> None:
        self._run = run
        self._waiting: list[tuple[Argument, asyncio.Future[Result]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def __call__(self, argument: Argument) -> Result:
        """The result for this argument, once the batch it went into has run."""
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((argument, done))
        if self._runner is None or self._runner.done():
            # Started now, it runs after the calls made in this turn of the loop: all in one.
            self._runner = asyncio.create_task(self._drain())
        return await done

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                results = await self._run([argument for argument, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():  # its caller went away
                        done.set_exception(exc)
            else:
                for (_, done), result in zip(batch, results, strict=True):
                    if not done.done():
                        done.set_result(result)
