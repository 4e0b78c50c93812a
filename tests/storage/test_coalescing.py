"""Calls made together run as one batch; a failed batch fails each of its calls."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.storage.coalescing import Coalescing


async def test_calls_made_together_run_as_one_batch_each_getting_its_own_result() -> None:
    batches: list[list[int]] = []

    async def double(numbers: Sequence[int]) -> list[int]:
        batches.append(list(numbers))
        await asyncio.sleep(0)
        return [2 * n for n in numbers]

    doubling = Coalescing(double)
    assert await asyncio.gather(*(doubling(n) for n in range(5))) == [0, 2, 4, 6, 8]
    assert await doubling(7) == 14
    assert batches == [[0, 1, 2, 3, 4], [7]]


async def test_a_failed_batch_fails_each_of_its_calls_and_the_next_batch_runs() -> None:
    async def refuse(numbers: Sequence[int]) -> list[int]:
        if 13 in numbers:
            raise RuntimeError("database down")
        return list(numbers)

    running = Coalescing(refuse)
    outcomes = await asyncio.gather(running(1), running(13), return_exceptions=True)
    assert [type(o) for o in outcomes] == [RuntimeError, RuntimeError]
    assert await running(2) == 2
    with pytest.raises(RuntimeError):
        await running(13)
