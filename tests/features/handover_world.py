"""The world handover dialogues happen in: Holy Cross's history and PE accounts on a real
database, the handover feature wired into a bot, and what people find in their inboxes."""

from __future__ import annotations

from dataclasses import replace

from bot.core.bot import Bot
from bot.features.handover import HandoverFeature
from bot.model.records import Account, account_id
from bot.storage.register import SqlRegister
from bot.storage.stores import Stores
from tests.apps import HISTORY
from tests.conftest import FakeClock
from tests.helpers import demo_directory, make_bot

__all__ = ["HISTORY", "PE", "make", "open_register", "runners", "texts"]

PE = replace(
    HISTORY,
    id=account_id("holy-cross", "Instagram", "@HolyCrossPE"),
    platform="Instagram",
    handle="@HolyCrossPE",
    runners=("jack-sampleton", "gregory-specimen"),
    emails=("pe@holycross.example.org",),
    case_number=2,
)
"""Holy Cross's PE Instagram, run by Jack and Gregory."""


async def open_register(stores: Stores, clock: FakeClock) -> SqlRegister:
    """The register with @HolyCrossHistory (Jack, Kate) and @HolyCrossPE (Jack, Gregory)."""
    sql_register = SqlRegister(stores.database.engine, clock)
    assert await sql_register.add(HISTORY) and await sql_register.add(PE)
    return sql_register


def make(stores: Stores, register: SqlRegister) -> Bot:
    """A bot with the handover feature, on the demo trust."""
    return make_bot(
        stores,
        [HandoverFeature(demo_directory(), stores.outbox, stores.audit, register)],
    )


async def runners(register: SqlRegister, account: Account) -> tuple[str, ...]:
    """Who runs the account now."""
    found = await register.get(account.id)
    assert found is not None
    return found.runners


async def texts(stores: Stores, person_id: str) -> list[str]:
    """What waits in the person's inbox."""
    return [item.reply.text for item in await stores.outbox.pending_for(person_id)]
