"""Teams over real HTTP: the `serve` application on loopback, a local Bot Connector behind it.

Activities are POSTed to /api/messages as Teams would send them; their serviceUrl points at
tests/fake_connector.py, so the real botbuilder client sends every reply, card update and new
chat there. Authentication is off (TEAMS_DEV_NO_AUTH) except where a test turns it on.
Messages are answered from the inbox after the activity is acknowledged: each request waits for
the answers being worked on (`Teams.settle`) before looking at what was posted.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from adapters.teams.adapter import TeamsAdapter
from adapters.web import configured_adapters, make_web_app
from bot.app import App, build_app
from bot.core.messages import Choice, Reply
from bot.jobs.delivery import deliver_due
from bot.model.records import OutboxItem
from bot.settings import Settings
from bot.storage.database import upgrade
from bot.storage.stores import Stores
from bot.storage.tables import feedback
from tests.conftest import FakeClock
from tests.fake_connector import FakeConnector, Posted
from tests.helpers import demo_directory

TENANT = "7d3c0a55-1b7e-4d8a-9c3f-0f6a2b1c9e11"
BOT_ID = "28:5b7c1f3e-policybot"
CLARA = "00000000-0000-4000-8000-000000000003"  # clara-testwell, a teacher
AGNES = "00000000-0000-4000-8000-000000000001"  # agnes-example, a headteacher
STRANGER = "99999999-9999-4999-8999-999999999999"
_ids = itertools.count(1)


@dataclass
class Teams:
    """The running `serve` app with the Teams adapter, its connector and the app behind it."""

    http: aiohttp.ClientSession
    url: str
    connector: FakeConnector
    core: App
    clock: FakeClock
    senders: list[TeamsAdapter]
    settle: Callable[[], Awaitable[None]]
    """Wait until whatever was acknowledged has been answered."""

    async def post(self, activity: dict[str, Any], **headers: str) -> aiohttp.ClientResponse:
        """POST one activity to /api/messages, and wait for its answer."""
        async with self.http.post(f"{self.url}/api/messages", json=activity, headers=headers) as r:
            await r.read()
        await self.settle()
        return r

    async def deliver(self) -> None:
        """One pass of outbox delivery, as the serve loop does."""
        await deliver_due(self.core.outbox, demo_directory(), self.senders, self.clock())

    async def outbox_row(self, key: str) -> OutboxItem:
        """The outbox row with this key (answers from the inbox have rows of their own)."""
        return next(i for i in await self.core.outbox.outbox_items() if i.key == key)


def answered_from(stores: Stores) -> Callable[[], Awaitable[None]]:
    """`Teams.settle` for a `serve` running as another process on the same database: wait
    until its inbox is empty and every answer queued from it has been posted."""

    async def settled() -> None:
        for _ in range(600):  # a guard against waiting for ever, not a measure of speed
            rows = await stores.outbox.outbox_items()
            posting = any(r.status == "pending" and r.key.startswith("inbox:") for r in rows)
            if not posting and not await stores.inbox.waiting():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("serve did not answer what it acknowledged")

    return settled


class User:
    """Someone in Teams: their personal chat with the bot, and what the bot posts back."""

    def __init__(self, teams: Teams, aad_object_id: str, name: str) -> None:
        self.teams = teams
        self.aad = aad_object_id
        self.name = name
        self.chat = f"a:1{aad_object_id}"

    def activity(self, conversation: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """An activity from this person as the Teams service sends it."""
        return {
            "type": "message",
            "id": f"user-activity-{next(_ids)}",
            "channelId": "msteams",
            "serviceUrl": self.teams.connector.url,
            "from": {"id": f"29:{self.aad}", "name": self.name, "aadObjectId": self.aad},
            "recipient": {"id": BOT_ID, "name": "policybot"},
            "conversation": conversation
            or {"id": self.chat, "conversationType": "personal", "tenantId": TENANT},
            "channelData": {"tenant": {"id": TENANT}},
            **fields,
        }

    async def send(self, activity: dict[str, Any]) -> list[Posted]:
        """Deliver an activity; return what the bot posted while handling it."""
        before = len(self.teams.connector.sent)
        response = await self.teams.post(activity)
        assert response.status in (200, 201), response.status
        return self.teams.connector.sent[before:]

    async def says(self, text: str) -> list[Posted]:
        """Type a message in the personal chat."""
        return await self.send(self.activity(text=text))

    async def clicks(self, title: str, card: Posted) -> list[Posted]:
        """Click the card's button whose title starts with this text."""
        data = next(d for t, d in card.buttons if t.startswith(title))
        return await self.send(self.activity(value=data, replyToId=card.id))

    async def installs_the_app(self) -> None:
        """Add the app in their personal scope: Teams sends an installationUpdate."""
        await self.send(self.activity(type="installationUpdate", action="add"))


@asynccontextmanager
async def running(
    db_url: str, clock: FakeClock, connector: FakeConnector | None = None, **env: str
) -> AsyncIterator[Teams]:
    """`serve`'s application (build_app + make_web_app + the Teams adapter) on loopback, on a
    fresh database, configured by `env`, with a local Bot Connector to answer it (this one's,
    when given: another process of the same deployment)."""
    own = connector is None
    if connector is None:
        connector = FakeConnector()
        await connector.start()
    await upgrade(db_url)
    core = await build_app(Settings.from_env({**env, "DATABASE_URL": db_url}), clock)
    [adapter] = configured_adapters(core)
    assert isinstance(adapter, TeamsAdapter)
    # No delivery in the background: each test delivers with `Teams.deliver`, so a first pass
    # at start-up cannot race a test for the messages it queues.
    app = make_web_app(core, [adapter], delivery_interval=math.inf)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            url = str(server.make_url("")).rstrip("/")
            yield Teams(http, url, connector, core, clock, [adapter], adapter.settle)
    finally:
        await server.close()
        if own:
            await connector.close()
        await core.close()


@pytest.fixture
async def teams(db_url: str, clock: FakeClock) -> AsyncIterator[Teams]:
    """Teams with authentication off (TEAMS_DEV_NO_AUTH), as for local development."""
    async with running(db_url, clock, TEAMS_DEV_NO_AUTH="1") as teams:
        yield teams


async def test_a_question_gets_the_clause_quoted_in_a_card_in_the_same_chat(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says("can I accept a friend request from a parent?")
    assert answer.conversation == clara.chat
    assert "Here's what the policy says:" in answer.text
    assert "Consider carefully whether it is appropriate to accept colleagues, parents" in (
        answer.text
    )
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert [t for t, _ in answer.buttons][-2:] == ["Helpful", "Not helpful"]
    assert all(set(data) == {"choice"} for _, data in answer.buttons)


async def test_helpful_is_recorded_once_and_the_card_is_closed(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says("can I accept a friend request from a parent?")
    [thanks] = await clara.clicks("Helpful", answer)
    assert thanks.text == "Thanks, glad it helped."
    [closed] = teams.connector.updated
    assert (closed.conversation, closed.id) == (clara.chat, answer.id)
    assert closed.buttons == []
    assert "✓ Clara Testwell chose: Helpful" in closed.text
    assert "Consider carefully whether" in closed.text  # the answer itself stays readable
    [again] = await clara.clicks("Helpful", answer)  # a second click on the old card
    assert "already been used" in again.text
    async with teams.core.database.engine.connect() as connection:
        votes = (await connection.execute(select(feedback.c.person_id, feedback.c.helpful))).all()
    assert [tuple(v) for v in votes] == [("clara-testwell", True)]


async def test_a_card_teams_cannot_update_does_not_lose_the_choice(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says("can I accept a friend request from a parent?")
    teams.connector.refuse_updates = True
    [thanks] = await clara.clicks("Helpful", answer)
    assert thanks.text == "Thanks, glad it helped."
    assert "already been used" in (await clara.clicks("Helpful", answer))[0].text


async def test_a_related_clause_button_shows_that_clause(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.says("can I accept a friend request from a parent?")
    title, data = next((t, d) for t, d in answer.buttons if t.startswith("Also:"))
    [clause] = await clara.clicks(title, answer)
    assert clause.text.startswith("Here is that part of the policy.")
    assert f"clause {data['choice'].removeprefix('clause:')}" in clause.text
    assert teams.connector.updated[0].buttons == []


async def test_someone_not_in_the_directory_is_refused_politely(teams: Teams) -> None:
    stranger = User(teams, STRANGER, "Sam Stranger")
    [refusal] = await stranger.says("can I accept a friend request from a parent?")
    assert "can't find your Microsoft account in the trust directory" in refusal.text
    assert "Mina Peopleworth (m.peopleworth@trust.example.org)" in refusal.text
    assert "Consider carefully" not in refusal.text


async def test_a_forged_card_click_from_a_stranger_is_refused_too(teams: Teams) -> None:
    stranger = User(teams, STRANGER, "Sam Stranger")
    forged = stranger.activity(value={"choice": "feedback:up:good-practice.no-personal-social:"})
    [refusal] = await stranger.send(forged)
    assert "can't find your Microsoft account in the trust directory" in refusal.text
    async with teams.core.database.engine.connect() as connection:
        assert (await connection.execute(select(feedback))).all() == []


async def test_a_channel_mention_is_answered_in_its_thread_without_the_mention(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    thread = "19:staffroom@thread.tacv2;messageid=1700000000000"
    mention = {
        "type": "mention",
        "text": "<at>policybot</at>",
        "mentioned": {"id": BOT_ID, "name": "policybot"},
    }
    message = clara.activity(
        conversation={"id": thread, "conversationType": "channel", "isGroup": True},
        text="<at>policybot</at> can I accept a friend request from a parent?",
        entities=[mention],
    )
    [answer] = await clara.send(message)
    assert (answer.conversation, answer.reply_to) == (thread, message["id"])
    assert "clause good-practice.consider-carefully-whether" in answer.text
    assert "<at>" not in json.dumps(answer.activity)  # no mention entities, nobody pinged
    # A channel is no place for reminders: Clara still has no personal chat reference.
    assert await teams.core.references.load_reference("clara-testwell", "teams") is None


async def test_the_same_activity_delivered_twice_is_answered_once(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    message = clara.activity(text="can I accept a friend request from a parent?")
    assert len(await clara.send(message)) == 1
    assert await clara.send(message) == []


async def test_a_reminder_reaches_someone_who_installed_the_app(teams: Teams) -> None:
    agnes = User(teams, AGNES, "Agnes Example")
    await agnes.installs_the_app()
    reminder = Reply("Annual reminder: please re-read the Social Media Policy.")
    await teams.core.outbox.enqueue(
        "annual-reminder:st-marys:2025:agnes-example", "agnes-example", reminder
    )
    await teams.deliver()
    [sent] = teams.connector.sent_to(agnes.chat)
    assert sent.text == "Annual reminder: please re-read the Social Media Policy."
    assert sent.reply_to is None  # a new message in the chat, not a reply
    row = await teams.outbox_row("annual-reminder:st-marys:2025:agnes-example")
    assert row.status == "sent"


async def test_an_approval_sent_unprompted_has_buttons_that_work(teams: Teams) -> None:
    agnes = User(teams, AGNES, "Agnes Example")
    await agnes.installs_the_app()
    ask = Reply("Is this useful?", choices=(Choice("What can you do?", "help"),))
    await teams.core.outbox.enqueue("k1", "agnes-example", ask)
    await teams.deliver()
    [card] = teams.connector.sent_to(agnes.chat)
    [help_text] = await agnes.clicks("What can you do?", card)
    assert "I answer questions about the Trust's Social Media Policy" in help_text.text
    assert teams.connector.updated[0].id == card.id


async def test_no_reference_stays_pending_with_the_reason_until_they_message_the_bot(
    teams: Teams,
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    await teams.core.outbox.enqueue("k1", "clara-testwell", Reply("Please complete your training."))
    await teams.deliver()
    [row] = await teams.core.outbox.outbox_items()
    assert row.status == "pending"
    assert row.last_error == (
        "no Teams chat with clara-testwell yet: they need to install policybot in Teams "
        "or message it once"
    )
    await clara.says("hello")
    teams.clock.advance(minutes=1)
    await teams.deliver()
    assert [p.text for p in teams.connector.sent_to(clara.chat)][-1] == (
        "Please complete your training."
    )
    assert (await teams.outbox_row("k1")).status == "sent"


async def test_a_chat_is_opened_for_someone_the_app_is_installed_for(teams: Teams) -> None:
    await User(teams, AGNES, "Agnes Example").says("hello")  # the tenant's service is now known
    teams.connector.installed_for.add(CLARA)
    await teams.core.outbox.enqueue("k1", "clara-testwell", Reply("Please complete your training."))
    await teams.deliver()
    [created] = teams.connector.created
    assert created["members"][0]["id"] == CLARA
    assert created["channelData"]["tenant"]["id"] == TENANT
    [sent] = teams.connector.sent_to(f"a:personal-{CLARA}")
    assert sent.text == "Please complete your training."
    assert (await teams.outbox_row("k1")).status == "sent"
    # The new chat is remembered: the next message goes straight to it.
    await teams.core.outbox.enqueue("k2", "clara-testwell", Reply("And the quiz."))
    await teams.deliver()
    assert len(teams.connector.created) == 1
    assert [p.text for p in teams.connector.sent_to(f"a:personal-{CLARA}")][-1] == "And the quiz."


async def test_teams_refusing_to_open_a_chat_is_kept_as_the_reason(teams: Teams) -> None:
    await User(teams, AGNES, "Agnes Example").says("hello")
    await teams.core.outbox.enqueue("k1", "clara-testwell", Reply("Please complete your training."))
    await teams.deliver()
    row = await teams.outbox_row("k1")
    assert row.status == "pending"
    assert row.last_error == (
        "Teams refused the message (HTTP 403): (Forbidden) The bot is not installed for the user"
    )


async def test_a_stranger_does_not_decide_where_new_chats_are_opened(teams: Teams) -> None:
    await User(teams, STRANGER, "Sam Stranger").says("hello")
    teams.connector.installed_for.add(CLARA)
    await teams.core.outbox.enqueue("k1", "clara-testwell", Reply("Please complete your training."))
    await teams.deliver()
    assert teams.connector.created == []
    row = await teams.outbox_row("k1")
    assert row.last_error and row.last_error.startswith("no Teams chat with clara-testwell yet")


async def test_malformed_requests_get_a_clear_error(teams: Teams) -> None:
    url = f"{teams.url}/api/messages"
    async with teams.http.post(
        url, data="{not json", headers={"Content-Type": "application/json"}
    ) as r:
        assert (r.status, (await r.json())["error"]) == (400, "the body is not valid JSON")
    async with teams.http.post(url, data="hello", headers={"Content-Type": "text/plain"}) as r:
        assert r.status == 415
    async with teams.http.post(url, json=["a", "list"]) as r:
        assert r.status == 400
    clara = User(teams, CLARA, "Clara Testwell")
    async with teams.http.post(url, json={**clara.activity(text="hi"), "conversation": None}) as r:
        assert r.status == 400
        assert "conversation.id" in (await r.json())["error"]
    assert teams.connector.sent == []


@pytest.fixture
async def authenticated(db_url: str, clock: FakeClock) -> AsyncIterator[Teams]:
    """Teams with a real app id and password: every request needs a Bot Framework JWT."""
    app_id, password = "0b5a6c2e-8f1d-4e3a-9b7c-2d4e6f8a0c1e", "not-a-real-secret"
    async with running(
        db_url, clock, MICROSOFT_APP_ID=app_id, MICROSOFT_APP_PASSWORD=password
    ) as teams:
        yield teams


async def test_with_authentication_on_a_request_without_a_valid_token_gets_401(
    authenticated: Teams,
) -> None:
    clara = User(authenticated, CLARA, "Clara Testwell")
    message = clara.activity(text="can I accept a friend request from a parent?")
    assert (await authenticated.post(message)).status == 401
    garbage = {"Authorization": "Bearer not.a.jwt"}
    assert (await authenticated.post(message, **garbage)).status == 401
    assert (await authenticated.post(message, Authorization="Basic abc")).status == 401
    assert authenticated.connector.sent == []
    assert await authenticated.core.references.load_reference("clara-testwell", "teams") is None
