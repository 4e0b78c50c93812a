"""`policybot digest`: HR's monthly digest, as the HR and IT contacts get it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.running import CommandError, Subcommands, print_json, with_app

if TYPE_CHECKING:
    from bot.app import App


async def digest(app: App, args: argparse.Namespace) -> None:
    """Print one month's digest (default: last month, the one most recently sent)."""
    from bot.features.digest.report import Month

    now = app.clock()
    if args.month is None:
        month = Month.of(app.calendars.trust.local(now).date()).previous()
    else:
        try:
            month = Month.parse(args.month)
        except ValueError as error:
            raise CommandError(f"--month {error}") from None
    report = await app.digests.build(month, now)
    if args.json:
        print_json(report.as_json())
    else:
        print(report.text())


def register(sub: Subcommands) -> None:
    """digest."""
    p = sub.add_parser(
        "digest", help="HR's monthly digest: gaps, unhelpful answers, late replies, reminders"
    )
    p.add_argument("--month", metavar="YYYY-MM", help="the month to show (default: last month)")
    p.add_argument("--json", action="store_true", help="print the digest as one JSON object")
    p.set_defaults(run=with_app(digest))
