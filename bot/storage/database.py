"""Database URLs, engines and schema migrations: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy
from sqlalchemy import Connection, event, pool, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from bot.errors import UserError
from bot.model.ports import Database
from bot.storage.asyncio_engine import AsyncEngine, create_async_engine
from bot.storage.tables import apscheduler_jobs

if TYPE_CHECKING:
    from alembic.config import Config
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

HEAD_REVISION = "0014"
"""The newest migration in migrations/versions (a test holds it to Alembic's own head), so a
process that finds the database there starts without importing Alembic at all."""
POOL_SIZE = 20
"""PostgreSQL connections a process keeps open (and as many more at a peak)."""
IDLE_PING_SECONDS = 10.0
"""A pooled PostgreSQL connection left unused this long is tried (one round trip) before it is
handed out, and replaced if dead: the database may have restarted meanwhile. One in use more
often is not: checking every one, every time, took three round trips per transaction."""

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long SQLite waits for another process's write lock before giving up."""

_ASYNC_DRIVERS = {
    "postgresql": ("asyncpg", {"asyncpg", "psycopg_async"}),
    "sqlite": ("aiosqlite", {"aiosqlite"}),
}
_SYNC_DRIVERS = {"postgresql": "psycopg", "sqlite": ""}


class DatabaseNotReady(UserError, RuntimeError):
    """The database schema is not at the revision this code needs."""


class DatabaseUnreachable(UserError, ConnectionError):
    """The database could not be opened: a wrong URL, a server down, a missing database."""


def redact(url: str) -> str:
    """The URL with any password replaced by ***, safe to show or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"


def _parse(url: str) -> tuple[URL, str, str]:
    """The parsed URL, its backend ('postgresql' or 'sqlite') and its driver ('' when default)."""
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgres":
        backend = "postgresql"
    if backend not in _ASYNC_DRIVERS:
        raise ValueError(
            f"unsupported database URL {redact(url)}: use sqlite:///file.db or postgresql://..."
        )
    return parsed, backend, driver


def async_url(url: str) -> str:
    """The URL with an async driver: postgresql+asyncpg or sqlite+aiosqlite."""
    parsed, backend, driver = _parse(url)
    default, accepted = _ASYNC_DRIVERS[backend]
    if driver in accepted:
        return url
    parsed = parsed.set(drivername=f"{backend}+{default}")
    if default == "asyncpg" and "sslmode" in parsed.query:
        # asyncpg calls libpq's sslmode "ssl" and rejects the unknown keyword.
        query = dict(parsed.query)
        query["ssl"] = query.pop("sslmode")
        parsed = parsed.set(query=query)
    return parsed.render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    """The URL with a blocking driver (postgresql+psycopg or sqlite), for Alembic and schedulers."""
    parsed, backend, _ = _parse(url)
    driver = _SYNC_DRIVERS[backend]
    parsed = parsed.set(drivername=f"{backend}+{driver}" if driver else backend)
    if backend == "postgresql" and "ssl" in parsed.query:
        query = dict(parsed.query)
        query["sslmode"] = query.pop("ssl")
        parsed = parsed.set(query=query)
    return parsed.render_as_string(hide_password=False)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets readers carry on while another process (the worker) writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL loses nothing when a process dies (only on power loss or an OS
        # crash can the last commits go), and spares an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for the URL; SQLite gets foreign keys, WAL and a busy timeout.

    hide_parameters: a failed statement's error (and SQLAlchemy's own logging) never shows
    the values it carried, which are often what people wrote.
    """
    sqlite = url.startswith("sqlite")
    # A pool as big as the answers a process makes at once, the most recently used connection
    # handed out first (so the rest can idle, and be tried when next used).
    sizes = {} if sqlite else {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
    engine = create_async_engine(
        async_url(url), pool_use_lifo=not sqlite, hide_parameters=True, **sizes
    )
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
    else:
        _try_when_idle(engine.sync_engine)
    return engine


def _try_when_idle(engine: sqlalchemy.Engine) -> None:
    """Try a pooled connection unused for IDLE_PING_SECONDS before handing it out; a dead one
    is replaced (the pool takes DisconnectionError as "connect again")."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("an idle pooled connection was dead") from exc


def _create_sync_engine(url: str) -> sqlalchemy.Engine:
    engine = sqlalchemy.create_engine(sync_url(url), poolclass=pool.NullPool, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def alembic_config() -> Config:
    """An Alembic configuration for the packaged migrations; no alembic.ini needed."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "bot.storage:migrations")
    return config


def _upgrade_sync(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Hold the write lock for the whole migration so two processes starting together
        # cannot both decide the schema is missing; the second waits, then finds it current.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _revisions_sync(connection: Connection) -> tuple[set[str], set[str], set[str]]:
    """The revisions the database is at, the code's heads, and every revision the code knows."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    current = set(MigrationContext.configure(connection).get_current_heads())
    known = {revision.revision for revision in script.walk_revisions()}
    return current, set(script.get_heads()), known


# Alembic's `context` and `op` are process-wide proxies, so two migrations in one process
# must not interleave; they run one at a time on a blocking connection in a worker thread.
_migration_lock = threading.Lock()


def _upgrade_blocking(url: str) -> None:
    with _migration_lock:
        engine = _create_sync_engine(url)
        try:
            with engine.begin() as connection:
                _upgrade_sync(connection)
        finally:
            engine.dispose()


async def _at_head(engine: AsyncEngine) -> bool:
    """True when the version table holds exactly the head revision (no Alembic needed)."""
    async with engine.connect() as connection:
        try:
            rows = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
        except DBAPIError:  # no version table yet: a new database
            return False
    return [row[0] for row in rows] == [HEAD_REVISION]


async def _is_current(engine: AsyncEngine) -> bool:
    if await _at_head(engine):
        return True
    async with engine.connect() as connection:
        current, heads, known = await connection.run_sync(_revisions_sync)
    if unknown := current - known:
        # Upgrading cannot help here, and downgrading is a deliberate operator decision.
        raise DatabaseNotReady(
            f"the database at {engine.url.render_as_string(hide_password=True)} is at "
            f"revision {', '.join(sorted(unknown))}, which this version of policybot does not "
            "know: it was migrated by a newer version"
        )
    return current == heads


async def _reachable_and_current(engine: AsyncEngine, url: str) -> bool:
    try:
        return await _is_current(engine)
    except (OSError, DBAPIError) as exc:
        # The driver's message may quote the URL; say what failed in our own words instead.
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise DatabaseUnreachable(
            f"cannot open the database at {redact(url)} ({reason}): check DATABASE_URL, that "
            "the server is running and the database exists (`policybot db upgrade` creates "
            "the tables, not the database)"
        ) from None


async def upgrade(url: str) -> None:
    """Bring the schema to the latest revision; does nothing when it is already there."""
    await asyncio.to_thread(_upgrade_blocking, url)


async def is_current(url: str) -> bool:
    """Whether the schema is at the latest revision."""
    engine = create_engine(url)
    try:
        return await _is_current(engine)
    finally:
        await engine.dispose()


async def prepare(url: str, *, auto_upgrade: bool) -> AsyncEngine:
    """An engine on an up-to-date schema, upgrading first if allowed, else DatabaseNotReady."""
    engine = create_engine(url)
    try:
        if not await _reachable_and_current(engine, url):
            if not auto_upgrade:
                raise DatabaseNotReady(
                    f"the database at {redact(url)} is not up to date: run `policybot db upgrade`"
                )
            await upgrade(url)
    except BaseException:
        await engine.dispose()
        raise
    return engine


class SqlDatabase:
    """The Database port on one async engine, which every SQL store shares."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def ping(self) -> None:
        """Return when the database takes a write; raise when it does not (a server down, a
        read-only or full disk, an SQLite file deleted under the running process)."""
        url = self.engine.url
        file = url.database if url.get_backend_name() == "sqlite" else None
        if file and file != ":memory:" and not await asyncio.to_thread(Path(file).exists):
            raise FileNotFoundError(f"the SQLite file {file} is gone")
        async with self.engine.begin() as connection:
            # A real write of the one-row version table, rolled forward to the same value.
            await connection.execute(text("UPDATE alembic_version SET version_num = version_num"))

    async def close(self) -> None:
        """Close every database connection."""
        await self.engine.dispose()

    def passing(self, exc: BaseException) -> bool:
        """True for the database out of reach, a connection it cut (a restart, a failover) or
        SQLite busy: not the work's own fault, so worth doing again later. A missing table or
        a bad statement is not (SQLite reports those as OperationalError too)."""
        if not isinstance(exc, DBAPIError):
            return isinstance(exc, OSError)
        reason = exc.orig
        return (
            exc.connection_invalidated
            or isinstance(exc, InterfaceError)
            or isinstance(reason, OSError)
            or (isinstance(exc, OperationalError) and "database is locked" in str(reason))
        )

    def job_store(self) -> SQLAlchemyJobStore:
        """APScheduler's job store on this database, for the worker's scheduler."""
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

        # APScheduler 3 is synchronous, so its store gets a blocking engine of its own.
        url = sync_url(self.engine.url.render_as_string(hide_password=False))
        return SQLAlchemyJobStore(
            engine=sqlalchemy.create_engine(url, hide_parameters=True),
            tablename=apscheduler_jobs.name,
            metadata=sqlalchemy.MetaData(),
        )


if TYPE_CHECKING:

    def _satisfies_protocol(database: SqlDatabase) -> Database:
        return database
