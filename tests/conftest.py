"""Shared fixtures: a fresh database per test (SQLite and PostgreSQL) and the stores on it.

`stores` is every SQL store on a fresh database; `backend` is the same ports on each of
memory, SQLite and PostgreSQL, for the contract tests every implementation must pass.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from bot.model.records import Clock
from bot.storage.database import SqlDatabase, create_engine, upgrade
from bot.storage.stores import Stores, memory_stores, open_stores

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


@contextmanager
def _empty_database(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a new, empty SQLite or PostgreSQL database, dropped afterwards."""
    if kind == "sqlite":
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
def postgres_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped after the test."""
    with _empty_database("postgresql", request, tmp_path) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a new, empty database, dropped after the test."""
    with _empty_database(request.param, request, tmp_path) as url:
        yield url


def sql_stores(url: str, clock: Clock) -> Stores:
    """Every SQL store on the (already upgraded) database at `url`, with its own connections."""
    return open_stores(SqlDatabase(create_engine(url)), clock)


@pytest.fixture
def clock() -> FakeClock:
    """A clock fixed at 2025-03-01 09:00 UTC."""
    return FakeClock(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
async def stores(db_url: str, clock: FakeClock) -> AsyncIterator[Stores]:
    """Every SQL store on an upgraded fresh database, using the fake clock."""
    await upgrade(db_url)
    opened = sql_stores(db_url, clock)
    try:
        yield opened
    finally:
        await opened.close()


@dataclass
class Backend:
    """The stores on one backend, and a way to open them again as another process would."""

    name: str
    """'memory', 'sqlite' or 'postgresql'."""
    stores: Stores
    url: str | None
    clock: FakeClock
    _opened: list[Stores] = field(default_factory=list)

    def reopen(self) -> Stores:
        """The same data through other stores: new connections on SQL, the same memory."""
        if self.url is None:
            return self.stores
        other = sql_stores(self.url, self.clock)
        self._opened.append(other)
        return other

    async def close(self) -> None:
        """Release every connection opened for the test."""
        for opened in (self.stores, *self._opened):
            await opened.close()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def backend(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Backend]:
    """Every port on one backend (memory, SQLite, PostgreSQL), for contract tests."""
    if request.param == "memory":
        yield Backend("memory", memory_stores(clock), None, clock)
        return
    with _empty_database(request.param, request, tmp_path) as url:
        await upgrade(url)
        opened = Backend(request.param, sql_stores(url, clock), url, clock)
        try:
            yield opened
        finally:
            await opened.close()
