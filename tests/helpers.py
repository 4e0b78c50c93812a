"""Test helpers: a bot wired like the real one, and a way to talk to it like a person."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from adapters.console import render
from bot.answers import Answerer
from bot.core import Bot, Feature
from bot.directory import DEMO_TRUST, Directory, load_directory
from bot.messages import Message, Reply
from bot.ports import Outbox, Store
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


def make_bot(store: Store, features: Sequence[Feature] = ()) -> Bot:
    """A bot on the demo trust and the given store, with the given features."""
    return Bot(answerer(), demo_directory(), store, features)


async def inbox(outbox: Outbox, person: Person) -> str:
    """Deliver what the outbox holds for the person, as the console does; return it rendered.

    The delivered messages become the person's last replies, so `clicks` picks their choices.
    """
    items = await outbox.pending_for(person.id)
    for item in items:
        await outbox.mark_sent(item.id)
    person.replies = [item.reply for item in items]
    return "\n".join(render(r) for r in person.replies)
