"""Commands about academy accounts' comments and the annual reminder."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.cli.output import comment_json, echo
from bot.cli.running import CommandError, Subcommands, print_json, with_app

if TYPE_CHECKING:
    from bot.app import App


async def comments_add(app: App, args: argparse.Namespace) -> None:
    """Record a comment, query or complaint and print its reply deadline."""
    from bot.features.comments.service import parse_received
    from bot.model.calendar import when

    account = await app.register.find(args.account)
    if account is None:
        known = ", ".join(a.id for a in await app.register.all()) or "none registered yet"
        raise CommandError(f"--account {args.account!r} is not in the register ({known})")
    calendar = app.comments.calendars[account.academy]
    received = parse_received(args.received_at, calendar)
    added = await app.comments.add(
        account, args.summary, received, author=args.author, source="cli"
    )
    echo(f"comment #{added.id} on {account.handle}: reply due by {when(added.deadline, calendar)}")


async def comments_list(app: App, args: argparse.Namespace) -> None:
    """Comments with deadlines and who responded."""
    from bot.model.calendar import when

    found = await app.comments.all("open" if args.open else None)
    accounts = {a.id: a for a in await app.register.all()}
    for c in found:
        account = accounts.get(c.account_id)
        if args.json:
            print_json(comment_json(c, account))
            continue
        calendar = app.comments.calendars[c.academy]
        who = f" by {c.responded_by}" if c.responded_by else ""
        echo(
            f"#{c.id:<5} {account.handle if account else c.account_id:<24} "
            f"received {when(c.received_at, calendar)}  due {when(c.deadline, calendar)}  "
            f"{c.status}{who}"
        )
    if not found and not args.json:
        echo("No comments recorded.")


async def comments_respond(app: App, args: argparse.Namespace) -> None:
    """Mark a comment responded on someone's behalf, as its Responded button does."""
    from bot.model.calendar import when

    number = args.id.strip().lstrip("#")
    if not number.isdecimal():
        raise CommandError(f"{args.id!r} is not a comment number; `policybot comments list`")
    if app.directory.person(args.by) is None:
        raise CommandError(f"--by {args.by!r} is not a person id in the trust directory")
    comment, account = await app.comments.responder_check(int(number), args.by)
    closed, now_closed = await app.comments.respond(comment.id, args.by)
    calendar = app.comments.calendars[closed.academy]
    at = when(closed.responded_at, calendar) if closed.responded_at else "earlier"
    if now_closed:
        print(f"comment #{closed.id} on {account.handle}: marked responded by {args.by} ({at})")
    else:
        print(
            f"comment #{closed.id} on {account.handle} was already marked responded by "
            f"{closed.responded_by} ({at})"
        )


async def reminders_status(app: App, args: argparse.Namespace) -> None:
    """Who has confirmed reading the policy, per academy."""
    academies = [a.id for a in app.directory.academies]
    if args.academy and args.academy not in academies:
        raise CommandError(f"--academy {args.academy!r} is not one of {', '.join(academies)}")
    for academy in [args.academy] if args.academy else academies:
        year = args.year or app.reminders.current_year(academy, app.clock())
        status = await app.reminders.status(academy, year)
        data = status.as_json(app.directory)
        if args.json:
            print_json(data)
            continue
        missing = ", ".join(p["name"] for p in data["not_confirmed"]) or "nobody"
        echo(
            f"{status.academy} {status.year}: reminder {status.reminder_at:%Y-%m-%d %H:%M} UTC, "
            f"{data['confirmed']} of {status.staff} confirmed; not yet: {missing}; "
            f"{len(status.actions)} manager action(s)"
        )


def register(sub: Subcommands) -> None:
    """comments add|list|respond, reminders status."""
    p = sub.add_parser("comments", help="comments on academy accounts")
    csub = p.add_subparsers(dest="comments_command", required=True, metavar="ACTION")
    add = csub.add_parser("add", help="record a comment, query or complaint")
    add.add_argument("--account", required=True, help="account id or handle in the register")
    add.add_argument(
        "--received-at",
        required=True,
        metavar="ISO",
        help="when it was received (local if no offset)",
    )
    add.add_argument("--author", help="who wrote it")
    add.add_argument("--summary", required=True, help="what it is about, in a line")
    add.set_defaults(run=with_app(comments_add))
    listing = csub.add_parser("list", help="comments with deadlines and who responded")
    listing.add_argument("--json", action="store_true", help="one JSON object per comment")
    listing.add_argument("--open", action="store_true", help="only those not yet answered")
    listing.set_defaults(run=with_app(comments_list))
    respond = csub.add_parser("respond", help="mark a comment responded (its Responded button)")
    respond.add_argument("id", help="the comment number, e.g. 3 or #3")
    respond.add_argument("--by", required=True, metavar="PERSON", help="who answered (person id)")
    respond.set_defaults(run=with_app(comments_respond))
    p = sub.add_parser("reminders", help="the annual policy reminder")
    rsub = p.add_subparsers(dest="reminders_command", required=True, metavar="ACTION")
    status = rsub.add_parser("status", help="who has confirmed reading the policy")
    status.add_argument("--academy", help="one academy id (default: all)")
    status.add_argument("--year", type=int, help="reminder year (default: the latest)")
    status.add_argument("--json", action="store_true", help="one JSON object per academy")
    status.set_defaults(run=with_app(reminders_status))
