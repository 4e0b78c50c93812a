"""The serve application: /healthz from the Health it is given, delivery with the senders."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.web import pinging, web_app
from bot.core.messages import Reply
from bot.model.directory import Person
from bot.model.ports import Sender
from bot.model.records import Address
from bot.storage.memory import MemoryDatabase


class Pager:
    """A platform that only sends: no routes, nothing running beside the server."""

    name = "pager"
    refreshes_itself: frozenset[str] = frozenset()

    @property
    def sender(self) -> Pager:
        return self

    def add_routes(self, app: web.Application) -> None:
        """No endpoints."""

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def reaches(self, person: Person) -> bool:
        return True

    async def send(
        self, person: Person, reply: Reply, key: str, address: Address | None = None
    ) -> None:
        """Sent."""

    async def already_delivered(
        self, person: Person, key: str, since: datetime, address: Address | None = None
    ) -> bool:
        return False


class Unreachable:
    """A Database whose ping fails, as when PostgreSQL is down."""

    async def ping(self) -> None:
        raise ConnectionRefusedError("127.0.0.1:5432")

    async def close(self) -> None:
        """Nothing to release."""


async def _get_health(healthy: bool) -> tuple[int, object]:
    async def health() -> bool:
        return healthy

    async def deliver(senders: Sequence[Sender]) -> None:
        """Nothing to deliver."""

    server = TestServer(web_app([], health=health, deliver=deliver), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http, http.get(server.make_url("/healthz")) as r:
            return r.status, await r.json()
    finally:
        await server.close()


async def test_healthz_says_ok_while_the_database_answers() -> None:
    assert await _get_health(True) == (200, {"status": "ok", "database": "ok"})


async def test_healthz_answers_503_when_the_database_does_not() -> None:
    assert await _get_health(False) == (503, {"status": "unavailable", "database": "down"})


async def test_pinging_turns_a_failed_ping_into_false() -> None:
    assert await pinging(MemoryDatabase())() is True
    assert await pinging(Unreachable())() is False


async def test_delivery_starts_with_the_server_and_gets_the_adapters_senders() -> None:
    passes: list[list[str]] = []
    delivered = asyncio.Event()

    async def health() -> bool:
        return True

    async def deliver(senders: Sequence[Sender]) -> None:
        passes.append([s.name for s in senders])
        delivered.set()

    app = web_app([Pager()], health=health, deliver=deliver, delivery_interval=3600)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with asyncio.timeout(5):
            await delivered.wait()
    finally:
        await server.close()
    assert passes == [["pager"]]
