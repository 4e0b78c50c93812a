"""The database layer as the bot and an operator see it, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, StatementError

from bot.database import (
    DatabaseNotReady,
    alembic_config,
    async_url,
    create_engine,
    is_current,
    prepare,
    sync_url,
    upgrade,
)
from bot.messages import Choice, Quote, Reply
from bot.store import SqlStore, question_key, reply_from_json, reply_to_json
from bot.tables import feedback, metadata, outbox
from tests.conftest import FakeClock

QUOTED = Reply(
    text="Here is what the policy says.",
    quote=Quote(
        clause_id="4.2",
        section="Personal accounts",
        text="Staff must not accept pupils as friends.",
        version="2024-09",
    ),
    choices=(Choice("Yes, that helped", "helpful"), Choice("No", "not-helpful")),
)


# URLs


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:pw@db:5432/bot", "postgresql+asyncpg://u:pw@db:5432/bot"),
        ("postgresql://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgresql+psycopg://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgresql+asyncpg://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgresql://u@db/bot?sslmode=require", "postgresql+asyncpg://u@db/bot?ssl=require"),
        ("sqlite:///policybot.db", "sqlite+aiosqlite:///policybot.db"),
        ("sqlite+aiosqlite:////var/lib/bot.db", "sqlite+aiosqlite:////var/lib/bot.db"),
    ],
)
def test_async_url(given: str, expected: str) -> None:
    assert async_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:pw@db/bot", "postgresql+psycopg://u:pw@db/bot"),
        (
            "postgresql+asyncpg://u@db/bot?ssl=require",
            "postgresql+psycopg://u@db/bot?sslmode=require",
        ),
        ("sqlite+aiosqlite:///policybot.db", "sqlite:///policybot.db"),
        ("sqlite:///policybot.db", "sqlite:///policybot.db"),
    ],
)
def test_sync_url(given: str, expected: str) -> None:
    assert sync_url(given) == expected


def test_unsupported_url_is_refused_without_showing_the_password() -> None:
    with pytest.raises(ValueError, match="unsupported") as caught:
        async_url("mysql://admin:hunter2@db/bot")
    assert "hunter2" not in str(caught.value)


# Schema


def _with_password(url: str) -> str:
    """The URL with a password added (trust auth ignores it), to check it is never shown."""
    parsed = make_url(url)
    return (
        parsed.set(password="hunter2").render_as_string(hide_password=False) if parsed.host else url
    )


async def test_prepare_refuses_an_empty_database_with_the_upgrade_hint(db_url: str) -> None:
    url = _with_password(db_url)
    with pytest.raises(DatabaseNotReady, match="policybot db upgrade") as caught:
        await prepare(url, auto_upgrade=False)
    assert "is not up to date" in str(caught.value)
    assert "hunter2" not in str(caught.value)
    assert not await is_current(db_url)


async def test_prepare_upgrades_when_allowed_and_the_store_works(db_url: str) -> None:
    engine = await prepare(db_url, auto_upgrade=True)
    try:
        assert await is_current(db_url)
        store = SqlStore(engine, lambda: datetime.now(UTC))
        assert await store.enqueue("k", "alice", Reply("hi"))
    finally:
        await engine.dispose()
    engine = await prepare(db_url, auto_upgrade=False)
    await engine.dispose()


async def test_upgrade_is_idempotent_and_keeps_data(store: SqlStore, db_url: str) -> None:
    await store.save_state("alice", {"step": 2})
    await upgrade(db_url)
    await upgrade(db_url)
    assert await is_current(db_url)
    assert await store.load_state("alice") == {"step": 2}


async def test_concurrent_upgrades_both_succeed(db_url: str) -> None:
    await asyncio.gather(upgrade(db_url), upgrade(db_url))
    assert await is_current(db_url)


async def test_migrations_match_the_table_definitions(store: SqlStore) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with store.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_constraints_have_names_later_migrations_can_use(store: SqlStore) -> None:
    def names(connection: Connection) -> set[str | None]:
        inspector = inspect(connection)
        checks = inspector.get_check_constraints("outbox")
        uniques = inspector.get_unique_constraints("outbox")
        return {c["name"] for c in checks} | {c["name"] for c in uniques}

    async with store.engine.connect() as connection:
        assert await connection.run_sync(names) == {
            "ck_outbox_status",
            "ck_outbox_attempts",
            "uq_outbox_key",
        }


async def test_upgrading_an_older_database_keeps_its_queued_messages(
    db_url: str, clock: FakeClock
) -> None:
    def to_0003_with_a_queued_message() -> None:
        engine = sqlalchemy.create_engine(sync_url(db_url))
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
            connection.execute(
                outbox.insert().values(
                    key="k1",
                    recipient="alice",
                    payload=reply_to_json(QUOTED),
                    status="pending",
                    attempts=0,
                    next_attempt_at=clock.now,
                    created_at=clock.now,
                )
            )
        engine.dispose()

    await asyncio.to_thread(to_0003_with_a_queued_message)
    await upgrade(db_url)  # 0004 rebuilds the outbox's status check (a table copy on SQLite)
    store = SqlStore(create_engine(db_url), clock)
    try:
        [item] = await store.pending_for("alice")
        assert (item.key, item.reply) == ("k1", QUOTED)
        async with store.engine.begin() as connection:
            await connection.execute(update(outbox).values(status="cancelled"))
        with pytest.raises(IntegrityError):
            async with store.engine.begin() as connection:
                await connection.execute(update(outbox).values(status="lost"))
    finally:
        await store.close()


# Conversation state


async def test_state_round_trips_and_survives_a_restart(
    store: SqlStore, db_url: str, clock: FakeClock
) -> None:
    assert await store.load_state("alice") == {}
    state = {"topic": "photos", "turn": 3, "seen": ["4.1", "4.2"], "flags": {"ok": True}}
    await store.save_state("alice", state)
    await store.save_state("alice", {"topic": "trips"})
    await store.save_state("bob", state)

    restarted = SqlStore(create_engine(db_url), clock)
    try:
        assert await restarted.load_state("alice") == {"topic": "trips"}
        assert await restarted.load_state("bob") == state
        assert await restarted.load_state("carol") == {}
    finally:
        await restarted.close()


# Feedback


async def test_feedback_is_recorded(store: SqlStore, clock: FakeClock) -> None:
    await store.add_feedback("alice", "4.2", "friend-requests", helpful=True)
    clock.advance(minutes=1)
    await store.add_feedback("bob", "4.2", None, helpful=False)

    async with store.engine.connect() as connection:
        rows = (await connection.execute(select(feedback).order_by(feedback.c.id))).all()
    assert [(r.person_id, r.clause_id, r.intent_id, r.helpful, r.created_at) for r in rows] == [
        ("alice", "4.2", "friend-requests", True, datetime(2025, 3, 1, 9, 0, tzinfo=UTC)),
        ("bob", "4.2", None, False, datetime(2025, 3, 1, 9, 1, tzinfo=UTC)),
    ]


# Declined questions


def test_question_key_ignores_case_punctuation_and_spacing() -> None:
    assert question_key("  Can I use   TikTok?!  ") == "can i use tiktok"
    assert question_key("Can't I use TikTok") == question_key("cant i use tiktok")


async def test_declined_questions_are_grouped_and_ordered(
    store: SqlStore, clock: FakeClock
) -> None:
    await store.add_declined("Can I use TikTok?")
    clock.advance(minutes=1)
    await store.add_declined("What about parking?")
    clock.advance(minutes=1)
    await store.add_declined("can i use tiktok")
    clock.advance(minutes=1)
    await store.add_declined("Is lunch free?")
    clock.advance(minutes=1)
    last = clock.advance(minutes=1)
    await store.add_declined("CAN I USE TIKTOK!!")

    top = await store.top_declined()
    assert [(q.text, q.count) for q in top] == [
        ("CAN I USE TIKTOK!!", 3),
        ("Is lunch free?", 1),  # same count as parking, seen more recently
        ("What about parking?", 1),
    ]
    assert top[0].last_seen == last
    assert top[0].last_seen.tzinfo is not None
    assert [q.text for q in await store.top_declined(limit=1)] == ["CAN I USE TIKTOK!!"]


# Outbox


def test_reply_json_round_trips_exactly() -> None:
    for reply in (QUOTED, Reply("plain"), Reply("", choices=(Choice("a", "b"),))):
        assert reply_from_json(reply_to_json(reply)) == reply


async def test_enqueue_is_idempotent_by_key(store: SqlStore) -> None:
    assert await store.enqueue("escalation-17", "head@school", QUOTED)
    assert not await store.enqueue("escalation-17", "head@school", Reply("again"))

    [item] = await store.pending_for("head@school")
    assert item.key == "escalation-17"
    assert item.reply == QUOTED
    assert (item.status, item.attempts, item.last_error, item.sent_at) == ("pending", 0, None, None)


async def test_concurrent_enqueues_of_one_key_queue_once(
    store: SqlStore, db_url: str, clock: FakeClock
) -> None:
    # A second engine stands in for a second process sharing the database.
    other = SqlStore(create_engine(db_url), clock)
    try:
        results = await asyncio.gather(
            *(
                (store if i % 2 else other).enqueue("same-key", "head@school", Reply(f"copy {i}"))
                for i in range(10)
            )
        )
    finally:
        await other.close()
    assert sorted(results) == [False] * 9 + [True]
    assert len(await store.pending_for("head@school")) == 1
    assert len(await store.outbox_items()) == 1


async def test_enqueue_many_queues_each_new_key_once(store: SqlStore, clock: FakeClock) -> None:
    tricky = Reply('Overdue: "Year 7" café trip\n\\ back', choices=(Choice("Responded", "r:7"),))
    batch = [("a", "alice", tricky), ("b", "bob", QUOTED), ("a", "alice", Reply("repeated"))]
    assert await store.enqueue_many(batch) == 2
    assert await store.enqueue_many([("b", "bob", Reply("again")), ("c", "carol", Reply("3"))]) == 1

    due = await store.due(clock())
    assert [(i.key, i.recipient, i.reply) for i in due] == [
        ("a", "alice", tricky),
        ("b", "bob", QUOTED),
        ("c", "carol", Reply("3")),
    ]
    assert await store.due(clock() - timedelta(seconds=1)) == []


async def test_racing_bulk_enqueues_queue_each_key_once(
    store: SqlStore, db_url: str, clock: FakeClock
) -> None:
    other = SqlStore(create_engine(db_url), clock)
    batches = [
        [(f"key-{k}", "head", Reply(f"{k} from {i}")) for k in range(i, 300)] for i in range(6)
    ]
    try:
        new = await asyncio.gather(
            *((store if i % 2 else other).enqueue_many(b) for i, b in enumerate(batches))
        )
    finally:
        await other.close()
    assert sum(new) == 300
    assert len(await store.outbox_items(limit=1000)) == 300


async def test_pending_for_is_that_persons_messages_oldest_first(
    store: SqlStore, clock: FakeClock
) -> None:
    await store.enqueue("1", "alice", Reply("first"))
    clock.advance(seconds=5)
    await store.enqueue("2", "bob", Reply("for bob"))
    await store.enqueue("3", "alice", Reply("second"))
    await store.enqueue("4", "alice", Reply("third"))  # same instant as "second"

    assert [i.reply.text for i in await store.pending_for("alice")] == ["first", "second", "third"]
    assert [i.reply.text for i in await store.pending_for("bob")] == ["for bob"]
    assert await store.pending_for("carol") == []


async def test_sent_messages_are_no_longer_pending(store: SqlStore, clock: FakeClock) -> None:
    await store.enqueue("1", "alice", Reply("one"))
    await store.enqueue("2", "alice", Reply("two"))
    first, _ = await store.pending_for("alice")
    sent_at = clock.advance(seconds=3)
    await store.mark_sent(first.id)

    assert [i.reply.text for i in await store.pending_for("alice")] == ["two"]
    assert [i.reply.text for i in await store.due(clock())] == ["two"]
    newest, oldest = await store.outbox_items()
    assert (newest.reply.text, newest.status) == ("two", "pending")
    assert (oldest.status, oldest.sent_at) == ("sent", sent_at)

    with pytest.raises(LookupError):
        await store.mark_sent(999_999)


async def test_failed_delivery_stays_pending_and_backs_off(
    store: SqlStore, clock: FakeClock
) -> None:
    await store.enqueue("1", "alice", Reply("hello"))
    [item] = await store.due(clock())

    await store.mark_failed(item.id, "Slack said: " + "x" * 1000)
    [failed] = await store.pending_for("alice")
    assert failed.attempts == 1
    assert failed.last_error is not None
    assert failed.last_error.startswith("Slack said: ")
    assert len(failed.last_error) == 500
    start = clock()
    assert await store.due(start + timedelta(seconds=29)) == []
    assert [i.id for i in await store.due(start + timedelta(seconds=30))] == [item.id]

    clock.advance(seconds=30)
    await store.mark_failed(item.id, "timeout")
    assert await store.due(clock() + timedelta(seconds=59)) == []
    [retried] = await store.due(clock() + timedelta(seconds=60))
    assert (retried.attempts, retried.last_error, retried.status) == (2, "timeout", "pending")

    for _ in range(20):
        await store.mark_failed(item.id, "still down")
    assert await store.due(clock() + timedelta(minutes=59)) == []
    assert len(await store.due(clock() + timedelta(hours=1))) == 1


async def test_due_respects_limit_and_waiting_order(store: SqlStore, clock: FakeClock) -> None:
    for n in range(5):
        await store.enqueue(str(n), "alice", Reply(str(n)))
        clock.advance(seconds=1)
    assert [i.reply.text for i in await store.due(clock(), limit=2)] == ["0", "1"]


# Forgetting what only matters for a while


async def test_a_reference_with_a_lifetime_is_forgotten_and_a_persons_is_kept(
    store: SqlStore, clock: FakeClock
) -> None:
    await store.save_reference("dora", "slack", {"user": "U0DORA"})
    await store.save_reference("card:1", "teams", {"reply": {}}, keep_for=timedelta(days=90))
    assert await store.forget_expired_references(clock.advance(days=89)) == 0
    assert await store.load_reference("card:1", "teams") == {"reply": {}}
    assert await store.forget_expired_references(clock.advance(days=2)) == 1
    assert await store.load_reference("card:1", "teams") is None
    # A person's address has no lifetime, however old.
    assert await store.forget_expired_references(clock.advance(days=3650)) == 0
    assert await store.load_reference("dora", "slack") == {"user": "U0DORA"}


async def test_saving_a_reference_again_replaces_its_lifetime(
    store: SqlStore, clock: FakeClock
) -> None:
    await store.save_reference("card:1", "teams", {"n": 1}, keep_for=timedelta(days=1))
    await store.save_reference("card:1", "teams", {"n": 2})
    assert await store.forget_expired_references(clock.advance(days=30)) == 0
    assert await store.load_reference("card:1", "teams") == {"n": 2}


async def test_forgotten_event_ids_are_only_the_old_ones(store: SqlStore, clock: FakeClock) -> None:
    assert await store.first_time("slack:Ev1")
    cutoff = clock.advance(days=1)
    assert await store.first_time("slack:Ev2")
    assert await store.forget_events(cutoff) == 1
    assert not await store.first_time("slack:Ev2")  # still a duplicate
    assert await store.first_time("slack:Ev1")  # forgotten, so new again


# Time


async def test_timestamps_come_back_as_aware_utc(store: SqlStore, clock: FakeClock) -> None:
    clock.now = datetime(2025, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    await store.enqueue("1", "alice", Reply("hi"))
    [item] = await store.pending_for("alice")
    assert item.created_at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert item.created_at.utcoffset() == timedelta(0)

    clock.now = datetime(2025, 6, 1, 10, 0)  # naive: refused rather than guessed
    with pytest.raises(StatementError, match="timezone-aware"):
        await store.add_declined("anything")
