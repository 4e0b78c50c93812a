"""A database restart cuts every connection `serve` holds: nothing acknowledged is lost.

PostgreSQL ends each connection of the database (`pg_terminate_backend`, what a restart or a
failover does to its clients) while a real `serve` process is keeping and answering Slack
events; Slack sends again what was not acknowledged. Every event is answered, none twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import aiohttp
import psycopg

from bot.storage.database import upgrade
from tests.adapters.test_no_text_in_logs import free_port
from tests.conftest import sql_stores
from tests.fake_slack import FakeSlack
from tests.jobs.crashing import healthy
from tests.jobs.test_delivery_crash import Serve
from tests.slack_staff import SIGNING_SECRET, Slack, answered, posted_twice

EVENTS = 48
CUTS = 3


def cut_connections(url: str) -> int:
    """End every other session on the database, as a restart does; how many were ended."""
    with psycopg.connect(url, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(ended[0]) if ended else 0


async def test_connections_cut_by_the_database_lose_and_repeat_nothing(
    postgres_url: str,
    fake: FakeSlack,
    tmp_path: Path,
) -> None:
    await upgrade(postgres_url)
    stores = sql_stores(postgres_url, lambda: datetime.now(UTC))
    serve = Serve(postgres_url, fake, tmp_path, port=free_port())
    serve.env |= {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "INBOX_LEASE_SECONDS": "2"}
    slack = Slack(f"http://127.0.0.1:{serve.port}/slack/events", fake)
    numbers = list(range(EVENTS))
    ended = 0

    async def all_answered() -> bool:
        return answered(fake, numbers) >= set(numbers)

    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            await serve.start()
            await serve.until(partial(healthy, http, serve))
            share = EVENTS // CUTS
            for cut in range(CUTS):
                await slack.deliver(http, numbers[cut * share : (cut + 1) * share])
                ended += cut_connections(postgres_url)  # with answers and posts in flight
            while waiting := slack.waiting(EVENTS):  # Slack sends again what got no 200
                await slack.deliver(http, waiting)
            await serve.until(all_answered)
            await serve.stop()
        rows = await stores.outbox.outbox_items(limit=10 * EVENTS)
    finally:
        if serve.process is not None:
            serve.kill()
            await serve.process.wait()
        await stores.close()
    assert ended >= CUTS  # the process's connections really were cut
    assert posted_twice(fake, numbers, rows) == []
