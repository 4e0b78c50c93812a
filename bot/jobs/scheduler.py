"""The `worker` process: APScheduler runs one periodic tick that queues whatever is due.

Nothing is remembered by the scheduler itself: each tick asks the database what is due at
that instant (`Worker.run_due`) and queues it under outbox keys that can be inserted once.
So a tick that fires twice, two workers started by mistake, a worker killed mid-run, or one
that was down for a while all end with each message queued exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.app import App
from bot.collector import startup_objects_settled
from bot.errors import failure
from bot.model.records import RETENTION

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.model.planned import Planned

log = logging.getLogger(__name__)

TICK_JOB = "policybot-tick"

# APScheduler stores a job's function by its module path, so the job cannot carry the worker
# with it; the worker sets this before starting the scheduler, whose tasks inherit it.
_running: ContextVar[Worker] = ContextVar("policybot_worker")


@dataclass(frozen=True, slots=True)
class DueReport:
    """What one pass queued."""

    alerts: int
    reminders: int
    forgotten: int = 0
    """Inbound event ids and Teams cards deleted as past `RETENTION`."""
    repaired: int = 0
    """Submitted business cases whose requests a crash had left unqueued."""
    digests: int = 0
    """HR's monthly digests (one per HR or IT person, on the first working day)."""


class Worker:
    """Queues comment alerts, annual reminders and HR's monthly digest when they fall due."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def run_due(self, now: datetime) -> DueReport:
        """Queue everything due at `now` that is not queued yet; safe to repeat or race."""
        await self.app.follow_directory()
        alerts = await self.app.comments.queue_due(now, self.app.outbox)
        reminders = await self.app.reminders.queue_due(now)
        digests = await self.app.digests.queue_due(now)
        if alerts or reminders or digests:
            log.info(
                "queued %d comment alert(s), %d reminder(s), %d digest(s)",
                alerts,
                reminders,
                digests,
            )
        repaired = await self.app.approvals.repair()
        if repaired:
            log.warning("queued the missing requests of %d half-submitted case(s)", repaired)
        forgotten = await self.app.events.forget_events(now - RETENTION)
        forgotten += await self.app.inbox.forget_answered(now - RETENTION)
        forgotten += await self.app.references.forget_expired_references(now)
        if forgotten:
            log.info("forgot %d inbound event id(s) and card(s) past %s", forgotten, RETENTION)
        return DueReport(alerts, reminders, forgotten, repaired, digests)

    async def upcoming(self, now: datetime, until: datetime) -> list[Planned]:
        """What will fall due after `now` up to `until`, in time order."""
        planned = await self.app.comments.upcoming(now, until)
        planned += await self.app.reminders.upcoming(now, until)
        planned += self.app.digests.upcoming(now, until)
        return sorted(planned, key=lambda p: (p.at, p.key))

    def scheduler(self) -> AsyncIOScheduler:
        """An APScheduler whose job store is the policybot database."""
        # Imported here: `worker --once` and `schedule` need no scheduler.
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        grace = int(self.app.settings.worker_grace.total_seconds())
        return AsyncIOScheduler(
            jobstores={"default": self.app.database.job_store()},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
            timezone="UTC",
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Catch up at once, then tick on the schedule until `stop` is set."""
        token = _running.set(self)
        scheduler = self.scheduler()
        try:
            with startup_objects_settled():
                await _tick_safely(self)
                scheduler.start()
                self._ensure_tick_job(scheduler)
                await stop.wait()
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            _running.reset(token)

    def _ensure_tick_job(self, scheduler: AsyncIOScheduler) -> None:
        """Add the tick job only when the store lacks it: replacing it would lose its state."""
        from apscheduler.jobstores.base import ConflictingIdError
        from apscheduler.triggers.interval import IntervalTrigger

        seconds = self.app.settings.worker_tick_seconds
        job = scheduler.get_job(TICK_JOB)
        if job is None:
            with contextlib.suppress(ConflictingIdError):  # another worker just added it
                scheduler.add_job(tick, IntervalTrigger(seconds=seconds), id=TICK_JOB)
        elif job.trigger.interval.total_seconds() != seconds:
            scheduler.reschedule_job(TICK_JOB, trigger=IntervalTrigger(seconds=seconds))


async def tick() -> None:
    """The scheduled job: queue whatever is due now, in the worker that runs it."""
    await _tick_safely(_running.get())


async def _tick_safely(worker: Worker) -> None:
    try:
        await worker.run_due(worker.app.clock())
    except Exception as exc:  # e.g. the database briefly down: the next tick catches up
        log.error("worker tick failed (%s); the next tick will catch up", failure(exc))
