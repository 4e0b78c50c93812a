"""Votes on answers and declined questions, on the `feedback` and `declined_question` tables."""

from __future__ import annotations

import unicodedata

from sqlalchemy import ColumnElement, func, select

from bot.model.records import Clock, DeclinedQuestion, UnhelpfulAnswer
from bot.storage.asyncio_engine import AsyncEngine
from bot.storage.tables import declined_question, feedback

_KEY_LENGTH = 255
_APOSTROPHES = str.maketrans("", "", "'\u2019")


def question_key(text: str) -> str:
    """The grouping key for a question: lower case, punctuation stripped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    spaced = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(spaced.split())[:_KEY_LENGTH]


class SqlQuestions:
    """The FeedbackStore and GapStore ports (a QuestionLog) on SQLite or PostgreSQL."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def add_feedback(
        self,
        person_id: str,
        clause_id: str,
        intent_id: str | None,
        helpful: bool,
        question: str | None = None,
    ) -> None:
        """Record one vote, with the (redacted) question it answered when known."""
        async with self._engine.begin() as connection:
            await connection.execute(
                feedback.insert().values(
                    person_id=person_id,
                    clause_id=clause_id,
                    intent_id=intent_id,
                    helpful=helpful,
                    created_at=self._clock(),
                    question=question,
                    question_key=question_key(question) if question else None,
                )
            )

    async def top_unhelpful(self, limit: int = 20) -> list[UnhelpfulAnswer]:
        """Not-helpful votes grouped by clause and question: most frequent, then most recent."""
        groups = (
            select(
                func.count().label("times"),
                func.max(feedback.c.created_at).label("last_seen"),
                func.max(feedback.c.id).label("latest_id"),
            )
            .where(feedback.c.helpful.is_(False))
            .group_by(feedback.c.clause_id, feedback.c.question_key)
            .subquery()
        )
        statement = (
            select(feedback.c.question, feedback.c.clause_id, groups.c.times, groups.c.last_seen)
            .join(groups, feedback.c.id == groups.c.latest_id)
            .order_by(groups.c.times.desc(), groups.c.last_seen.desc(), groups.c.latest_id.desc())
            .limit(limit)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            UnhelpfulAnswer(row.question, row.clause_id, row.times, row.last_seen) for row in rows
        ]

    async def add_declined(self, text: str) -> None:
        """Record one declined question."""
        async with self._engine.begin() as connection:
            await connection.execute(
                declined_question.insert().values(
                    key=question_key(text), text=text, created_at=self._clock()
                )
            )

    async def top_declined(self, limit: int = 20) -> list[DeclinedQuestion]:
        """Declined questions grouped by key: most frequent first, then most recent."""
        return await declined_groups(self._engine, limit)


async def declined_groups(
    engine: AsyncEngine, limit: int, *where: ColumnElement[bool]
) -> list[DeclinedQuestion]:
    """Declined questions (those matching `where`) grouped by key, each with its latest text:
    most frequent first, then most recent. `gaps` and HR's monthly digest both list them so."""
    groups = (
        select(
            func.count().label("times"),
            func.max(declined_question.c.created_at).label("last_seen"),
            func.max(declined_question.c.id).label("latest_id"),
        )
        .where(*where)
        .group_by(declined_question.c.key)
        .subquery()
    )
    statement = (
        select(declined_question.c.text, groups.c.times, groups.c.last_seen)
        .join(groups, declined_question.c.id == groups.c.latest_id)
        .order_by(groups.c.times.desc(), groups.c.last_seen.desc(), groups.c.latest_id.desc())
        .limit(limit)
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [
        DeclinedQuestion(text=row.text, count=row.times, last_seen=row.last_seen) for row in rows
    ]
