"""The composition root: the one place that builds concrete parts from settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.answers import Answerer, build_answerer
from bot.business_case import BusinessCaseFeature
from bot.case_form import Form
from bot.cases import SqlCases
from bot.core import Bot
from bot.database import prepare
from bot.directory import DEMO_TRUST, Directory, load_directory
from bot.handover import HandoverFeature
from bot.ports import Clock
from bot.register import SqlRegister
from bot.settings import Settings
from bot.store import SqlStore


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def load_trust(settings: Settings) -> Directory:
    """The trust directory from TRUST_FILE, or the bundled demo trust."""
    return load_directory(settings.trust_file or DEMO_TRUST)


@dataclass
class App:
    """Everything a running process needs, built once."""

    settings: Settings
    directory: Directory
    answerer: Answerer
    store: SqlStore
    register: SqlRegister
    cases: SqlCases
    bot: Bot
    clock: Clock

    async def close(self) -> None:
        """Release the database connections."""
        await self.store.close()


async def build_app(settings: Settings, clock: Clock = utc_now) -> App:
    """Load the trust and the knowledge base, open the database (upgrading the default file)."""
    directory = load_trust(settings)
    answerer = build_answerer()
    engine = await prepare(settings.database_url, auto_upgrade=settings.uses_default_database)
    store = SqlStore(engine, clock)
    register = SqlRegister(engine, clock)
    cases = SqlCases(engine, clock)
    business_case = BusinessCaseFeature(Form.load(), directory, cases, store, store, register)
    handover = HandoverFeature(directory, store, register)
    bot = Bot(answerer, directory, store, features=[business_case, handover])
    return App(settings, directory, answerer, store, register, cases, bot, clock)
