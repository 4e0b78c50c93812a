"""The Bot Connector refusing an answer: the person still hears it, once.

A message or click, in a personal chat or a channel, is acknowledged once it is in the inbox,
so an answer the Bot Connector (tests/fake_connector.py) refuses with a 500 stays in the outbox
and goes on a later delivery pass, where it was asked; Teams delivering the activity again
changes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from adapters.replies import SORRY
from bot.storage.tables import feedback
from tests.adapters.test_teams_http import BOT_ID, CLARA, Teams, User, running
from tests.conftest import FakeClock

QUESTION = "can I accept a friend request from a parent?"
THREAD = "19:staffroom@thread.tacv2;messageid=1700000000000"


@pytest.fixture
async def teams(db_url: str, clock: FakeClock) -> AsyncIterator[Teams]:
    """Teams with authentication off (TEAMS_DEV_NO_AUTH), as for local development."""
    async with running(db_url, clock, TEAMS_DEV_NO_AUTH="1") as teams:
        yield teams


async def test_an_answer_teams_refused_is_delivered_later_and_only_once(
    teams: Teams, clock: FakeClock
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    question = clara.activity(text=QUESTION)
    teams.connector.fail_posts = 1
    assert await clara.send(question) == []  # acknowledged: it is kept, and answered
    assert teams.connector.failed == 1
    assert await clara.send(question) == []  # Teams delivering it again changes nothing

    clock.advance(minutes=5)
    await teams.deliver()
    [answer] = teams.connector.sent
    assert answer.conversation == clara.chat
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert SORRY not in answer.text
    await teams.deliver()
    assert len(teams.connector.sent) == 1


async def test_a_click_whose_answer_failed_counts_once_and_is_answered_once(
    teams: Teams, clock: FakeClock
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says(QUESTION)
    data = next(d for t, d in answer.buttons if t == "Helpful")
    click = clara.activity(value=data, replyToId=answer.id)
    teams.connector.fail_posts = 1
    assert await clara.send(click) == []
    assert await clara.send(click) == []

    clock.advance(minutes=5)
    await teams.deliver()
    [thanks] = teams.connector.sent[1:]
    assert thanks.text == "Thanks, glad it helped."
    async with teams.core.database.engine.connect() as connection:
        votes = (await connection.execute(select(feedback.c.person_id, feedback.c.helpful))).all()
    assert [tuple(v) for v in votes] == [("clara-testwell", True)]
    [closed] = teams.connector.updated
    assert closed.id == answer.id and closed.buttons == []


def mention(clara: User) -> dict[str, object]:
    """Clara asks in a channel thread, mentioning the bot."""
    at = {"type": "mention", "text": "<at>policybot</at>", "mentioned": {"id": BOT_ID}}
    return clara.activity(
        conversation={"id": THREAD, "conversationType": "channel", "isGroup": True},
        text=f"<at>policybot</at> {QUESTION}",
        entities=[at],
    )


async def test_a_channel_answer_teams_refused_is_delivered_later_in_its_thread_once(
    teams: Teams, clock: FakeClock
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    question = mention(clara)
    teams.connector.fail_posts = 2
    assert (await teams.post(question)).status == 201  # kept: acknowledged
    assert await clara.send(question) == []  # Teams delivering it again changes nothing
    clock.advance(minutes=5)
    await teams.deliver()  # refused again
    assert (teams.connector.failed, teams.connector.sent) == (2, [])

    clock.advance(minutes=5)
    await teams.deliver()
    [answer] = teams.connector.sent
    assert (answer.conversation, answer.reply_to) == (THREAD, question["id"])
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert SORRY not in answer.text
    clock.advance(minutes=5)
    await teams.deliver()
    assert len(teams.connector.sent) == 1
