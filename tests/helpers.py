"""Test helpers: a bot wired like the real one (on a database or in memory), and a way to talk
to it like a person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache

from adapters.console import render
from bot.core.answers import Answerer
from bot.core.bot import Bot, Feature
from bot.core.messages import Message, Reply
from bot.core.safeguarding import Safeguarding
from bot.model.directory import Directory
from bot.model.directory_file import DEMO_TRUST, load_directory
from bot.model.ports import Outbox
from bot.model.records import Clock
from bot.storage.stores import Stores, memory_stores
from intents.knowledge import KnowledgeBase
from intents.matcher import Matcher


@cache
def answerer() -> Answerer:
    """The real knowledge base and matcher, built once per test run."""
    kb = KnowledgeBase.load()
    return Answerer(kb, Matcher(kb))


@cache
def demo_directory() -> Directory:
    """The bundled demo trust."""
    return load_directory(DEMO_TRUST)


class Person:
    """Someone chatting with the bot; keeps the last replies for assertions."""

    def __init__(self, bot: Bot, person_id: str) -> None:
        self.bot = bot
        self.id = person_id
        self.replies: list[Reply] = []

    async def says(self, text: str) -> str:
        """Send text; return everything the bot said, rendered as the console shows it."""
        self.replies = await self.bot.handle(Message(self.id, text))
        return "\n".join(render(r) for r in self.replies)

    async def clicks(self, label: str) -> str:
        """Click the shown choice whose label starts with this text."""
        choice = next(c for r in self.replies for c in r.choices if c.label.startswith(label))
        self.replies = await self.bot.handle(Message(self.id, value=choice.value))
        return "\n".join(render(r) for r in self.replies)


def make_bot(
    stores: Stores,
    features: Sequence[Feature] = (),
    clock: Clock = lambda: datetime.now(UTC),
    directory: Directory | None = None,
) -> Bot:
    """A bot on the demo trust (or `directory`) and the given stores, with the given features."""
    trust = directory or demo_directory()
    safeguarding = Safeguarding(trust, stores.outbox, stores.safeguarding, clock)
    return Bot(answerer(), trust, stores.conversations, stores.questions, safeguarding, features)


def memory_bot(
    features: Sequence[Feature] = (),
    clock: Clock = lambda: datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
) -> Bot:
    """A bot on the demo trust with every store in memory: core dialogues need no database.

    Its stores are `bot.conversations` and `bot.questions`; for features that need other
    ports, build them on `memory_stores(clock)` and pass that to `make_bot`.
    """
    return make_bot(memory_stores(clock), features, clock)


async def inbox(outbox: Outbox, person: Person) -> str:
    """Deliver what the outbox holds for the person, as the console does; return it rendered.

    The delivered messages become the person's last replies, so `clicks` picks their choices.
    """
    items = await outbox.pending_for(person.id)
    for item in items:
        await outbox.mark_sent(item.id)
    person.replies = [item.reply for item in items]
    return "\n".join(render(r) for r in person.replies)
