"""What every chat adapter shares: how it asks the core, and what it says when it can't.

The core is only ever asked on behalf of a person in the trust directory; anyone else hears
`not_in_directory`. Whatever breaks while answering, the person hears SORRY rather than silence.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.core.messages import Message, Reply
from bot.errors import failure
from bot.model.directory import Directory

log = logging.getLogger(__name__)

Handle = Callable[[Message], Awaitable[list[Reply]]]
"""The core's entry point (Bot.handle): one message in, the replies to show."""
Say = Callable[[Sequence[Reply]], Awaitable[None]]
"""Shows replies to the person, wherever the conversation is happening."""
Describe = Callable[[BaseException], str]
"""A failure in words fit for logs: never the message text an exception may quote."""

SORRY = (
    "Sorry, something went wrong on my side and I couldn't answer that. "
    "Please try again in a minute."
)


def kind(exc: BaseException) -> str:
    """The exception's type only: its message may quote what the person wrote."""
    return type(exc).__name__


def not_in_directory(directory: Directory, account: str) -> Reply:
    """What someone whose `account` ('Slack account') is not in the directory is told."""
    hr = [p for p in directory.people if p.role == "hr"]
    who = " or ".join(f"{p.name} ({p.email})" for p in hr) or "your line manager or HR"
    return Reply(
        f"Sorry, I can only help staff of {directory.trust.name}, and I can't find your "
        f"{account} in the trust directory. Please ask {who} to add you, giving them your work "
        "email address, then message me again."
    )


async def or_sorry(
    work: Awaitable[None],
    say: Say | None,
    what: str,
    describe: Describe = kind,
    passing: tuple[type[Exception], ...] = (),
) -> None:
    """Do the work; if it fails, log that `what` failed and, given `say`, tell the person SORRY.

    Exceptions of the `passing` types go up untouched: the caller has a better answer to them.
    No traceback is logged at any level, for the same reason as `kind`: only where it broke.
    """
    try:
        await work
    except passing:
        raise
    except Exception as exc:  # the person must hear something, whatever broke
        place = failure(exc).removeprefix(type(exc).__name__)
        log.error("%s failed: %s%s", what, describe(exc), place)
        if say is not None:
            await say([Reply(SORRY)])
