"""The `policybot` console script: the core's commands plus those that start an adapter."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from pathlib import Path

from bot.cli.main import CORE_COMMANDS
from bot.cli.main import main as run_command
from bot.cli.running import CommandError, Subcommands, settings


async def _chat(args: argparse.Namespace) -> None:
    from adapters.console import Console
    from bot.app import build_app

    config = settings()
    app = await build_app(config)
    try:
        person_id = args.user or config.default_user
        person = app.directory.person(person_id)
        if person is None:
            ids = ", ".join(p.id for p in app.directory.people)
            raise CommandError(f"--user {person_id!r} is not in the trust directory. Try: {ids}")
        academy = app.directory.academy_of(person)
        where = f", {academy.name}" if academy else ""
        banner = (
            f"policybot — {app.directory.trust.name}\n"
            f"You are {person.name} ({person.role}{where}). Ask about the Social Media "
            "Policy; 'help' for ideas, 'quit' to leave."
        )
        await Console(app.bot, app.outbox, person.id).run(banner)
    finally:
        await app.close()


async def _serve(args: argparse.Namespace) -> None:
    from adapters.web import serve
    from bot.app import build_app

    app = await build_app(settings())
    try:
        await serve(app, args.host, args.port)
    finally:
        await app.close()


async def _answer(_args: argparse.Namespace) -> None:
    from adapters.web import answer
    from bot.app import build_app

    app = await build_app(settings())
    try:
        await answer(app)
    finally:
        await app.close()


def _teams_package(args: argparse.Namespace) -> None:
    """Build the Teams app zip to upload, with the bot's app id in its manifest."""
    from adapters.teams.package import build_package

    app_id = args.app_id or os.environ.get("MICROSOFT_APP_ID", "")
    out = build_package(app_id, Path(args.out))
    print(f"wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app)")


def register(sub: Subcommands) -> None:
    """chat, serve, answer, teams-package."""
    p = sub.add_parser("chat", help="talk to the bot in this terminal (works piped too)")
    p.add_argument(
        "--user", help="directory person id to chat as (default: POLICYBOT_USER or demo-teacher)"
    )
    p.set_defaults(run=lambda a: asyncio.run(_chat(a)))
    p = sub.add_parser("serve", help="run the web server for Slack and Teams")
    p.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    p.set_defaults(run=lambda a: asyncio.run(_serve(a)))
    p = sub.add_parser(
        "answer", help="answer the inbox without serving HTTP (beside serve, ANSWER_ELSEWHERE=1)"
    )
    p.set_defaults(run=lambda a: asyncio.run(_answer(a)))
    p = sub.add_parser("teams-package", help="build the Teams app package (zip) to upload")
    p.add_argument("--app-id", help="the bot's Microsoft App ID (default: MICROSOFT_APP_ID)")
    p.add_argument("--out", default="policybot-teams.zip", help="zip file to write")
    p.set_defaults(run=_teams_package)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `policybot` console script; the process ends when it returns.

    Everything built is then frozen out of garbage collection: at exit the interpreter would
    otherwise walk every object (the database library, the directory, ...) to collect what
    the operating system is about to reclaim anyway, about a tenth of a short command.
    """
    try:
        return run_command(argv, (register, *CORE_COMMANDS))
    finally:
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
