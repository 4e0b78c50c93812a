"""The fast start-up check knows the newest migration, so a new migration cannot be skipped."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from bot.storage.database import HEAD_REVISION, alembic_config, is_current, sync_url, upgrade


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
