"""The start-up check knows the newest migration; the health check needs a real write."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from bot.storage.database import (
    HEAD_REVISION,
    SqlDatabase,
    alembic_config,
    is_current,
    sync_url,
    upgrade,
)
from bot.storage.database import create_engine as create_async


def test_the_head_revision_constant_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [HEAD_REVISION]


async def test_a_database_one_migration_behind_is_not_current(db_url: str) -> None:
    await upgrade(db_url)
    assert await is_current(db_url)
    engine = create_engine(sync_url(db_url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    engine.dispose()
    assert not await is_current(db_url)


async def test_health_needs_a_write_and_the_sqlite_file_itself(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'policybot.db'}"
    await upgrade(url)
    database = SqlDatabase(create_async(url))
    try:
        await database.ping()
        (tmp_path / "policybot.db").unlink()  # deleted under the running process
        with pytest.raises(FileNotFoundError):
            await database.ping()
    finally:
        await database.close()


async def test_health_fails_on_a_read_only_database(db_url: str) -> None:
    await upgrade(db_url)
    engine = create_engine(sync_url(db_url))
    with engine.begin() as connection:  # a database that takes no writes
        if engine.dialect.name == "postgresql":
            connection.execute(text("REVOKE UPDATE ON alembic_version FROM PUBLIC"))
            connection.execute(text("ALTER TABLE alembic_version RENAME TO alembic_version_ro"))
        else:
            connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    database = SqlDatabase(create_async(db_url))
    try:
        with pytest.raises(DBAPIError):
            await database.ping()
    finally:
        await database.close()
