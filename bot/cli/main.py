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
from typing import Any

from bot.cli import cases, comments, digest, directory, jobs, policy, questions, safeguarding
from bot.cli.output import echo
from bot.cli.running import USAGE_ERROR, Registrar, Subcommands
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


def parser(
    groups: Sequence[Registrar] = CORE_COMMANDS, only: str | None = None
) -> argparse.ArgumentParser:
    """The command line with these groups of commands; with `only`, just that command's
    parser is built (a parser for each of the others, which it will not use, is most of the
    time argparse takes), or every command's when `only` is none of them."""
    p = argparse.ArgumentParser(
        prog="policybot",
        description="A chat assistant for the Trust's staff Social Media Policy.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = _OneCommand(sub, only) if only is not None else sub
    for register in groups:
        register(wanted)
    if isinstance(wanted, _OneCommand) and not wanted.found:
        return parser(groups)
    return p


class _OneCommand:
    """The subcommands, adding the parser of one command; the others' registration is
    taken and dropped."""

    def __init__(self, sub: Subcommands, name: str) -> None:
        self.sub, self.name, self.found = sub, name, False

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        """The command's parser when it is the one, else a stand-in."""
        if name != self.name:
            return _Dropped()
        self.found = True
        return self.sub.add_parser(name, **kwargs)


class _Dropped:
    """A command's parser that is not built: its arguments and subcommands go nowhere."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        """Dropped."""

    def set_defaults(self, **kwargs: Any) -> None:
        """Dropped."""

    def add_subparsers(self, **kwargs: Any) -> _Dropped:
        """Its subcommands, dropped too."""
        return self

    def add_parser(self, name: str, **kwargs: Any) -> _Dropped:
        """Dropped."""
        return self


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
    arguments = sys.argv[1:] if argv is None else argv
    command = arguments[0] if arguments and not arguments[0].startswith("-") else None
    args = parser(groups, only=command).parse_args(arguments)
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
