"""Commands for what runs in the background: the worker, its schedule, the outbox, the schema."""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.cli.output import echo, outbox_json
from bot.cli.running import (
    CommandError,
    Subcommands,
    instant,
    positive,
    print_json,
    settings,
    with_app,
)
from bot.core.sanitise import clean

if TYPE_CHECKING:
    from bot.app import App


async def worker(app: App, args: argparse.Namespace) -> None:
    """Run the scheduler until stopped, or (--once) queue what is due now and exit."""
    from bot.jobs.scheduler import Worker

    if args.now and not args.once:
        raise CommandError("--now only makes sense with --once")
    jobs = Worker(app)
    if args.once:
        now = instant(args.now, app.clock)
        report = await jobs.run_due(now)
        repaired = f"; repaired {report.repaired} half-submitted case(s)" if report.repaired else ""
        digests = f", {report.digests} monthly digest(s)" if report.digests else ""
        echo(
            f"{now.isoformat()}: queued {report.alerts} comment alert(s) and "
            f"{report.reminders} reminder(s){digests}{repaired}"
        )
        return
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    echo(
        f"policybot worker: checking every {app.settings.worker_tick_seconds} s; "
        "run exactly one worker per database",
        flush=True,
    )
    await jobs.run(stop)


async def schedule(app: App, args: argparse.Namespace) -> None:
    """Preview the alerts and reminders to come."""
    from bot.jobs.scheduler import Worker

    now = instant(args.now, app.clock)
    planned = await Worker(app).upcoming(now, now + timedelta(days=args.days))
    for p in planned:
        if args.json:
            print_json({"at": p.at.isoformat(), "what": p.what, "to": p.recipient, "key": p.key})
        else:
            echo(f"{p.at:%a %Y-%m-%d %H:%M} UTC  {p.what:<40} -> {p.recipient}")
    if not planned and not args.json:
        echo(f"Nothing planned in the next {args.days} day(s).")


async def outbox(app: App, args: argparse.Namespace) -> None:
    """Messages queued for people, newest first."""
    items = await app.outbox.outbox_items(args.limit)
    if args.json:
        for i in items:
            print_json(outbox_json(i))
        return
    if not items:
        echo("The outbox is empty.")
    for i in items:
        tries = f", {i.attempts} failed: {i.last_error}" if i.attempts else ""
        first_line = i.reply.text.splitlines()[0] if i.reply.text else ""
        echo(f"{i.created_at:%Y-%m-%d %H:%M}  {i.status:<7}  to {i.recipient}{tries}")
        echo(f"  {clean(first_line[:100])}")


def db_upgrade(_args: argparse.Namespace) -> None:
    """Create or migrate the schema."""
    from bot.storage.database import redact, upgrade

    url = settings().database_url
    asyncio.run(upgrade(url))
    echo(f"database {redact(url)} is up to date")


def register(sub: Subcommands) -> None:
    """worker, schedule, outbox, db upgrade."""
    p = sub.add_parser("worker", help="run the scheduler (exactly one per database)")
    p.add_argument("--once", action="store_true", help="queue what is due now, then exit")
    p.add_argument("--now", metavar="ISO", help="with --once: pretend it is this instant")
    p.set_defaults(run=with_app(worker))
    p = sub.add_parser("schedule", help="preview the alerts and reminders to come")
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--now", metavar="ISO", help="preview from this instant")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=with_app(schedule))
    p = sub.add_parser("outbox", help="messages queued for people, newest first")
    p.add_argument("--limit", type=positive, default=50)
    p.add_argument("--json", action="store_true", help="print one JSON object per message")
    p.set_defaults(run=with_app(outbox))
    p = sub.add_parser("db", help="database tools")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dsub.add_parser("upgrade", help="create or migrate the schema").set_defaults(run=db_upgrade)
