"""The MonthlyFigures port in memory, read from the memory twins of the question and comment
stores, with the SQL store's grouping and order."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from bot.model.admin_ports import MonthlyFigures
from bot.model.ports import CommentStore
from bot.model.records import ClauseVotes, DeclinedQuestion, LateReplies
from bot.storage.memory import MemoryQuestions, group_declined, utc


class MemoryMonthlyFigures:
    """Declined questions, votes and late replies over a period, from the stores in memory."""

    def __init__(self, questions: MemoryQuestions, comments: CommentStore) -> None:
        self._questions = questions
        self._comments = comments

    async def declined_between(
        self, start: datetime, end: datetime, limit: int = 10
    ) -> list[DeclinedQuestion]:
        """Questions declined in [start, end): most frequent first, then most recent."""
        start, end = utc(start), utc(end)
        rows = [r for r in self._questions.declined if start <= r[3] < end]
        return group_declined(rows)[:limit]

    async def votes_between(self, start: datetime, end: datetime) -> list[ClauseVotes]:
        """Per clause with any 'not helpful' vote in [start, end): most first, then by id."""
        start, end = utc(start), utc(end)
        down: Counter[str] = Counter()
        up: Counter[str] = Counter()
        for _, clause_id, _, helpful, at, _ in self._questions.votes:
            if start <= at < end:
                (up if helpful else down)[clause_id] += 1
        ordered = sorted(down, key=lambda c: (-down[c], c))
        return [ClauseVotes(c, down[c], up[c]) for c in ordered]

    async def late_replies_between(
        self, start: datetime, end: datetime, now: datetime
    ) -> list[LateReplies]:
        """Per account, comments due in [start, end) answered late or still open past due."""
        start, end, now = utc(start), utc(end), utc(now)
        counts: dict[tuple[str, str], list[int]] = {}
        for c in await self._comments.all():
            if not start <= c.deadline < end:
                continue
            row = counts.setdefault((c.account_id, c.academy), [0, 0, 0])
            row[0] += 1
            row[1] += c.responded_at is not None and c.responded_at > c.deadline
            row[2] += c.status == "open" and c.deadline < now
        return [
            LateReplies(account, academy, due, late, unanswered)
            for (account, academy), (due, late, unanswered) in sorted(counts.items())
            if late + unanswered
        ]


if TYPE_CHECKING:

    def _satisfies_protocol(store: MemoryMonthlyFigures) -> MonthlyFigures:
        return store
