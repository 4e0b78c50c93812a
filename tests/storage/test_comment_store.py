"""The CommentStore contract, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bot.model.records import NewComment
from tests.conftest import Backend

RECEIVED = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def new(account: str = "acc", received: datetime = RECEIVED, **changes: object) -> NewComment:
    """A new comment received at `received`, due a day later, due soon two hours before."""
    values: dict[str, object] = {
        "account_id": account,
        "academy": "holy-cross",
        "received_at": received,
        "deadline": received + timedelta(days=1),
        "due_soon_at": received + timedelta(hours=22),
        "escalate_at": received + timedelta(days=2),
        "author": "A parent",
        "summary": "asks about the trip",
        "source": "cli",
        "logged_by": None,
        "logged_at": received + timedelta(minutes=5),
    }
    return NewComment(**(values | changes))  # type: ignore[arg-type]


async def test_an_added_comment_is_open_and_read_back_as_it_was_given(backend: Backend) -> None:
    store = backend.stores.comments
    plus_two = timezone(timedelta(hours=2))
    added = await store.add(new(received=RECEIVED.astimezone(plus_two), logged_by="jack"))
    assert added.id >= 1
    assert (added.status, added.responded_by, added.responded_at) == ("open", None, None)
    assert (added.account_id, added.summary, added.logged_by) == (
        "acc",
        "asks about the trip",
        "jack",
    )
    assert added.received_at == RECEIVED
    assert added.received_at.utcoffset() == timedelta(0)
    assert added.logged_at == RECEIVED + timedelta(minutes=5)
    assert await store.get(added.id) == added
    assert await store.get(added.id + 1000) is None


async def test_all_is_oldest_received_first_and_filters_by_status(backend: Backend) -> None:
    store = backend.stores.comments
    later = await store.add(new(received=RECEIVED + timedelta(hours=1)))
    first = await store.add(new())
    same_time = await store.add(new())
    assert [c.id for c in await store.all()] == [first.id, same_time.id, later.id]
    await store.mark_responded(first.id, "kate", RECEIVED + timedelta(hours=3))
    assert [c.id for c in await store.all("open")] == [same_time.id, later.id]
    assert [c.id for c in await store.all("responded")] == [first.id]


async def test_a_comment_needs_a_look_when_due_soon_then_when_told(backend: Backend) -> None:
    store = backend.stores.comments
    one, two = await store.add(new()), await store.add(new())
    due_soon = one.due_soon_at
    assert await store.needing_alerts(due_soon - timedelta(seconds=1)) == []
    assert [c.id for c in await store.needing_alerts(due_soon)] == [one.id, two.id]

    await store.set_next_checks({one.id: due_soon + timedelta(hours=2), two.id: None})
    assert await store.needing_alerts(due_soon + timedelta(hours=1)) == []
    assert await store.needing_alerts(due_soon + timedelta(days=30)) == [one]
    await store.set_next_checks({})
    assert await store.needing_alerts(due_soon + timedelta(days=30)) == [one]


async def test_a_comment_is_marked_responded_once(backend: Backend) -> None:
    store = backend.stores.comments
    added = await store.add(new())
    at = RECEIVED + timedelta(hours=3)
    closed = await store.mark_responded(added.id, "kate", at)
    assert closed is not None
    assert (closed.status, closed.responded_by, closed.responded_at) == ("responded", "kate", at)
    assert await store.get(added.id) == closed
    assert await store.mark_responded(added.id, "jack", at) is None
    assert await store.mark_responded(added.id + 1000, "jack", at) is None
    assert (await store.get(added.id)) == closed
    # Closed, it needs no more looks even if a racing worker set one afterwards.
    await store.set_next_checks({added.id: at})
    assert await store.needing_alerts(at + timedelta(days=30)) == []
