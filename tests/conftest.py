"""Shared fixtures: a fresh database per test (SQLite and PostgreSQL) and a store on it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from bot.database import create_engine, upgrade
from bot.store import SqlStore

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_ADMIN_DATABASE = "test"
PG_USERS = ("postgres", "root")


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by timedelta(**delta) and return the new time."""
        self.now += timedelta(**delta)
        return self.now


def _connect_admin(user: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        host=PG_HOST,
        port=PG_PORT,
        user=user,
        dbname=PG_ADMIN_DATABASE,
        autocommit=True,
        connect_timeout=3,
    )


@pytest.fixture(scope="session")
def postgres_user() -> str:
    """A user that can create databases on the test server; skips (fails on CI) if none."""
    errors = []
    for user in PG_USERS:
        try:
            with _connect_admin(user):
                return user
        except psycopg.Error as error:
            errors.append(f"{user}: {' '.join(str(error).split())}")
    reason = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}/{PG_ADMIN_DATABASE}: " + "; ".join(
        errors
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true, so PostgreSQL tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a new, empty database, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'policybot.db'}"
        return
    user: str = request.getfixturevalue("postgres_user")
    name = f"policybot_test_{uuid.uuid4().hex[:16]}"
    with _connect_admin(user) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with _connect_admin(user) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def clock() -> FakeClock:
    """A clock fixed at 2025-03-01 09:00 UTC."""
    return FakeClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
async def store(db_url: str, clock: FakeClock) -> AsyncIterator[SqlStore]:
    """A SqlStore on an upgraded fresh database, using the fake clock."""
    await upgrade(db_url)
    sql_store = SqlStore(create_engine(db_url), clock)
    try:
        yield sql_store
    finally:
        await sql_store.close()
