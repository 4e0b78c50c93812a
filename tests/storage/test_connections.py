"""PostgreSQL connections: one left idle is tried before use, and replaced if the database
ended it; reads and single statements run outside any transaction, and still commit."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.storage import database
from bot.storage.connecting import one_statement, reading, writing
from bot.storage.database import create_engine


def end_session(url: str, pid: int) -> None:
    """End one session, as a database restart ends them all."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


async def test_an_idle_connection_the_database_ended_is_replaced_before_use(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(postgres_url)
    try:
        async with reading(engine) as connection:
            first = await connection.scalar(text("SELECT pg_backend_pid()"))
        end_session(postgres_url, int(first))
        monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)  # idle long enough to be tried

        async with reading(engine) as connection:
            second = await connection.scalar(text("SELECT pg_backend_pid()"))

        assert second != first
    finally:
        await engine.dispose()


async def test_a_connection_in_use_is_not_tried_each_time(postgres_url: str) -> None:
    """A connection handed out again at once is not tried first: the one the database ended
    fails its next statement, and the pool connects anew for the one after."""
    engine = create_engine(postgres_url)
    try:
        async with reading(engine) as connection:
            first = await connection.scalar(text("SELECT pg_backend_pid()"))
        end_session(postgres_url, int(first))

        with pytest.raises(DBAPIError):
            async with reading(engine) as connection:
                await connection.scalar(text("SELECT 1"))
        async with reading(engine) as connection:
            assert await connection.scalar(text("SELECT 1")) == 1
    finally:
        await engine.dispose()


async def test_single_statements_commit_by_themselves_and_join_a_callers_transaction(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    try:
        async with writing(engine) as connection:
            await connection.execute(text("CREATE TABLE notes (n integer)"))
        async with one_statement(engine) as connection:
            await connection.execute(text("INSERT INTO notes VALUES (1)"))
        with pytest.raises(RuntimeError):
            async with writing(engine) as transaction:
                async with one_statement(transaction) as connection:
                    await connection.execute(text("INSERT INTO notes VALUES (2)"))
                raise RuntimeError("the caller's transaction fails")

        with psycopg.connect(postgres_url) as other:  # seen from another session
            rows = other.execute("SELECT n FROM notes").fetchall()
        assert rows == [(1,)]
    finally:
        await engine.dispose()
