"""SQLAlchemy's asyncio engine, without the ORM that its package brings along.

`sqlalchemy.ext.asyncio`'s package module imports the async ORM session, and with it the
whole ORM: about a sixth of the start of every command, for classes policybot never uses (it
runs Core statements on an AsyncEngine). So only the package's `engine` module is loaded
(see bot.imports); the package's own module runs when anything else asks it for a name
(`from sqlalchemy.ext.asyncio import AsyncSession`), so other importers still find it whole.

Every storage module takes the engine classes from here, never from the package.
"""

from __future__ import annotations

from bot.imports import submodule_alone

submodule_alone("sqlalchemy.ext.asyncio", "engine")

from sqlalchemy.ext.asyncio.engine import (  # noqa: E402 - after the engine module alone
    AsyncConnection,
    AsyncEngine,
    create_async_engine,
)

__all__ = ["AsyncConnection", "AsyncEngine", "create_async_engine"]
