"""What every adapter says to a stranger, and when answering fails."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pytest

from adapters.replies import SORRY, not_in_directory, or_sorry
from bot.core.messages import Reply
from tests.helpers import demo_directory


def test_a_stranger_is_told_whom_to_ask_to_be_added() -> None:
    reply = not_in_directory(demo_directory(), "Slack account")
    assert reply.text.startswith("Sorry, I can only help staff of ")
    assert "can't find your Slack account in the trust directory" in reply.text
    assert "Mina Peopleworth (m.peopleworth@trust.example.org)" in reply.text


async def test_a_failure_is_logged_without_its_message_and_the_person_told(
    caplog: pytest.LogCaptureFixture,
) -> None:
    said: list[Reply] = []

    async def say(replies: Sequence[Reply]) -> None:
        said.extend(replies)

    async def answer() -> None:
        raise KeyError("Tommy Example's parent")

    caplog.set_level(logging.DEBUG)
    await or_sorry(answer(), say, "slack: dm from U0DEMO003")
    assert said == [Reply(SORRY)]
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith(
        "slack: dm from U0DEMO003 failed: KeyError at test_replies.py:"
    )
    assert record.exc_info is None  # no traceback, even at DEBUG: it would quote the parent
    assert "Tommy" not in caplog.text


async def test_without_a_way_to_answer_a_failure_is_only_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def remember() -> None:
        raise RuntimeError("database away")

    await or_sorry(remember(), None, "teams installationUpdate activity")
    [record] = caplog.records
    assert record.getMessage().startswith(
        "teams installationUpdate activity failed: RuntimeError at test_replies.py:"
    )


async def test_work_that_succeeds_says_nothing_more() -> None:
    async def say(replies: Sequence[Reply]) -> None:
        raise AssertionError("nothing to apologise for")

    async def answer() -> None:
        return None

    await or_sorry(answer(), say, "teams message activity")
