"""Commands about business cases and the account register."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.output import account_event, account_json, account_show_json, case_json, echo
from bot.cli.running import CommandError, Subcommands, print_json, with_app

if TYPE_CHECKING:
    from bot.app import App
    from bot.model.records import AuditEvent, Case


async def cases(app: App, args: argparse.Namespace) -> None:
    """`cases list` and `cases show ID`."""
    if args.cases_command == "show":
        from bot.features.cases.queries import CaseQueries

        case = await CaseQueries(app.cases, app.directory).by_id(args.id)
        if case is None:
            raise CommandError(f"no case {args.id!r}; `policybot cases list` shows them")
        found = [case]
    else:
        found = await app.cases.all()
    rows = [case_json(c, await _history(app, c)) for c in found]
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


async def _history(app: App, case: Case) -> list[AuditEvent]:
    """The case's audit trail, its draft's included, oldest first."""
    events = [e for subject in case.audit_subjects for e in await app.audit.history(subject)]
    return sorted(events, key=lambda e: e.at)


async def _case_id(app: App, number: int | None) -> str | None:
    """The id (SMA-0007) of the business case with this internal number."""
    case = await app.cases.get(number) if number is not None else None
    return case.id if case else None


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
        case = await _case_id(app, a.case_number) or "no case"
        comments = "comments restricted" if a.comments_restricted else "comments open"
        echo(f"{a.handle} ({a.platform}, {a.academy}) {a.visibility}, {comments}, {case}")
        echo(f"  id: {a.id}")
        echo(f"  runners: {', '.join(a.runners) or 'none'}")
        echo(f"  logon emails: {', '.join(a.emails) or 'none'}")


async def account_show(app: App, args: argparse.Namespace) -> None:
    """`accounts show ID`: the account, its runners by name and its handover history."""
    account = await app.register.find(args.id) or await app.register.get(args.id)
    if account is None:
        raise CommandError(f"no account {args.id!r}; `policybot accounts list` shows them")
    history = await app.audit.history(f"account:{account.id}")
    data = account_show_json(account, history, app.directory)
    if args.json:
        print_json(data)
        return
    registered = [str(e.detail["case"]) for e in history if e.detail.get("case")]
    case = await _case_id(app, account.case_number) or next(iter(registered), "none")
    status = "" if account.active else " (no longer active)"
    echo(f"{account.handle} ({account.platform}, {account.academy}){status}")
    echo(f"  id: {account.id}")
    comments = "restricted" if account.comments_restricted else "open"
    echo(f"  {account.visibility}, comments {comments}")
    echo(f"  business case: {case}")
    echo(f"  runners: {', '.join(data['runner_names']) or 'none'}")
    echo(f"  logon emails: {', '.join(account.emails) or 'none'}")
    echo("  history:" if history else "  history: nothing recorded")
    for e in history:
        echo(f"    {e.at:%Y-%m-%d %H:%M} UTC  {account_event(e, app.directory)}")


def register(sub: Subcommands) -> None:
    """cases list|show, accounts list|show."""
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
    ashow = asub.add_parser("show", help="one account: runners and handover history")
    ashow.add_argument("id", help="the account id or handle, e.g. @HolyCrossHistory")
    ashow.add_argument("--json", action="store_true", help="print one JSON object")
    ashow.set_defaults(run=with_app(account_show))
