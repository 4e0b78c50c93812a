"""Ports for running the trust: the figures behind HR's digest and the imported directory.

Protocols only, like bot/model/ports.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.model.records import ClauseVotes, DeclinedQuestion, LateReplies, StoredDirectory

if TYPE_CHECKING:
    from bot.model.directory import Directory


class MonthlyFigures(Protocol):
    """What happened over a period, for HR's monthly digest: gaps, votes and late replies."""

    async def declined_between(
        self, start: datetime, end: datetime, limit: int = 10
    ) -> list[DeclinedQuestion]:
        """Questions declined in [start, end), grouped as `top_declined` groups them."""
        ...

    async def votes_between(self, start: datetime, end: datetime) -> list[ClauseVotes]:
        """Votes cast in [start, end) per clause with any 'not helpful': most first, then id."""
        ...

    async def late_replies_between(
        self, start: datetime, end: datetime, now: datetime
    ) -> list[LateReplies]:
        """Per account, comments whose deadline fell in [start, end): answered late, or still
        open with the deadline before `now`; only accounts with any, by account id."""


class DirectoryStore(Protocol):
    """The trust directory once imported from a staff list: each save is a new version."""

    async def version(self) -> int | None:
        """The stored version, None before the first import: one small read."""
        ...

    async def load(self) -> StoredDirectory | None:
        """The stored directory with its version, None before the first import."""
        ...

    async def save(self, directory: Directory) -> int:
        """Replace the stored directory; the new version, one more than the last."""
        ...
