"""The real composition root on a test database and a fake clock, for scheduler-driven tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.app import App, build_app
from bot.model.records import Account, account_id
from bot.settings import Settings
from bot.storage.database import upgrade
from tests.conftest import FakeClock

HISTORY = Account(
    id=account_id("holy-cross", "X/Twitter", "@HolyCrossHistory"),
    academy="holy-cross",
    platform="X/Twitter",
    handle="@HolyCrossHistory",
    runners=("jack-sampleton", "kate-mockett"),
    visibility="open",
    emails=("history@holycross.example.org",),
    comments_restricted=True,
    case_number=1,
    active=True,
)
"""Holy Cross's history account (hours 07:45-16:30), run by Jack and Kate."""


async def open_app(db_url: str, clock: FakeClock, **settings: Any) -> App:
    """The app as `build_app` makes it, on an upgraded database with the demo trust."""
    await upgrade(db_url)
    return await build_app(Settings(database_url=db_url, **settings), clock)


async def register(app: App, account: Account = HISTORY, **changes: Any) -> Account:
    """Add an account to the register, as an approved business case would."""
    account = replace(account, **changes)
    await app.register.add(account)
    return account


def policybot(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `policybot` command on this database, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "adapters", *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DATABASE_URL": db_url},
        timeout=60,
    )
