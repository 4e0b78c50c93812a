"""Teams delivering an activity again after answering it failed: the person hears one answer.

The Bot Connector (tests/fake_connector.py) answers the bot's reply with a 500; `serve` then
answers the activity with a 500 too, so Teams delivers the same activity again, and that
delivery sends the answer kept for it, without asking the core a second time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from adapters.replies import SORRY
from bot.storage.tables import feedback
from tests.adapters.test_teams_http import CLARA, Teams, User, running
from tests.conftest import FakeClock

QUESTION = "can I accept a friend request from a parent?"


@pytest.fixture
async def teams(db_url: str, clock: FakeClock) -> AsyncIterator[Teams]:
    """Teams with authentication off (TEAMS_DEV_NO_AUTH), as for local development."""
    async with running(db_url, clock, TEAMS_DEV_NO_AUTH="1") as teams:
        yield teams


async def test_an_answer_teams_refused_is_sent_when_it_delivers_the_question_again(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    question = clara.activity(text=QUESTION)
    teams.connector.fail_posts = 1
    assert (await teams.post(question)).status == 500  # so Teams delivers it again
    assert teams.connector.sent == []

    [answer] = await clara.send(question)  # Teams' retry of the same activity
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert await clara.send(question) == []  # any later copy is a duplicate
    assert [p.text for p in teams.connector.sent] == [answer.text]
    assert SORRY not in answer.text


async def test_a_click_whose_answer_failed_counts_once_and_is_answered_once(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says(QUESTION)
    data = next(d for t, d in answer.buttons if t == "Helpful")
    click = clara.activity(value=data, replyToId=answer.id)
    teams.connector.fail_posts = 1
    assert (await teams.post(click)).status == 500

    [thanks] = await clara.send(click)
    assert thanks.text == "Thanks, glad it helped."
    assert await clara.send(click) == []
    async with teams.core.database.engine.connect() as connection:
        votes = (await connection.execute(select(feedback.c.person_id, feedback.c.helpful))).all()
    assert [tuple(v) for v in votes] == [("clara-testwell", True)]


async def test_when_the_retry_fails_too_the_next_one_still_answers(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    question = clara.activity(text=QUESTION)
    teams.connector.fail_posts = 2
    assert (await teams.post(question)).status == 500
    assert (await teams.post(question)).status == 500
    [answer] = await clara.send(question)
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert teams.connector.failed == 2
