"""Teams messages through the inbox: kept before Teams hears 201, then answered from there.

The real `serve` application on loopback with the local Bot Connector (tests/fake_connector.py):
a message or card click in a personal chat or a channel is acknowledged once it is in the inbox,
answered from the inbox, and the answer posted as a new message in the chat (the connector's
conversation endpoint, not a reply to the activity), or as a reply to the mention in the
channel's thread. The database never holds what people wrote in readable form, nor a password
they pasted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from sqlalchemy import select, text

from adapters.sealing import Seal
from adapters.teams.dialogue import ALREADY_USED, TeamsDialogue
from adapters.teams.inbox import TeamsRespondent
from adapters.web import answer
from bot.app import build_app
from bot.settings import Settings
from bot.storage.tables import feedback, inbox
from tests.adapters.test_teams_http import BOT_ID, CLARA, STRANGER, Teams, User, running, teams
from tests.conftest import FakeClock
from tests.fake_connector import FakeConnector

__all__ = ["teams"]  # the fixture this module borrows from test_teams_http

QUESTION = "can I accept a friend request from a parent?"
PASSWORD = "Hunter2!"
DEV = {"TEAMS_DEV_NO_AUTH": "1"}


async def kept_payloads(teams: Teams) -> list[dict[str, Any]]:
    """The payloads of the activities waiting in the inbox."""
    async with teams.core.database.engine.connect() as connection:
        rows = (await connection.execute(select(inbox.c.payload).order_by(inbox.c.id))).all()
    return [row.payload for row in rows if row.payload is not None]


async def rename(teams: Teams, table: str, to: str) -> None:
    async with teams.core.database.engine.begin() as connection:
        await connection.execute(text(f"ALTER TABLE {table} RENAME TO {to}"))


async def test_a_message_is_acknowledged_then_answered_as_a_new_message_in_the_chat(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    message = clara.activity(text=QUESTION)
    response = await teams.post(message)
    assert response.status == 201
    [answer] = teams.connector.sent
    assert (answer.conversation, answer.reply_to) == (clara.chat, None)
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert await teams.core.inbox.waiting() == 0
    [row] = await teams.core.outbox.outbox_items()
    assert row.key.startswith("inbox:teams:activity:") and row.status == "sent"
    assert row.recipient == "clara-testwell"


async def test_a_click_is_answered_from_the_inbox_and_its_card_closed(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says(QUESTION)
    [thanks] = await clara.clicks("Helpful", answer)
    assert thanks.text == "Thanks, glad it helped."
    assert thanks.conversation == clara.chat
    [closed] = teams.connector.updated
    assert (closed.conversation, closed.id, closed.buttons) == (clara.chat, answer.id, [])
    assert "✓ Clara Testwell chose: Helpful" in closed.text
    assert "already been used" in (await clara.clicks("Helpful", answer))[0].text
    async with teams.core.database.engine.connect() as connection:
        votes = (await connection.execute(select(feedback.c.person_id))).all()
    assert [v.person_id for v in votes] == ["clara-testwell"]


async def test_the_same_activity_delivered_twice_before_it_is_answered_is_answered_once(
    db_url: str, clock: FakeClock
) -> None:
    connector = FakeConnector()
    await connector.start()
    try:
        async with running(db_url, clock, connector, ANSWER_ELSEWHERE="1", **DEV) as serving:
            clara = User(serving, CLARA, "Clara Testwell")
            message = clara.activity(text=QUESTION)
            assert [(await serving.post(message)).status for _ in range(2)] == [201, 201]
            assert connector.sent == []
            assert await serving.core.inbox.waiting() == 1  # the second copy was not kept
        async with running(db_url, clock, connector, **DEV) as answering:
            await answering.settle()
            [answer] = connector.sent
            assert answer.conversation == clara.chat
            assert "clause good-practice.consider-carefully-whether" in answer.text
            assert await answering.core.inbox.waiting() == 0
    finally:
        await connector.close()


async def test_policybot_answer_answers_what_serve_kept(db_url: str, clock: FakeClock) -> None:
    connector = FakeConnector()
    await connector.start()
    try:
        async with running(db_url, clock, connector, ANSWER_ELSEWHERE="1", **DEV) as serving:
            clara = User(serving, CLARA, "Clara Testwell")
            assert await clara.says(QUESTION) == []
        core = await build_app(Settings(database_url=db_url, env=DEV), clock)
        answering = asyncio.create_task(answer(core))
        try:
            for _ in range(600):  # a guard against waiting for ever, not a measure of speed
                if connector.sent or answering.done():
                    break
                await asyncio.sleep(0.05)
        finally:
            answering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await answering
            await core.close()
        [reply] = connector.sent
        assert "clause good-practice.consider-carefully-whether" in reply.text
    finally:
        await connector.close()


async def test_an_activity_that_cannot_be_kept_gets_a_500_and_is_answered_on_the_retry(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    message = clara.activity(text=QUESTION)
    await rename(teams, "inbox", "inbox_away")
    assert (await teams.post(message)).status == 500  # not kept, so Teams delivers it again
    assert teams.connector.sent == []
    await rename(teams, "inbox_away", "inbox")
    [answer] = await clara.send(message)
    assert "clause good-practice.consider-carefully-whether" in answer.text


async def test_what_people_write_is_kept_sealed_and_a_pasted_password_not_at_all(
    db_url: str, clock: FakeClock
) -> None:
    async with running(db_url, clock, ANSWER_ELSEWHERE="1", **DEV) as teams:
        clara = User(teams, CLARA, "Clara Testwell")
        await clara.says(QUESTION)
        await clara.says(f"my password is {PASSWORD} can you reset it")
        [answer, reset] = await kept_payloads(teams)
    stored = json.dumps([answer, reset])
    for written in (QUESTION, "friend request", PASSWORD, "Hunter2", "reset it"):
        assert written not in stored, written
    seal = Seal("")  # TEAMS_DEV_NO_AUTH: no app password to derive the key from
    assert seal.open(answer["text"]) == QUESTION
    opened = seal.open(reset["text"])
    assert PASSWORD not in opened and "[secret" in opened and opened.startswith("my password")


async def test_a_stranger_is_told_whom_to_ask_from_the_inbox_and_nothing_is_queued(
    teams: Teams,
) -> None:
    stranger = User(teams, STRANGER, "Sam Stranger")
    [refusal] = await stranger.says(QUESTION)
    assert (refusal.conversation, refusal.reply_to) == (stranger.chat, None)
    assert "can't find your Microsoft account in the trust directory" in refusal.text
    assert await teams.core.outbox.outbox_items() == []
    assert await teams.core.inbox.waiting() == 0


async def test_a_sealed_click_is_not_readable_either(db_url: str, clock: FakeClock) -> None:
    async with running(db_url, clock, **DEV) as teams:
        clara = User(teams, CLARA, "Clara Testwell")
        [answer] = await clara.says(QUESTION)
    data = next(d for t, d in answer.buttons if t == "Not helpful")
    async with running(db_url, clock, ANSWER_ELSEWHERE="1", **DEV) as teams:
        clara = User(teams, CLARA, "Clara Testwell")
        await teams.post(clara.activity(value=data, replyToId=answer.id))
        [kept] = await kept_payloads(teams)
    assert data["choice"] not in json.dumps(kept)
    assert Seal("").open(kept["choice"]) == data["choice"]


async def test_not_helpful_still_records_the_question_its_vote_carried_sealed(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says(QUESTION)
    [kept] = [r for r in await teams.core.outbox.outbox_items() if r.key.startswith("inbox:")]
    assert QUESTION not in json.dumps([c.value for c in kept.reply.choices])
    [thanks] = await clara.clicks("Not helpful", answer)
    assert thanks.text.startswith("Thanks for telling me.")
    async with teams.core.database.engine.connect() as connection:
        [vote] = (await connection.execute(select(feedback.c.helpful, feedback.c.question))).all()
    assert (vote.helpful, vote.question) == (False, QUESTION)


async def test_a_click_answered_again_after_a_crash_keeps_its_card_others_find_it_used(
    db_url: str, clock: FakeClock
) -> None:
    async with running(db_url, clock, **DEV) as teams:
        clara = User(teams, CLARA, "Clara Testwell")
        [answer] = await clara.says(QUESTION)
    data = next(d for t, d in answer.buttons if t == "Helpful")
    async with running(db_url, clock, ANSWER_ELSEWHERE="1", **DEV) as teams:
        clara = User(teams, CLARA, "Clara Testwell")
        for _ in range(2):  # a double click: two activities on one card
            await teams.post(clara.activity(value=data, replyToId=answer.id))
        first, second = await kept_payloads(teams)
        [adapter] = teams.senders
        core = teams.core
        dialogue = TeamsDialogue(core.bot.handle, core.directory, core.references, core.events)
        respondent = TeamsRespondent(dialogue, adapter, Seal(""))
        # Answered, then its process killed before the answer was recorded: answered again.
        for _ in range(2):
            answered = await respondent.respond(first)
            assert answered is not None
            assert [r.text for r in answered.replies] == ["Thanks, glad it helped."]
        answered = await respondent.respond(second)
        assert answered is not None
        assert [r.text for r in answered.replies] == [ALREADY_USED]


THREAD = "19:staffroom@thread.tacv2;messageid=1700000000000"


def in_channel(user: User, **fields: Any) -> dict[str, Any]:
    """An activity from the person in the staff channel's thread, mentioning the bot."""
    at = {"type": "mention", "text": "<at>policybot</at>", "mentioned": {"id": BOT_ID}}
    conversation = {"id": THREAD, "conversationType": "channel", "isGroup": True}
    return user.activity(conversation=conversation, entities=[at], **fields)


async def test_a_channel_mention_is_kept_then_answered_in_its_thread_once(
    db_url: str, clock: FakeClock
) -> None:
    connector = FakeConnector()
    await connector.start()
    try:
        async with running(db_url, clock, connector, ANSWER_ELSEWHERE="1", **DEV) as keeping:
            clara = User(keeping, CLARA, "Clara Testwell")
            question = in_channel(clara, text=f"<at>policybot</at> {QUESTION}")
            assert [(await keeping.post(question)).status for _ in range(2)] == [201, 201]
            [kept] = await kept_payloads(keeping)
            assert QUESTION not in json.dumps(kept)
        assert connector.sent == []  # the process that kept it is gone, never having answered
        async with running(db_url, clock, connector, **DEV) as answering:
            await answering.settle()
            assert (await answering.post(question)).status == 201  # Teams delivers it again
            [answer] = connector.sent
            [row] = await answering.core.outbox.outbox_items()
    finally:
        await connector.close()
    assert (answer.conversation, answer.reply_to) == (THREAD, question["id"])
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert "<at>" not in json.dumps(answer.activity)
    assert row.status == "sent" and row.address is not None
    assert row.address["reference"]["conversation"]["id"] == THREAD


async def test_a_click_on_a_card_in_a_channel_is_answered_in_its_thread_once(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.send(in_channel(clara, text=f"<at>policybot</at> {QUESTION}"))
    data = next(d for t, d in answer.buttons if t == "Helpful")
    click = in_channel(clara, value=data, replyToId=answer.id)
    [thanks] = await clara.send(click)
    assert await clara.send(click) == []  # delivered again: answered once
    assert (thanks.conversation, thanks.text) == (THREAD, "Thanks, glad it helped.")
    [closed] = teams.connector.updated
    assert (closed.conversation, closed.id, closed.buttons) == (THREAD, answer.id, [])
    # A channel is no place for reminders: Clara still has no personal chat reference.
    assert await teams.core.references.load_reference("clara-testwell", "teams") is None
