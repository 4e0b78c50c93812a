"""`policybot directory import`: the staff list from the MIS or HR system into the directory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.running import AppCommand, CommandError, Subcommands, with_app

if TYPE_CHECKING:
    from bot.app import App
    from bot.model.directory import Directory, Person
    from bot.model.records import Account
    from bot.model.staff_changes import StaffChanges
    from bot.model.staff_csv import StaffFile

_ACTING_ROLES = ("hr", "it", "admin")


async def directory_import(app: App, args: argparse.Namespace) -> None:
    """Check the whole file, show what changes, then (unless --dry-run) apply it."""
    from bot.app import load_trust
    from bot.model.staff_changes import with_settings
    from bot.model.staff_csv import parse_mapping, read_staff

    mapping = parse_mapping(args.map)
    text = _text(Path(args.file))
    _, academies = with_settings(app.directory, load_trust(app.settings))
    await apply(app, args, read_staff(text, args.file, academies, mapping))


async def directory_sync(app: App, args: argparse.Namespace) -> None:
    """The same from Microsoft Entra ID through Microsoft Graph."""
    import aiohttp

    from bot.app import load_trust
    from bot.model.staff_changes import with_settings
    from bot.sources.entra import staff_from_users
    from bot.sources.graph import GraphClient, GraphSettings

    graph = GraphSettings.from_env(app.settings.env)
    async with aiohttp.ClientSession() as session:
        users = await GraphClient(graph, session).staff()
    _, academies = with_settings(app.directory, load_trust(app.settings))
    await apply(app, args, staff_from_users(users, graph, app.directory, academies))


async def apply(app: App, args: argparse.Namespace, staff: StaffFile) -> None:
    """Show what the staff list changes; unless --dry-run, hand over leavers' accounts and
    store the new directory."""
    from bot.app import load_trust
    from bot.model.staff_changes import parse_assignments, plan

    current = app.directory
    assigned = parse_assignments(args.assign, current)
    changes = plan(current, staff, assigned, file=load_trust(app.settings))
    leaving = {p.id: p for p in changes.removed}
    handovers = [
        (account, leaving[runner])
        for account in await app.register.all()
        for runner in account.runners
        if runner in leaving
    ]
    for line in report(current, changes, handovers):
        print(line)
    if args.dry_run:
        print("Dry run: nothing has changed.")
        return
    if changes.nothing and await app.staff.version() is not None:
        return
    if handovers:
        actor = _actor(current, args.by)
        await _hand_over(app, current, actor, handovers)
        print(f"Handovers started in the name of {actor.name} ({actor.id}).")
    version = await app.staff.save(changes.directory)
    await app.follow_directory()
    print(f"Saved: the directory is now version {version}; every process picks it up.")


def report(
    current: Directory, changes: StaffChanges, handovers: list[tuple[Account, Person]]
) -> list[str]:
    """What the staff list changes, in lines for the terminal."""
    if changes.nothing:
        return [f"No changes: the directory already matches ({len(current.people)} people)."]
    lines = [
        f"{len(changes.added)} to add, {len(changes.changed)} to change, "
        f"{len(changes.removed)} to remove ({len(changes.directory.people)} people after)."
    ]
    lines += [f"+ {_who(p)}: {p.role}{_at(p)}" for p in changes.added]
    from bot.model.directory_file import fields_of

    for before, after in changes.changed:
        fields = [f for f in fields_of(after) if getattr(before, f) != getattr(after, f)]
        what = "; ".join(f"{f} {getattr(before, f)} → {getattr(after, f)}" for f in fields)
        lines.append(f"~ {_who(after)}: {what}")
    lines += [f"- {_who(p)}: {p.role}{_at(p)}" for p in changes.removed]
    if changes.settings:
        lines.append("~ the trust's or academies' settings, as the trust file now has them")
    for change in changes.roles:
        then = (
            f"{change.successor.name} takes over" if change.successor else "they come off the team"
        )
        lines.append(f"! {change.person.name} is leaving but was {change.role}: {then}.")
    for account, runner in handovers:
        lines.append(
            f"! {runner.name} is leaving but runs {account.handle} ({account.id}): a handover "
            "is started, and the headteacher and IT contact get the checklist."
        )
    return lines


def _who(person: Person) -> str:
    return f"{person.name} ({person.id})"


def _at(person: Person) -> str:
    return f" at {person.academy}" if person.academy else " (trust-wide)"


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not UTF-8 text; save the export as CSV UTF-8") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot read the file: {error.strerror}") from None


def _actor(directory: Directory, person_id: str | None) -> Person:
    """Who the handovers are recorded as started by: --by, else the first HR, IT or admin."""
    if person_id is not None:
        person = directory.person(person_id)
        if person is None or person.role not in _ACTING_ROLES:
            raise CommandError(
                f"--by {person_id!r}: name a trust HR, IT or admin person from the directory"
            )
        return person
    for role in _ACTING_ROLES:
        if found := next((p for p in directory.people if p.role == role), None):
            return found
    raise CommandError(
        "leavers run academy accounts, but the directory has no HR, IT or admin person to "
        "start their handovers: add one, or name someone with --by PERSON_ID"
    )


async def _hand_over(
    app: App, current: Directory, actor: Person, handovers: list[tuple[Account, Person]]
) -> None:
    """Each leaver's handover, as if the actor had handed it over for them in chat."""
    from bot.features.handover import HandoverFeature

    feature = HandoverFeature(current, app.outbox, app.audit, app.register)
    for account, runner in handovers:
        await feature.handing_over.hand_over(actor, runner, account)


def register(sub: Subcommands) -> None:
    """directory import, directory sync."""
    p = sub.add_parser("directory", help="the trust directory from the trust's own systems")
    commands = p.add_subparsers(dest="directory_command", required=True, metavar="COMMAND")
    p = commands.add_parser("import", help="import a staff list (CSV from the MIS or HR system)")
    p.add_argument("file", help="the CSV file: id, name, email, role, academy columns")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="read FIELD from the column HEADER, e.g. --map 'Work Email=email'",
    )
    _applying(p, directory_import)
    p = commands.add_parser("sync", help="the staff list from Microsoft Entra ID (GRAPH_*)")
    _applying(p, directory_sync)


def _applying(p: argparse.ArgumentParser, command: AppCommand) -> None:
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    p.add_argument(
        "--assign",
        action="append",
        default=[],
        metavar="ACADEMY.ROLE=PERSON_ID",
        help="who takes over a leaver's role, e.g. --assign st-marys.headteacher=nora-new",
    )
    p.add_argument("--by", help="HR, IT or admin person id the leavers' handovers are started by")
    p.set_defaults(run=with_app(command))
