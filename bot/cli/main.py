"""The `policybot` command line: the parser, logging, and one line for every user error.

Each group of commands registers itself from its own module and imports what it runs only when
it runs, so `policybot outbox` never loads the matcher. The adapters add chat, serve and
teams-package (adapters/cli.py, the console script), since bot/ never imports a platform.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot.cli import cases, comments, directory, jobs, questions, safeguarding
from bot.cli.running import USAGE_ERROR, Registrar
from bot.errors import UserError
from intents.errors import KnowledgeError

CORE_COMMANDS: tuple[Registrar, ...] = (
    questions.register,
    cases.register,
    jobs.register,
    comments.register,
    safeguarding.register,
    directory.register,
)


def parser(groups: Sequence[Registrar] = CORE_COMMANDS) -> argparse.ArgumentParser:
    """The command line with these groups of commands."""
    p = argparse.ArgumentParser(
        prog="policybot",
        description="A chat assistant for the Trust's staff Social Media Policy.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in groups:
        register(sub)
    return p


def _quiet_drivers() -> None:
    """Database drivers log query parameters (message text, names) at DEBUG: never show them."""
    for driver in ("aiosqlite", "asyncpg", "psycopg"):
        logging.getLogger(driver).setLevel(max(logging.INFO, logging.getLogger().level))


def main(argv: list[str] | None = None, groups: Sequence[Registrar] = CORE_COMMANDS) -> int:
    """Parse the arguments and run the command; a user error is one line on stderr, exit 2."""
    args = parser(groups).parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    _quiet_drivers()
    try:
        args.run(args)
    except (UserError, KnowledgeError) as exc:
        print(f"policybot: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0
