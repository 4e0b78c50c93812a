"""The worker sends HR's monthly digest on the first working day of the month, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App, assemble
from bot.jobs.scheduler import Worker
from bot.settings import Settings
from bot.storage.stores import memory_stores
from tests.apps import open_app
from tests.conftest import FakeClock
from tests.helpers import demo_directory

LONDON = ZoneInfo("Europe/London")
HR_AND_IT = ["liam-bytes", "mina-peopleworth"]


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-11-02 09:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


async def digests_at(clock: FakeClock, when: str, *workers: App) -> int:
    """Every worker runs at this local time, all at once; how many digests they queued."""
    clock.now = london(when)
    reports = await asyncio.gather(*(Worker(a).run_due(clock.now) for a in workers))
    return sum(r.digests for r in reports)


@pytest.fixture
async def two_workers(db_url: str, clock: FakeClock) -> AsyncIterator[tuple[App, App]]:
    """Two worker processes started by mistake on one database."""
    clock.now = london("2026-10-30 12:00")
    first, second = await open_app(db_url, clock), await open_app(db_url, clock)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_hr_and_it_get_octobers_digest_on_monday_2_november_once(
    two_workers: tuple[App, App], clock: FakeClock
) -> None:
    assert await digests_at(clock, "2026-11-01 12:00", *two_workers) == 0  # a Sunday
    assert await digests_at(clock, "2026-11-02 08:59", *two_workers) == 0
    assert await digests_at(clock, "2026-11-02 09:00", *two_workers) == 2
    assert await digests_at(clock, "2026-11-02 09:01", *two_workers) == 0  # the next tick
    assert await digests_at(clock, "2026-11-03 10:00", *two_workers) == 0
    first, _ = two_workers
    for person in HR_AND_IT:
        (waiting,) = await first.outbox.pending_for(person)
        assert waiting.key == f"monthly-digest:2026-10:{person}"
        assert waiting.reply.text.startswith("Monthly policybot digest for October 2026, ")
        assert "Comments answered late, by account" in waiting.reply.text
    teacher = await first.outbox.pending_for("jack-sampleton")
    assert not [m for m in teacher if m.key.startswith("monthly-digest:")]


@pytest.fixture
def clock_app(clock: FakeClock) -> App:
    """The app with every store in memory."""
    return assemble(Settings(), demo_directory, memory_stores(clock), clock)


async def test_a_bank_holiday_monday_the_1st_moves_the_digest_to_tuesday(
    clock_app: App, clock: FakeClock
) -> None:
    clock.now = london("2028-04-28 12:00")  # Friday; Monday 1 May 2028 is a bank holiday
    planned = await Worker(clock_app).upcoming(clock.now, london("2028-05-05 12:00"))
    assert [(p.at, p.recipient) for p in planned if p.what == "monthly digest 2028-04"] == [
        (london("2028-05-02 09:00"), person) for person in HR_AND_IT
    ]
    assert await digests_at(clock, "2028-05-01 09:00", clock_app) == 0
    assert await digests_at(clock, "2028-05-01 12:00", clock_app) == 0
    assert await digests_at(clock, "2028-05-02 09:00", clock_app) == 2
    assert await digests_at(clock, "2028-05-02 09:05", clock_app) == 0
    keys = [m.key for m in await clock_app.outbox.outbox_items()]
    assert sorted(keys) == [f"monthly-digest:2028-04:{person}" for person in HR_AND_IT]


async def test_a_worker_down_on_the_day_sends_it_when_back_in_working_hours(
    clock_app: App, clock: FakeClock
) -> None:
    assert await digests_at(clock, "2026-12-01 20:00", clock_app) == 0  # back in the evening
    assert await digests_at(clock, "2026-12-02 08:00", clock_app) == 2  # next opening
    assert await digests_at(clock, "2026-12-03 09:00", clock_app) == 0
