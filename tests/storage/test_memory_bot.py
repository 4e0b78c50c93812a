"""The core on stores in memory: a conversation needs no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.features.comments.feature import CommentsFeature
from bot.features.comments.service import Comments
from bot.model.calendar import Calendars
from bot.storage.stores import memory_stores
from tests.apps import HISTORY
from tests.conftest import FakeClock
from tests.helpers import Person, demo_directory, inbox, make_bot, memory_bot


async def test_a_conversation_on_memory_keeps_state_and_the_declined_question() -> None:
    bot = memory_bot()
    dana = Person(bot, "demo-teacher")
    assert "Hello Dana" in await dana.says("hello")
    assert "can't find anything" in await dana.says("when is the next inset day?")
    [declined] = await bot.questions.top_declined()
    assert (declined.text, declined.count) == ("when is the next inset day?", 1)
    said = await dana.says("1")  # picks "What can you do?" from the decline's choices
    assert "I answer questions about the Trust's Social Media Policy" in said
    assert (await bot.conversations.load_state("demo-teacher"))["choices"]


async def test_a_comment_is_chased_and_closed_on_memory() -> None:
    clock = FakeClock(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))  # a Tuesday
    stores = memory_stores(clock)
    await stores.register.add(HISTORY)
    directory = demo_directory()
    comments = Comments(
        stores.comments,
        stores.register,
        directory,
        Calendars(directory),
        stores.outbox,
        stores.audit,
        clock,
        timedelta(days=7),
    )
    jack = Person(make_bot(stores, [CommentsFeature(comments)]), "jack-sampleton")
    assert "Logged comment #1" in await jack.says("log a comment on @HolyCrossHistory: trip?")
    assert await comments.queue_due(clock.advance(hours=22), stores.outbox) == 2
    assert "Reply due soon" in await inbox(stores.outbox, jack)
    assert "marked responded" in await jack.clicks("Responded")
    [kates] = [i for i in await stores.outbox.outbox_items() if i.recipient == "kate-mockett"]
    assert (kates.status, kates.last_error) == ("cancelled", "comment #1 answered first")
