"""The worker: everything due is queued exactly once, through repeats, races, crashes, downtime."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.messages import Reply
from bot.jobs.scheduler import TICK_JOB, Worker
from bot.model.ports import BulkOutbox
from bot.model.records import RETENTION
from bot.storage.tables import apscheduler_jobs, outbox
from tests.apps import HISTORY, open_app, policybot, register
from tests.conftest import FakeClock

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-09-02 09:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
async def apps(db_url: str, clock: FakeClock) -> AsyncIterator[Callable[..., Awaitable[App]]]:
    """Opens apps (each with its own connections, like separate processes) on one database."""
    opened: list[App] = []

    async def open_one(**settings: object) -> App:
        app = await open_app(db_url, clock, **settings)
        opened.append(app)
        return app

    try:
        yield open_one
    finally:
        for app in opened:
            await app.close()


async def keys(app: App) -> list[str]:
    """Every outbox key, sorted; a duplicate would show twice."""
    async with app.database.engine.connect() as connection:
        return sorted((await connection.scalars(select(outbox.c.key))).all())


async def test_two_workers_at_the_same_instant_queue_each_message_once(
    apps: Callable[..., Awaitable[App]], clock: FakeClock
) -> None:
    clock.now = london("2026-09-01 10:00")
    first, second, third = [await apps() for _ in range(3)]
    await register(first)
    await first.comments.add(HISTORY, "asks about the open evening", london("2026-09-01 09:00"))
    clock.now = london("2026-09-02 09:00")  # the comment is overdue, the reminders are due
    reports = await asyncio.gather(*(Worker(a).run_due(clock.now) for a in (first, second, third)))
    assert sum(r.alerts for r in reports) == 2
    assert sum(r.reminders for r in reports) == 4
    assert sum(r.digests for r in reports) == 2  # August's, a day late (Tue 1 Sep went by)
    assert await keys(first) == [
        "annual-reminder:holy-cross:2026:frances-dummy",
        "annual-reminder:holy-cross:2026:jack-sampleton",
        "annual-reminder:st-marys:2026:agnes-example",
        "annual-reminder:st-marys:2026:edwin-fakeley",
        "comment-overdue:1:jack-sampleton",
        "comment-overdue:1:kate-mockett",
        "monthly-digest:2026-08:liam-bytes",
        "monthly-digest:2026-08:mina-peopleworth",
    ]


class PowerCut(Exception):
    """The process dies right after the outbox transaction commits."""


class DiesAfterQueueing:
    """The real outbox, but the process dies straight after the insert commits."""

    def __init__(self, outbox: BulkOutbox) -> None:
        self.outbox = outbox

    async def enqueue_many(self, messages: Sequence[tuple[str, str, Reply]]) -> int:
        await self.outbox.enqueue_many(messages)
        raise PowerCut


async def test_a_worker_killed_mid_run_sends_nothing_twice(
    apps: Callable[..., Awaitable[App]], clock: FakeClock
) -> None:
    clock.now = london("2026-03-03 10:00")
    app = await apps()
    await register(app)
    await app.comments.add(HISTORY, "a question")
    clock.now = london("2026-03-04 10:00")
    with pytest.raises(PowerCut):
        await app.comments.queue_due(clock.now, DiesAfterQueueing(app.outbox))
    restarted = await apps()
    assert (await Worker(restarted).run_due(clock.now)).alerts == 0
    assert [k for k in await keys(restarted) if k.startswith("comment-")] == [
        "comment-overdue:1:jack-sampleton",
        "comment-overdue:1:kate-mockett",
    ]


async def job_next_run(app: App) -> float | None:
    """When the stored tick job runs next (a POSIX timestamp), None when not stored."""
    async with app.database.engine.connect() as connection:
        return await connection.scalar(
            select(apscheduler_jobs.c.next_run_time).where(apscheduler_jobs.c.id == TICK_JOB)
        )


async def wait_for(check: Callable[[], Awaitable[object]], seconds: float = 10) -> None:
    """Poll an async check until it is true: a real scheduler runs on real time."""
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110 (the condition lives in the database)
            await asyncio.sleep(0.05)


async def test_scheduled_workers_catch_up_after_downtime_and_tick_once_each_time(
    apps: Callable[..., Awaitable[App]], clock: FakeClock, db_url: str
) -> None:
    # Down over the reminder date; on PostgreSQL two workers are started by mistake. (Two
    # schedulers in ONE process on SQLite would block each other: the job store is
    # synchronous and SQLite locks the whole file. Two worker processes just wait.)
    clock.now = london("2026-09-03 11:00")
    one = await apps(worker_tick_seconds=1)
    workers = [one] if db_url.startswith("sqlite") else [one, await apps(worker_tick_seconds=1)]
    await register(one)
    stop = asyncio.Event()
    running = [asyncio.create_task(Worker(a).run(stop)) for a in workers]
    try:
        await wait_for(lambda: job_next_run(one))  # the tick job is stored
        # the missed reminders and August's digest (due Tue 1 Sep), once, on restart
        assert len(await keys(one)) == 6
        await one.comments.add(HISTORY, "asks about the trip")
        clock.now = london("2026-09-04 11:00")  # the comment is now overdue
        await wait_for(lambda: _count(one, "comment-overdue:%"))  # a tick queued the alerts
        ticked = await job_next_run(one) or 0
        await wait_for(lambda: _ticked_since(one, ticked + 2))  # and ticks again, twice
        assert len(await keys(one)) == 8
        async with one.database.engine.connect() as connection:
            jobs = await connection.scalar(select(func.count()).select_from(apscheduler_jobs))
        assert jobs == 1
    finally:
        stop.set()
        await asyncio.gather(*running)


async def _ticked_since(app: App, timestamp: float) -> bool:
    return (await job_next_run(app) or 0) >= timestamp


async def _count(app: App, pattern: str) -> int:
    async with app.database.engine.connect() as connection:
        return int(
            await connection.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.key.like(pattern))
            )
            or 0
        )


async def test_a_restarted_worker_keeps_the_stored_schedule(
    apps: Callable[..., Awaitable[App]], clock: FakeClock
) -> None:
    app = await apps(worker_tick_seconds=3600)
    planned = []
    for _restart in range(2):
        stop = asyncio.Event()
        task = asyncio.create_task(Worker(app).run(stop))
        await wait_for(lambda: job_next_run(app))
        planned.append(await job_next_run(app))
        stop.set()
        await task
    assert planned[0] == planned[1]  # not pushed back an hour by the restart


async def test_worker_once_and_the_schedule_on_the_command_line(
    clock: FakeClock, tmp_path: Path
) -> None:
    clock.now = london("2026-03-03 10:00")
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"  # the commands are the same on PostgreSQL
    app = await open_app(db_url, clock)
    await register(app)
    await app.close()
    before = datetime.now(UTC)
    added = policybot(
        db_url,
        "comments",
        "add",
        "--account",
        "@HolyCrossHistory",
        "--received-at",
        "2026-03-03T10:00",
        "--author",
        "A parent",
        "--summary",
        "asks when the trip letter goes out",
    )
    assert added.returncode == 0, added.stderr
    assert "reply due by Wed 4 Mar 2026 10:00" in added.stdout
    # Logged just now (the real clock): the overdue and escalation alerts go at once,
    # at the next instant in Holy Cross's working hours, never before it was logged.
    calendar = app.comments.calendars["holy-cross"]
    at = calendar.next_opening(datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    # Previewed from just before it was logged: logged in working hours, the alerts are due at
    # once and a preview from now would have nothing left to show. 60 days span any holiday.
    preview = policybot(db_url, "schedule", "--days", "60", "--now", before.isoformat())
    assert "escalation comment #1" in preview.stdout
    assert "-> frances-dummy" in preview.stdout
    once = policybot(db_url, "worker", "--once", "--now", at)
    assert "queued 3 comment alert(s)" in once.stdout, once.stderr
    again = policybot(db_url, "worker", "--once", "--now", at)
    assert "queued 0 comment alert(s) and 0 reminder(s)" in again.stdout
    listed = policybot(db_url, "comments", "list", "--json")
    [row] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["account"] == HISTORY.id
    assert (row["status"], row["responded_by"]) == ("open", None)
    assert row["deadline"] == "2026-03-04T10:00:00+00:00"
    future = policybot(
        db_url,
        "comments",
        "add",
        "--account",
        HISTORY.id,
        "--received-at",
        "2999-01-01T00:00",
        "--summary",
        "x",
    )
    assert future.returncode == 2
    assert "is in the future" in future.stderr
    pasted = policybot(
        db_url,
        "comments",
        "add",
        "--account",
        HISTORY.id,
        "--received-at",
        "2026-03-03T10:00",
        "--summary",
        "parent says the login: admin, pass: Summer2024 no longer works",
    )
    assert pasted.returncode == 2 and "Traceback" not in pasted.stderr
    assert "looks like it holds login details, so nothing was saved" in pasted.stderr
    assert "Summer2024" not in policybot(db_url, "comments", "list", "--json").stdout


async def test_each_pass_forgets_old_event_ids_and_expired_cards_but_not_people(
    apps: Callable[..., Awaitable[App]], clock: FakeClock
) -> None:
    app = await apps()
    await app.events.first_time("slack:Ev-old")
    await app.references.save_reference("card:1", "teams", {"reply": {}}, keep_for=RETENTION)
    await app.references.save_reference("dora-fakeley", "slack", {"user": "U0DORA"})
    assert (await Worker(app).run_due(clock.advance(days=30))).forgotten == 0
    assert (await Worker(app).run_due(clock.advance(days=61))).forgotten == 2
    assert await app.events.first_time("slack:Ev-old")  # forgotten, so new again
    assert await app.references.load_reference("card:1", "teams") is None
    assert await app.references.load_reference("dora-fakeley", "slack") == {"user": "U0DORA"}
