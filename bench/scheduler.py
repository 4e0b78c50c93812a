"""Speed of the worker's tick: computing and queueing the comment alerts due at an instant.

Builds 10,000 open comments over 500 registered accounts (received at random times over the
three working days before the instant, so at the instant some are due soon, some overdue and
some to be escalated), then times `Worker.run_due`:

- first pass: everything due is computed and queued (the outbox is emptied between runs);
- repeat pass: the same instant again, where nothing new is due.

Prints the median (min, max) of several runs on SQLite and, given a server, PostgreSQL.
Target: first pass under 1 s.

    python bench/scheduler.py [--runs 5] [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy  # noqa: E402
from sqlalchemy import delete, func, select, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.app import App, build_app  # noqa: E402
from bot.collector import settle_startup_objects  # noqa: E402
from bot.jobs.scheduler import Worker  # noqa: E402
from bot.model.records import Account  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.comments import comment_row  # noqa: E402
from bot.storage.database import redact, sync_url, upgrade  # noqa: E402
from bot.storage.tables import account, comment, outbox  # noqa: E402

LONDON = ZoneInfo("Europe/London")
INSTANT = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)  # a Wednesday morning
TARGET = 1.0
"""Seconds the first pass should take at most."""
RUNNERS = {"holy-cross": ("jack-sampleton", "kate-mockett"), "st-marys": ("clara-testwell",)}


class Clock:
    """A clock standing at the bench's instant."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def populate(app: App, accounts: int, comments: int) -> None:
    """Register the accounts and record the comments in bulk (as many adds would)."""
    rng = random.Random(6)
    now = app.clock()
    registered = [
        Account(
            id=f"bench-{n}",
            academy=academy,
            platform="Instagram",
            handle=f"@Bench{n}",
            runners=RUNNERS[academy],
            visibility="open",
            emails=(f"bench{n}@example.org",),
            comments_restricted=False,
            case_number=None,
            active=True,
        )
        for n in range(accounts)
        for academy in [("holy-cross", "st-marys")[n % 2]]
    ]
    earliest = INSTANT - timedelta(days=2, hours=2)
    rows = [
        comment_row(
            app.comments.new_comment(
                registered[n % accounts],
                "a question about the trip",
                earliest
                + timedelta(seconds=rng.randrange(int((INSTANT - earliest).total_seconds()))),
                None,
                "api",
                None,
            )
        )
        for n in range(comments)
    ]
    async with app.database.engine.begin() as connection:
        await connection.execute(
            account.insert(),
            [
                {
                    "id": a.id,
                    "academy": a.academy,
                    "platform": a.platform,
                    "handle": a.handle,
                    "runners": list(a.runners),
                    "visibility": a.visibility,
                    "emails": list(a.emails),
                    "comments_restricted": a.comments_restricted,
                    "case_number": a.case_number,
                    "active": a.active,
                    "created_at": now,
                    "updated_at": now,
                }
                for a in registered
            ],
        )
        await connection.execute(comment.insert(), rows)


async def reset(app: App) -> None:
    """Forget every alert: empty the outbox and look at every comment again."""
    async with app.database.engine.begin() as connection:
        await connection.execute(delete(outbox))
        await connection.execute(update(comment).values(next_alert_at=comment.c.due_soon_at))


async def timed(worker: Worker) -> tuple[float, float, int]:
    """Seconds one pass at the instant took, CPU seconds this process spent on it (SQLite's
    work included, PostgreSQL's not), and how many alerts it queued."""
    start, cpu = time.perf_counter(), time.process_time()
    report = await worker.run_due(INSTANT)
    return time.perf_counter() - start, time.process_time() - cpu, report.alerts


@dataclass(frozen=True, slots=True)
class Timings:
    """One database's passes: seconds per run and how many alerts the first pass queued."""

    backend: str
    queued: int
    first: list[float]
    first_cpu: list[float]
    repeat: list[float]


async def bench(url: str, runs: int, accounts: int, comments: int) -> Timings:
    """Time `runs` first and repeat passes on an empty database at `url`."""
    await upgrade(url)
    app = await build_app(Settings(database_url=url), Clock(INSTANT))
    try:
        async with app.database.engine.connect() as connection:
            existing = await connection.scalar(select(func.count()).select_from(comment))
        if existing:
            sys.exit(f"{redact(url)} already has comments: give an empty database")
        await populate(app, accounts, comments)
        worker = Worker(app)
        settle_startup_objects()  # as the worker process does when it starts
        first: list[float] = []
        first_cpu: list[float] = []
        repeat: list[float] = []
        queued = 0
        for _ in range(runs):
            await reset(app)
            seconds, cpu, queued = await timed(worker)
            first.append(seconds)
            first_cpu.append(cpu)
            seconds, _, again = await timed(worker)
            assert again == 0, "the same instant queued something twice"
            repeat.append(seconds)
    finally:
        gc.unfreeze()
        await app.close()
    return Timings(app.database.engine.dialect.name, queued, first, first_cpu, repeat)


@contextmanager
def scratch_postgres(server: str) -> Iterator[str]:
    """A new empty database on the PostgreSQL server at `server`, dropped afterwards."""
    name = f"policybot_bench_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(sync_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def spread(times: list[float]) -> str:
    """'median (min, max)' in milliseconds."""
    median, low, high = (1000 * f(times) for f in (statistics.median, min, max))
    return f"{median:7.1f} ms  ({low:.1f}, {high:.1f})"


def report(results: list[Timings], runs: int, accounts: int, comments: int) -> None:
    """Medians (with min and max) per database, against the 1 s target."""
    print(f"{comments:,} open comments over {accounts} accounts; median of {runs} runs (min, max)")
    for r in results:
        verdict = "under" if statistics.median(r.first) < TARGET else "OVER"
        print(f"  {r.backend}:")
        print(f"    first pass, queues {r.queued:,} alerts:  {spread(r.first)}")
        print(f"      CPU of this process in it:      {spread(r.first_cpu)}")
        print(f"    repeat pass, queues nothing:      {spread(r.repeat)}")
        print(f"    first pass median is {verdict} the {TARGET:g} s target")


def main() -> None:
    """Run the bench on SQLite (and PostgreSQL when given) and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also time PostgreSQL: a server URL (any database on it, e.g. .../postgres); "
        "a scratch database is created there and dropped afterwards",
    )
    args = parser.parse_args()
    sizes = (args.runs, args.accounts, args.comments)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(asyncio.run(bench(f"sqlite:///{Path(tmp) / 'bench.db'}", *sizes)))
    if args.postgres:
        with scratch_postgres(args.postgres) as url:
            results.append(asyncio.run(bench(url, *sizes)))
    report(results, *sizes)


if __name__ == "__main__":
    main()
