"""Comments on academy accounts on the `comment` table, with when each next needs a look."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, select, update

from bot.model.ports import CommentStore
from bot.model.records import Clock, Comment, NewComment
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.bulk import json_rows
from bot.storage.tables import UTCDateTime, comment


def comment_row(new: NewComment) -> dict[str, Any]:
    """The `comment` row for a new comment: open, and first looked at when it is due soon."""
    return {
        "account_id": new.account_id,
        "academy": new.academy,
        "received_at": new.received_at,
        "deadline": new.deadline,
        "due_soon_at": new.due_soon_at,
        "escalate_at": new.escalate_at,
        "next_alert_at": new.due_soon_at,
        "author": new.author,
        "summary": new.summary,
        "source": new.source,
        "logged_by": new.logged_by,
        "status": "open",
        "created_at": new.logged_at,
    }


class SqlComments:
    """The CommentStore port on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def add(self, new: NewComment) -> Comment:
        """Record a new open comment; it is first looked at when it is due soon."""
        statement = comment.insert().values(**comment_row(new)).returning(*_COLUMNS)
        async with self._engine.begin() as connection:
            return _comment((await connection.execute(statement)).one())

    async def get(self, comment_id: int) -> Comment | None:
        """The comment with this id."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(select(*_COLUMNS).where(comment.c.id == comment_id))
            ).first()
        return _comment(row) if row else None

    async def all(self, status: str | None = None) -> list[Comment]:
        """Every comment (or those with this status), oldest received first."""
        statement = select(*_COLUMNS).order_by(comment.c.received_at, comment.c.id)
        if status is not None:
            statement = statement.where(comment.c.status == status)
        async with self._engine.connect() as connection:
            return [_comment(row) for row in await connection.execute(statement)]

    async def mark_responded(self, comment_id: int, person_id: str, at: datetime) -> Comment | None:
        """Close an open comment as answered; None when it is not open (or not there)."""
        statement = (
            update(comment)
            .where(comment.c.id == comment_id, comment.c.status == "open")
            .values(status="responded", responded_by=person_id, responded_at=at, next_alert_at=None)
            .returning(*_COLUMNS)
        )
        async with self._engine.begin() as connection:
            row = (await connection.execute(statement)).first()
        return _comment(row) if row else None

    async def needing_alerts(self, now: datetime) -> list[Comment]:
        """Open comments whose next look is due at `now`, by id."""
        # In id order, so racing workers queue keys in the same order and never deadlock.
        statement = (
            select(*_COLUMNS)
            .where(comment.c.status == "open", comment.c.next_alert_at <= now)
            .order_by(comment.c.id)
        )
        async with self._engine.connect() as connection:
            return [_comment(row) for row in await connection.execute(statement)]

    async def set_next_checks(self, checks: Mapping[int, datetime | None]) -> None:
        """When each comment next needs looking at; None for never."""
        if not checks:
            return
        rows = json_rows(
            self._engine.dialect,
            ({"id": i, "at": at} for i, at in checks.items()),
            {"id": Integer(), "at": UTCDateTime()},
        )
        statement = update(comment).where(comment.c.id == rows.c.id).values(next_alert_at=rows.c.at)
        async with self._engine.begin() as connection:
            await connection.execute(statement)


_COLUMNS = [comment.c["created_at" if f.name == "logged_at" else f.name] for f in fields(Comment)]
"""The `comment` columns holding a Comment's fields, in their order."""


def _comment(row: Sequence[Any]) -> Comment:
    # Positional: naming 15 columns per row costs more than the rest of reading it.
    return Comment(*row)


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlComments) -> CommentStore:
        return store
