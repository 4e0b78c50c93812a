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
import threading
from collections.abc import Sequence

from bot.cli import cases, comments, digest, directory, jobs, policy, questions, safeguarding
from bot.cli.output import echo
from bot.cli.running import USAGE_ERROR, Registrar
from bot.errors import UserError
from intents.errors import KnowledgeError

CORE_COMMANDS: tuple[Registrar, ...] = (
    questions.register,
    cases.register,
    jobs.register,
    comments.register,
    safeguarding.register,
    digest.register,
    policy.register,
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


LIBRARIES = (
    "aiosqlite", "asyncpg", "psycopg", "sqlalchemy", "alembic", "apscheduler",
    "slack_bolt", "slack_sdk", "aiohttp", "botbuilder", "botframework", "msrest", "msal",
    "azure", "urllib3", "requests", "oauthlib", "requests_oauthlib", "jwt",
)  # fmt: skip
"""Libraries whose DEBUG logging prints what passes through them: query parameters, request and
response bodies (message text, names, tokens). Never below INFO, and see LibraryDetails."""


class LibraryDetails(logging.Filter):
    """A library's warnings and errors often quote the request or exception ("Unhandled request
    ({...body...})", "Failed to run listener function (error: ...)"): only their first words
    are kept, up to the first bracket, brace or colon, and never a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, cut to what it says happened (our own modules' records untouched)."""
        if record.levelno < logging.WARNING or record.name.split(".")[0] not in LIBRARIES:
            return True
        text = record.getMessage().split("\n")[0]
        for mark in "({[:'\"":
            text = text.split(mark)[0]
        record.msg, record.args = f"{text.strip()} (details withheld)", None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def configure_logging(level: str) -> None:
    """Log at `level` to stderr, never letting a library print what people wrote."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cap_libraries()
    for handler in logging.getLogger().handlers:
        handler.addFilter(LibraryDetails())
    threading.excepthook = _thread_failed


def _thread_failed(hook: threading.ExceptHookArgs) -> None:
    """A driver's thread that fails (aiosqlite's, when its event loop closed first after a
    database error) is one log line naming its type, not a traceback after the real message."""
    kind = hook.exc_type.__name__
    logging.getLogger(__name__).debug("background thread ended with %s", kind)


def cap_libraries() -> None:
    """No library logs below INFO, whatever the level (their DEBUG prints bodies)."""
    for library in LIBRARIES:
        logging.getLogger(library).setLevel(max(logging.INFO, logging.getLogger().level))


def main(argv: list[str] | None = None, groups: Sequence[Registrar] = CORE_COMMANDS) -> int:
    """Parse the arguments and run the command; a user error is one line on stderr, exit 2."""
    args = parser(groups).parse_args(argv)
    configure_logging(os.environ.get("LOG_LEVEL", "WARNING").upper())
    try:
        args.run(args)
    except (UserError, KnowledgeError) as exc:
        echo(f"policybot: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0
