"""The crash tests' common loop: events delivered while `serve` is killed at random moments."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Protocol

import aiohttp

from tests.jobs.test_delivery_crash import Serve


class Platform(Protocol):
    """A platform's side: sends events to `serve` and remembers which were acknowledged."""

    def waiting(self, upto: int) -> list[int]:
        """Events before `upto` sent but never acknowledged."""
        ...

    async def deliver(self, http: aiohttp.ClientSession, numbers: list[int]) -> None:
        """Send these events; those acknowledged are remembered."""
        ...


async def healthy(http: aiohttp.ClientSession, serve: Serve) -> bool:
    """True once the process answers its health check."""
    with contextlib.suppress(aiohttp.ClientError):
        async with http.get(f"http://127.0.0.1:{serve.port}/healthz") as response:
            return response.status == 200
    return False


async def deliver_through_kills(
    serve: Serve,
    platform: Platform,
    http: aiohttp.ClientSession,
    *,
    total: int,
    kills: int,
    rng: random.Random,
    kill_on_post: Callable[[], Callable[[], None]],
    done: Callable[[], Awaitable[bool]],
) -> None:
    """Deliver `total` events in `kills` rounds, each ended by SIGKILL at a random moment
    (keeping, answering or posting); in every third round the kill comes as the platform keeps a
    reply, before the process hears back (`kill_on_post` arms that and returns its disarming).
    Then restart, deliver what was never acknowledged until all is, and wait until `done`."""
    sent = 0
    for n in range(kills):
        await serve.start()
        await serve.until(partial(healthy, http, serve))
        disarm = kill_on_post() if n % 3 == 0 else None
        new = list(range(sent, min(total, sent + total // kills)))
        batch = [*platform.waiting(sent), *new]
        sent += len(new)
        delivering = asyncio.create_task(platform.deliver(http, batch))
        await asyncio.sleep(rng.uniform(0.01, 0.6))
        serve.kill()
        await serve.stop()
        if disarm is not None:
            disarm()
        await delivering
    await serve.start()
    await serve.until(partial(healthy, http, serve))
    while waiting := platform.waiting(total):
        await platform.deliver(http, [*waiting, *range(sent, total)])
        sent = total
    await serve.until(done)
    await serve.stop()
