"""The MonthlyFigures contract (HR's digest), on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.model.records import ClauseVotes, LateReplies
from bot.storage.stores import Stores
from tests.conftest import Backend
from tests.storage.test_comment_store import new

NOV = datetime(2026, 11, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)


async def test_declined_questions_are_counted_within_the_month_only(backend: Backend) -> None:
    store, clock = backend.stores.questions, backend.clock
    clock.now = datetime(2026, 10, 31, 23, 59, tzinfo=UTC)
    await store.add_declined("Can I use TikTok?")  # October: not November's
    for day, text in [
        (2, "can i use tiktok"),
        (3, "Can I use TikTok?!"),
        (4, "what about snapchat"),
    ]:
        clock.now = datetime(2026, 11, day, 10, tzinfo=UTC)
        await store.add_declined(text)
    clock.now = DEC
    await store.add_declined("what about snapchat")  # December: not November's
    figures = backend.reopen().figures
    november = await figures.declined_between(NOV, DEC)
    assert [(q.text, q.count) for q in november] == [
        ("Can I use TikTok?!", 2),
        ("what about snapchat", 1),
    ]
    assert november[0].last_seen == datetime(2026, 11, 3, 10, tzinfo=UTC)
    assert len(await figures.declined_between(NOV, DEC, limit=1)) == 1
    assert await figures.declined_between(DEC, DEC + timedelta(days=1)) != []
    assert await figures.declined_between(DEC + timedelta(days=1), DEC + timedelta(days=31)) == []


async def test_votes_list_the_clauses_marked_not_helpful_in_the_month(backend: Backend) -> None:
    store, clock = backend.stores.questions, backend.clock
    clock.now = datetime(2026, 11, 10, tzinfo=UTC)
    await store.add_feedback("kate", "handover.reset", "handover", helpful=False)
    await store.add_feedback("jack", "handover.reset", None, helpful=True)
    await store.add_feedback("jack", "do-not.bully", "bully", helpful=False)
    await store.add_feedback("dora", "do-not.bully", "bully", helpful=False)
    await store.add_feedback("dora", "only.helpful", "x", helpful=True)
    clock.now = DEC
    await store.add_feedback("kate", "handover.reset", "handover", helpful=False)
    votes = await backend.reopen().figures.votes_between(NOV, DEC)
    assert votes == [ClauseVotes("do-not.bully", 2, 0), ClauseVotes("handover.reset", 1, 1)]


async def _comment(
    stores: Stores, account: str, deadline: datetime, answered: datetime | None
) -> None:
    added = await stores.comments.add(new(account, deadline - timedelta(days=1)))
    if answered is not None:
        await stores.comments.mark_responded(added.id, "jack", answered)


async def test_late_replies_are_counted_per_account_by_deadline(backend: Backend) -> None:
    stores = backend.stores
    due = datetime(2026, 11, 10, 10, tzinfo=UTC)
    await _comment(stores, "history", due, due - timedelta(hours=1))  # in time
    await _comment(stores, "history", due, due + timedelta(hours=3))  # late
    await _comment(stores, "history", due, None)  # never answered
    await _comment(stores, "pe", due, due - timedelta(minutes=5))  # in time: not listed
    await _comment(stores, "pe", DEC + timedelta(hours=10), None)  # due in December
    await _comment(stores, "art", datetime(2026, 10, 30, tzinfo=UTC), DEC)  # due in October
    figures = backend.reopen().figures
    assert await figures.late_replies_between(NOV, DEC, now=DEC) == [
        LateReplies("history", "holy-cross", due=3, late=1, unanswered=1)
    ]
    before_due = due - timedelta(hours=2)  # the open one is not late yet
    assert await figures.late_replies_between(NOV, DEC, now=before_due) == [
        LateReplies("history", "holy-cross", due=3, late=1, unanswered=0)
    ]
