"""The stores as the bot and an operator see them: the database on SQLite and PostgreSQL, and
the contract every store keeps on memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.messages import Choice, Quote, Reply, reply_from_json, reply_to_json
from bot.storage.database import (
    DatabaseNotReady,
    SqlDatabase,
    alembic_config,
    async_url,
    create_engine,
    is_current,
    prepare,
    sync_url,
    upgrade,
)
from bot.storage.outbox import SqlOutbox
from bot.storage.questions import question_key
from bot.storage.stores import Stores
from bot.storage.tables import feedback, metadata, outbox
from tests.conftest import Backend, FakeClock, sql_stores

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
        store = SqlOutbox(engine, lambda: datetime.now(UTC))
        assert await store.enqueue("k", "alice", Reply("hi"))
    finally:
        await engine.dispose()
    engine = await prepare(db_url, auto_upgrade=False)
    await engine.dispose()


async def test_upgrade_is_idempotent_and_keeps_data(stores: Stores, db_url: str) -> None:
    await stores.conversations.save_state("alice", {"step": 2})
    await upgrade(db_url)
    await upgrade(db_url)
    assert await is_current(db_url)
    assert await stores.conversations.load_state("alice") == {"step": 2}


async def test_the_database_answers_a_ping_and_a_missing_one_does_not(
    stores: Stores, tmp_path: Path
) -> None:
    await stores.database.ping()
    missing = SqlDatabase(create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"))
    with pytest.raises((OperationalError, FileNotFoundError)):
        await missing.ping()
    await missing.close()


async def test_only_a_database_out_of_reach_is_a_failure_that_passes(tmp_path: Path) -> None:
    database = SqlDatabase(create_engine(f"sqlite:///{tmp_path / 'p.db'}"))
    with pytest.raises(OperationalError) as missing_table:  # the work's own fault
        async with database.engine.connect() as connection:
            await connection.execute(sqlalchemy.text("SELECT * FROM no_such_table"))
    assert not database.passing(missing_table.value)
    assert not database.passing(ValueError("a bug"))
    assert database.passing(ConnectionRefusedError())  # the server is not there (yet)
    await database.close()


async def test_concurrent_upgrades_both_succeed(db_url: str) -> None:
    await asyncio.gather(upgrade(db_url), upgrade(db_url))
    assert await is_current(db_url)


def _engine(stores: Stores) -> AsyncEngine:
    assert isinstance(stores.database, SqlDatabase)
    return stores.database.engine


async def test_migrations_match_the_table_definitions(stores: Stores) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with _engine(stores).connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_constraints_have_names_later_migrations_can_use(stores: Stores) -> None:
    def names(connection: Connection) -> set[str | None]:
        inspector = inspect(connection)
        checks = inspector.get_check_constraints("outbox")
        uniques = inspector.get_unique_constraints("outbox")
        return {c["name"] for c in checks} | {c["name"] for c in uniques}

    async with _engine(stores).connect() as connection:
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
    stores = sql_stores(db_url, clock)
    try:
        [item] = await stores.outbox.pending_for("alice")
        assert (item.key, item.reply) == ("k1", QUOTED)
        async with _engine(stores).begin() as connection:
            await connection.execute(update(outbox).values(status="cancelled"))
        with pytest.raises(IntegrityError):
            async with _engine(stores).begin() as connection:
                await connection.execute(update(outbox).values(status="lost"))
    finally:
        await stores.close()


# Conversation state


async def test_state_round_trips_and_survives_a_restart(backend: Backend) -> None:
    store = backend.stores.conversations
    assert await store.load_state("alice") == {}
    state = {"topic": "photos", "turn": 3, "seen": ["4.1", "4.2"], "flags": {"ok": True}}
    await store.save_state("alice", state)
    await store.save_state("alice", {"topic": "trips"})
    await store.save_state("bob", state)

    restarted = backend.reopen().conversations
    assert await restarted.load_state("alice") == {"topic": "trips"}
    assert await restarted.load_state("bob") == state
    assert await restarted.load_state("carol") == {}


async def test_a_loaded_state_is_a_copy(backend: Backend) -> None:
    store = backend.stores.conversations
    state = {"seen": ["4.1"]}
    await store.save_state("alice", state)
    state["seen"].append("4.2")
    (await store.load_state("alice"))["seen"].append("9.9")
    assert await store.load_state("alice") == {"seen": ["4.1"]}


# Feedback


async def test_feedback_is_recorded(stores: Stores, clock: FakeClock) -> None:
    await stores.questions.add_feedback("alice", "4.2", "friend-requests", helpful=True)
    clock.advance(minutes=1)
    await stores.questions.add_feedback("bob", "4.2", None, helpful=False)

    async with _engine(stores).connect() as connection:
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
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.questions
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


# Outbox payloads (the outbox contract is in tests/storage/test_outbox_store.py)


def test_reply_json_round_trips_exactly() -> None:
    for reply in (QUOTED, Reply("plain"), Reply("", choices=(Choice("a", "b"),))):
        assert reply_from_json(reply_to_json(reply)) == reply


# Forgetting what only matters for a while


async def test_a_reference_with_a_lifetime_is_forgotten_and_a_persons_is_kept(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.references
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
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.references
    await store.save_reference("card:1", "teams", {"n": 1}, keep_for=timedelta(days=1))
    await store.save_reference("card:1", "teams", {"n": 2})
    assert await store.forget_expired_references(clock.advance(days=30)) == 0
    assert await store.load_reference("card:1", "teams") == {"n": 2}


async def test_forgotten_event_ids_are_only_the_old_ones(
    backend: Backend, clock: FakeClock
) -> None:
    store = backend.stores.events
    assert await store.first_time("slack:Ev1")
    cutoff = clock.advance(days=1)
    assert await store.first_time("slack:Ev2")
    assert await store.forget_events(cutoff) == 1
    assert not await store.first_time("slack:Ev2")  # still a duplicate
    assert await store.first_time("slack:Ev1")  # forgotten, so new again


# Time


async def test_timestamps_come_back_as_aware_utc(backend: Backend, clock: FakeClock) -> None:
    store = backend.stores
    clock.now = datetime(2025, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    await store.outbox.enqueue("1", "alice", Reply("hi"))
    [item] = await store.outbox.pending_for("alice")
    assert item.created_at == datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    assert item.created_at.utcoffset() == timedelta(0)

    clock.now = datetime(2025, 6, 1, 10, 0)  # naive: refused rather than guessed
    # The database wraps the type's ValueError in its StatementError; memory raises it as is.
    refused = ValueError if backend.name == "memory" else StatementError
    with pytest.raises(refused, match="timezone-aware"):
        await store.questions.add_declined("anything")


async def test_states_loaded_and_saved_at_once_are_each_persons_own(backend: Backend) -> None:
    store = backend.stores.conversations
    people = [f"person{n}" for n in range(20)]
    await asyncio.gather(*(store.save_state(p, {"step": n}) for n, p in enumerate(people)))
    loaded = await asyncio.gather(*(store.load_state(p) for p in [*people, "alice", "person3"]))
    assert loaded == [*({"step": n} for n in range(20)), {}, {"step": 3}]
    loaded[3]["step"] = 99  # the same person twice: two copies
    assert loaded[-1] == {"step": 3}
    await asyncio.gather(store.save_state("alice", {"step": 1}), store.save_state("bob", {}))
    await asyncio.gather(
        store.save_state("carol", {"step": 1}), store.save_state("carol", {"step": 2})
    )
    restarted = backend.reopen().conversations
    assert await restarted.load_state("alice") == {"step": 1}
    assert await restarted.load_state("carol") == {"step": 2}  # the later of two saves at once
