"""`policybot safeguarding stats`: how many messages went to a DSO, by academy and month."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.output import echo
from bot.cli.running import Subcommands, print_json, with_app

if TYPE_CHECKING:
    from bot.app import App

TRUST_WIDE = "trust-wide staff"


async def stats(app: App, args: argparse.Namespace) -> None:
    """Counts only: no names, no message text is ever kept."""
    counts = await app.safeguarding_stats.route_counts()
    if args.json:
        for c in counts:
            print_json({"month": c.month, "academy": c.academy, "count": c.count})
        return
    if not counts:
        echo("No messages have been routed to a DSO yet.")
    for c in counts:
        echo(f"{c.month}  {c.academy or TRUST_WIDE:<24} {c.count:5d}")


def register(sub: Subcommands) -> None:
    """safeguarding stats."""
    p = sub.add_parser("safeguarding", help="messages routed to a DSO (counts only)")
    ssub = p.add_subparsers(dest="safeguarding_command", required=True, metavar="ACTION")
    s = ssub.add_parser("stats", help="how many messages went to a DSO, by academy and month")
    s.add_argument("--json", action="store_true", help="one JSON object per academy and month")
    s.set_defaults(run=with_app(stats))
