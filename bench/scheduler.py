"""Speed of the worker's tick: computing and queueing the comment alerts due at an instant.

Builds 10,000 open comments over 500 registered accounts (received at random times over the
three working days before the instant, so at the instant some are due soon, some overdue and
some to be escalated), then times `Worker.run_due`:

- first pass: everything due is computed and queued (the outbox is emptied between runs);
- repeat pass: the same instant again, where nothing new is due.

Prints medians of several runs. Target: first pass under 1 s.

    python bench/scheduler.py [--runs 5] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select, update  # noqa: E402

from bot.app import App, build_app  # noqa: E402
from bot.database import upgrade  # noqa: E402
from bot.ports import Account  # noqa: E402
from bot.scheduler import Worker  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.tables import account, comment, outbox  # noqa: E402

LONDON = ZoneInfo("Europe/London")
INSTANT = datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)  # a Wednesday morning
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
        app.comments.row(
            registered[n % accounts],
            "a question about the trip",
            earliest + timedelta(seconds=rng.randrange(int((INSTANT - earliest).total_seconds()))),
            None,
            "api",
            None,
        )
        for n in range(comments)
    ]
    async with app.store.engine.begin() as connection:
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
    async with app.store.engine.begin() as connection:
        await connection.execute(delete(outbox))
        await connection.execute(update(comment).values(next_alert_at=comment.c.due_soon_at))


async def timed(worker: Worker) -> tuple[float, int]:
    """Seconds one pass at the instant took, and how many alerts it queued."""
    start = time.perf_counter()
    report = await worker.run_due(INSTANT)
    return time.perf_counter() - start, report.alerts


async def bench(url: str, runs: int, accounts: int, comments: int) -> None:
    await upgrade(url)
    app = await build_app(Settings(database_url=url), Clock(INSTANT))
    try:
        async with app.store.engine.connect() as connection:
            existing = await connection.scalar(select(func.count()).select_from(comment))
        if existing:
            sys.exit(f"{url} already has comments: give an empty database")
        await populate(app, accounts, comments)
        worker = Worker(app)
        first: list[float] = []
        repeat: list[float] = []
        queued = 0
        for _ in range(runs):
            await reset(app)
            seconds, queued = await timed(worker)
            first.append(seconds)
            seconds, again = await timed(worker)
            assert again == 0, "the same instant queued something twice"
            repeat.append(seconds)
    finally:
        await app.close()
    backend = url.split(":", 1)[0]
    print(f"{comments:,} open comments over {accounts} accounts, {backend}, {runs} runs")
    for label, times in (
        (f"first pass  (queues {queued:,} alerts)", first),
        ("repeat pass (queues nothing new)   ", repeat),
    ):
        print(
            f"  {label}: median {1000 * statistics.median(times):7.1f} ms"
            f"  (min {1000 * min(times):.1f}, max {1000 * max(times):.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument(
        "--database-url", help="an EMPTY database (default: a temporary SQLite file)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        asyncio.run(bench(url, args.runs, args.accounts, args.comments))


if __name__ == "__main__":
    main()
