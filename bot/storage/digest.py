"""The figures for HR's monthly digest (the MonthlyFigures port) on SQLite or PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, select

from bot.model.admin_ports import MonthlyFigures
from bot.model.records import ClauseVotes, DeclinedQuestion, LateReplies
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.questions import declined_groups
from bot.storage.tables import comment, declined_question, feedback


class SqlMonthlyFigures:
    """Declined questions, votes and late replies over a period, each in one query."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def declined_between(
        self, start: datetime, end: datetime, limit: int = 10
    ) -> list[DeclinedQuestion]:
        """Questions declined in [start, end): most frequent first, then most recent."""
        at = declined_question.c.created_at
        return await declined_groups(self._engine, limit, at >= start, at < end)

    async def votes_between(self, start: datetime, end: datetime) -> list[ClauseVotes]:
        """Per clause with any 'not helpful' vote in [start, end): most first, then by id."""
        not_helpful = func.sum(case((feedback.c.helpful.is_(False), 1), else_=0))
        helpful = func.sum(case((feedback.c.helpful.is_(True), 1), else_=0))
        statement = (
            select(feedback.c.clause_id, not_helpful.label("down"), helpful.label("up"))
            .where(feedback.c.created_at >= start, feedback.c.created_at < end)
            .group_by(feedback.c.clause_id)
            .having(not_helpful > 0)
            .order_by(not_helpful.desc(), feedback.c.clause_id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [ClauseVotes(row.clause_id, int(row.down), int(row.up)) for row in rows]

    async def late_replies_between(
        self, start: datetime, end: datetime, now: datetime
    ) -> list[LateReplies]:
        """Per account, comments due in [start, end) answered late or still open past due."""
        late = func.sum(case((comment.c.responded_at > comment.c.deadline, 1), else_=0))
        overdue = and_(comment.c.status == "open", comment.c.deadline < now)
        unanswered = func.sum(case((overdue, 1), else_=0))
        statement = (
            select(
                comment.c.account_id,
                comment.c.academy,
                func.count().label("due"),
                late.label("late"),
                unanswered.label("unanswered"),
            )
            .where(comment.c.deadline >= start, comment.c.deadline < end)
            .group_by(comment.c.account_id, comment.c.academy)
            .having(late + unanswered > 0)
            .order_by(comment.c.account_id)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            LateReplies(r.account_id, r.academy, r.due, int(r.late), int(r.unanswered))
            for r in rows
        ]


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlMonthlyFigures) -> MonthlyFigures:
        return store
