"""How a command runs: settings from the environment, the app opened and closed, user errors."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.cli.output import echo_json
from bot.errors import UserError

if TYPE_CHECKING:
    from bot.app import App
    from bot.settings import Settings

USAGE_ERROR = 2
"""The exit status of a command the person at the terminal can put right."""

Subcommands = Any
"""argparse's private _SubParsersAction, which add_parser is called on."""
Registrar = Callable[[Subcommands], None]
"""Adds a group of commands to the parser."""
AppCommand = Callable[["App", argparse.Namespace], Awaitable[None]]


class CommandError(UserError):
    """A problem the person at the terminal can fix; printed without a traceback."""


def settings() -> Settings:
    """The settings from this process's environment."""
    from bot.settings import Settings

    return Settings.from_env(os.environ)


def with_app(command: AppCommand) -> Callable[[argparse.Namespace], None]:
    """A command run on a freshly built app, closed afterwards whatever happens."""

    async def opened(args: argparse.Namespace) -> None:
        from bot.app import build_app

        app = await build_app(settings())
        try:
            await command(app, args)
        finally:
            await app.close()

    return lambda args: without_collecting(lambda: asyncio.run(opened(args)))


def without_collecting(run: Callable[[], None]) -> None:
    """Run a command with the cyclic garbage collector off, as it was again afterwards.

    Starting imports the database library, the directory and its calendars: objects that all
    live until the command ends, which the collector would walk again and again for nothing
    (5 to 8% of a short command's time). A command that keeps running (the worker)
    turns it back on once started."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        run()
    finally:
        if collecting:
            gc.enable()


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def instant(text: str | None, clock: Callable[[], datetime]) -> datetime:
    """--now: an ISO 8601 instant (UTC when no offset is given), or the clock's now."""
    if text is None:
        return clock()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--now {text!r} is not an ISO 8601 time like 2026-09-01T09:00Z"
        ) from None
    return value.replace(tzinfo=value.tzinfo or UTC)


def print_json(data: dict[str, Any]) -> None:
    """One JSON object on one line."""
    echo_json(data)
