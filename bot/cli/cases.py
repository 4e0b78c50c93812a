"""Commands about business cases and the account register."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.output import account_json, case_json, echo
from bot.cli.running import CommandError, Subcommands, print_json, with_app
from bot.model.records import case_number

if TYPE_CHECKING:
    from bot.app import App


async def cases(app: App, args: argparse.Namespace) -> None:
    """`cases list` and `cases show ID`."""
    if args.cases_command == "show":
        number = case_number(args.id)
        case = await app.cases.get(number) if number else None
        if case is None:
            raise CommandError(f"no case {args.id!r}; `policybot cases list` shows them")
        found = [case]
    else:
        found = await app.cases.all()
    rows = [case_json(c, await app.audit.history(f"case:{c.id}")) for c in found]
    if args.json:
        for row in rows:
            print_json(row)
        return
    if not rows:
        echo("No business cases yet.")
    for row in rows:
        a = row["answers"]
        what = f"{a.get('platform', '?')} {a.get('handle', '?')}"
        academy = row["academy"] or "-"
        echo(f"{row['id']}  {row['status']:<17} {academy:<12} {what}  ({row['requester']})")
        if args.cases_command == "show":
            for event in row["history"]:
                echo(f"    {event['at']}  {event['actor']}: {event['action']}")


async def accounts(app: App, args: argparse.Namespace) -> None:
    """`accounts list`: every active account with its runners."""
    found = await app.register.all()
    if args.json:
        for a in found:
            print_json(account_json(a))
        return
    if not found:
        echo("No accounts in the register yet.")
    for a in found:
        case = f"case {a.case_number}" if a.case_number is not None else "no case"
        comments = "comments restricted" if a.comments_restricted else "comments open"
        echo(f"{a.handle} ({a.platform}, {a.academy}) {a.visibility}, {comments}, {case}")
        echo(f"  id: {a.id}")
        echo(f"  runners: {', '.join(a.runners) or 'none'}")
        echo(f"  logon emails: {', '.join(a.emails) or 'none'}")


def register(sub: Subcommands) -> None:
    """cases list|show, accounts list."""
    p = sub.add_parser("cases", help="business cases for new academy accounts")
    csub = p.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    clist = csub.add_parser("list", help="every case, newest first")
    clist.add_argument("--json", action="store_true", help="one JSON object per case")
    cshow = csub.add_parser("show", help="one case with its history")
    cshow.add_argument("id", help="the case id, e.g. SMA-0001")
    cshow.add_argument("--json", action="store_true")
    p.set_defaults(run=with_app(cases))
    p = sub.add_parser("accounts", help="the register of official academy accounts")
    asub = p.add_subparsers(dest="accounts_command", required=True, metavar="ACTION")
    alist = asub.add_parser("list", help="every active account with its runners")
    alist.add_argument("--json", action="store_true", help="print one JSON object per account")
    alist.set_defaults(run=with_app(accounts))
