"""Answers worked out together leave the event loop free between them (SQLite and PostgreSQL):
a request arriving meanwhile, such as a platform waiting for its acknowledgement, waits
for one answer at most, never for a whole batch."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.answers import Answer, Answerer
from bot.core.messages import Message
from bot.storage.stores import Stores
from tests.helpers import make_bot

QUESTIONS = (
    "can i accept a friend request from a parent",
    "who do i hand the dept insta over to when i leave",
    "is it ok to post photos of pupils on my own facebook",
    "how fast do we have to reply to comments on the school page",
    "can i use twitter at work in my lunch break",
    "what happens if i break this policy",
)


class Watched:
    """The real answerer, noting in `seen` each answer it works out."""

    def __init__(self, real: Answerer, seen: list[str]) -> None:
        self._real = real
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def answer(self, text: str) -> Answer:
        self._seen.append("answer")
        return self._real.answer(text)


async def test_answers_worked_out_together_each_take_a_turn_of_the_event_loop(
    stores: Stores,
) -> None:
    bot = make_bot(stores)
    seen: list[str] = []
    bot.answerer = Watched(bot.answerer, seen)  # type: ignore[assignment]
    answering = True

    async def another_request() -> None:
        """Something else the process does: runs whenever the event loop gets a turn."""
        while answering:
            seen.append("other")
            await asyncio.sleep(0)

    other = asyncio.create_task(another_request())
    replies = await asyncio.gather(*(bot.handle(Message("demo-teacher", q)) for q in QUESTIONS))
    answering = False
    await other
    assert all(r and r[0].quote for r in replies), "every question answered with a clause"
    order = ["a" if s == "answer" else "o" for s in seen]
    assert order.count("a") == len(QUESTIONS)
    assert "aa" not in "".join(order), "two answers in one turn: a request waited for both"
