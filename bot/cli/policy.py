"""`policybot policy import FILE` and `policybot policy publish`: a new version of the policy."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.running import CommandError, Subcommands, instant, settings, with_app

if TYPE_CHECKING:
    from bot.app import App
    from intents.staging import Staged

PUBLISHER = "policybot policy publish"


def _folder() -> Path:
    from intents.knowledge import DATA

    return settings().knowledge_dir or DATA


def import_version(args: argparse.Namespace) -> None:
    """Read the new version, stage it and print how it differs from the live one."""
    from intents.staging import import_policy

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{args.file}: no such file")
    _, staged = import_policy(path, _folder(), args.version or "", args.date or "")
    if args.json:
        print(json.dumps(staged.__dict__, ensure_ascii=False))
        return
    print(report(staged))


def report(staged: Staged) -> str:
    """The diff as the terminal shows it."""
    lines = [f"Imported v{staged.version} ({staged.date}) from {staged.source}: {staged.counts}."]
    if staged.renamed:
        lines.append("Headings renamed:")
        lines += [f"  {old} → {new}" for old, new in staged.renamed]
    for kind, title in (("changed", "Changed"), ("new", "New"), ("removed", "Removed")):
        found = staged.of(kind)
        if found:
            lines.append(f"{title}:")
        for c in found:
            lines.append(f"  {c['id']} ({c['heading']})")
            if kind == "changed":
                lines += [f"    was: {c['old']}", f"    now: {c['new']}"]
            else:
                lines.append(f"    {c['new'] or c['old']}")
    if staged.review:
        lines.append("Intents to review (in intents/data/intents/):")
        for r in staged.review:
            note = (
                "removed: point it elsewhere before publishing"
                if r["kind"] == "removed"
                else "changed"
            )
            lines.append(f"  {r['intent']} → {r['clause']} ({note})")
    lines.append(
        "Nothing is live yet. When the intents are reviewed, run `policybot policy publish`."
    )
    return "\n".join(lines)


async def publish(app: App, args: argparse.Namespace) -> None:
    """Make the staged version live and ask staff to re-read the policy."""
    from bot.features.reminders.revision import PolicyRevision
    from intents.staging import publish as publish_files

    now = instant(args.now, app.clock)
    staged = publish_files(_folder(), now.isoformat())
    revision = PolicyRevision(staged.version, staged.date, now, staged.summary)
    queued, staff = await app.reminders.announce_revision(revision, PUBLISHER)
    print(
        f"Published v{staged.version} ({staged.date}): answers quote it from the next start "
        f"of `policybot serve` and `chat`.\nAsked {queued} of {staff} staff to re-read the "
        "policy; headteachers get a summary of who has confirmed in two weeks."
    )


def register(sub: Subcommands) -> None:
    """policy import, policy publish."""
    p = sub.add_parser("policy", help="publish a new version of the policy")
    psub = p.add_subparsers(dest="policy_command", required=True, metavar="ACTION")
    i = psub.add_parser("import", help="read a new version (.docx, .pdf, .txt) and show the diff")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--version", help="the new version number, when its Change Control has none")
    i.add_argument("--date", help="its date as MM/YYYY, when its Change Control has none")
    i.add_argument("--json", action="store_true", help="print the diff as one JSON object")
    i.set_defaults(run=import_version)
    u = psub.add_parser("publish", help="make the imported version live; staff re-read it")
    u.add_argument("--now", metavar="ISO", help="publish as of this instant")
    u.set_defaults(run=with_app(publish))
