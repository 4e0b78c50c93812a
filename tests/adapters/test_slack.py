"""Slack end to end: signed requests to the real `serve` app, answers checked at a local Slack."""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select, text

from adapters.cli import main
from adapters.slack.adapter import ROUTE, SlackAdapter
from adapters.slack.settings import SlackSettings
from adapters.web import configured_adapters, make_web_app, pinging, web_app
from bot.app import App, build_app
from bot.core.messages import Choice, Reply
from bot.jobs.delivery import deliver_due
from bot.model.directory import Directory, Person
from bot.model.directory_file import DEMO_TRUST, load_directory
from bot.model.ports import Sender
from bot.model.records import OutboxItem
from bot.settings import Settings, SettingsError
from bot.storage.database import upgrade
from bot.storage.tables import feedback
from tests.fake_slack import APP_TOKEN, BOT_TOKEN, BOT_USER, TEAM, Call, Failure, FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CLARA = "U0DEMO003"  # clara-testwell, teacher at St Mary's
AGNES = "U0DEMO001"  # agnes-example, headteacher at St Mary's
DORA = "U0DORA004"  # dora-mockford: the directory has only her email
STRANGER = "U0GUEST99"  # a workspace member who is not in the trust directory
FRIEND_REQUEST = "can I accept a friend request from a parent?"

DEPLOY = Path(__file__).parents[2] / "deploy" / "slack"

_counter = itertools.count(1)


class Workspace:
    """Slack as staff use it: messages, /policy and clicks, signed and posted to `serve`."""

    def __init__(
        self, fake: FakeSlack, core: App, adapter: SlackAdapter, url: str, http: Any
    ) -> None:
        self.fake = fake
        self.core = core
        self.adapter = adapter
        self.url = url
        self.http: aiohttp.ClientSession = http
        self.last_response: tuple[int, str] = (0, "")
        """Status and body of the latest response from /slack/events."""

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str | None = SECRET,
        age: float = 0,
        headers: dict[str, str] | None = None,
    ) -> int:
        """POST to /slack/events, signed with `secret` (None: unsigned) as of `age` seconds ago."""
        sent = {"Content-Type": content_type, **(headers or {})}
        if secret is not None:
            stamp = str(int(time.time() - age))
            signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
            sent |= {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
        async with self.http.post(self.url, data=body.encode(), headers=sent) as response:
            self.last_response = (response.status, await response.text())
        await self.adapter.settle()
        return response.status

    async def event(self, event: dict[str, Any], event_id: str | None = None, **how: Any) -> int:
        """Deliver an Events API callback."""
        body = {
            "token": "unused",
            "team_id": TEAM,
            "api_app_id": "A0POLICY",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_counter):08d}",
            "event_time": int(time.time()),
            "event": event,
        }
        return await self.post(json.dumps(body), "application/json", **how)

    async def dm(
        self,
        user: str,
        text: str,
        event_id: str | None = None,
        channel: str | None = None,
        **how: Any,
    ) -> list[Call]:
        """The user sends the bot a direct message (in `channel`, by default the DM the local
        Slack opens for them); returns the messages posted back."""
        mark = len(self.fake.calls)
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": channel or "D" + user[1:],
            "user": user,
            "text": text,
            "ts": _ts(),
        }
        await self.event(event, event_id, **how)
        return self.fake.since(mark, "chat.postMessage")

    async def command(self, user: str, text: str) -> list[Call]:
        """The user types `/policy text`; returns what went to the command's response_url."""
        mark = len(self.fake.calls)
        form = {
            "token": "unused",
            "team_id": TEAM,
            "channel_id": "C0STAFF01",
            "user_id": user,
            "command": "/policy",
            "text": text,
            "response_url": self.fake.response_url(f"command-{next(_counter)}"),
            "trigger_id": f"trigger-{next(_counter)}",
        }
        status = await self.post(urlencode(form), "application/x-www-form-urlencoded")
        assert status == 200
        return self.fake.since(mark, "response_url")

    async def click(
        self, user: str, shown: Call, label: str, in_channel: str | None = None
    ) -> list[Call]:
        """The user clicks the button whose label starts with `label` on a message they saw.

        `in_channel` forges the click as if the message had been posted there instead.
        """
        mark = len(self.fake.calls)
        form = self.click_form(user, shown, label, in_channel)
        assert await self.post(form, "application/x-www-form-urlencoded") == 200
        return self.fake.since(mark)

    def click_form(self, user: str, shown: Call, label: str, in_channel: str | None = None) -> str:
        """The signed-to-be form Slack posts when the user clicks that button."""
        button = next(b for b in shown.buttons if b["text"]["text"].startswith(label))
        ephemeral = shown.method == "response_url"
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": shown.result["ts"],
            "channel_id": in_channel or shown.args.get("channel", "C0STAFF01"),
            "is_ephemeral": ephemeral,
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user},
            "channel": {"id": container["channel_id"]},
            "container": container,
            "trigger_id": f"trigger-{next(_counter)}",
            "response_url": self.fake.response_url(f"click-{next(_counter)}"),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "choices-0",
                    "text": button["text"],
                    "value": button["value"],
                    "action_ts": _ts(),
                }
            ],
        }
        if not ephemeral:  # Slack sends the clicked message, except for ephemeral ones
            payload["message"] = {
                "type": "message",
                "ts": container["message_ts"],
                "text": shown.args["text"],
                "blocks": shown.args["blocks"],
                **({"thread_ts": shown.args["thread_ts"]} if shown.args.get("thread_ts") else {}),
            }
        return urlencode({"payload": json.dumps(payload)})

    async def deliver(self) -> None:
        """One pass over the outbox, as the serve process makes every few seconds."""
        core = self.core
        await deliver_due(core.outbox, core.directory, [self.adapter.sender], core.clock())

    async def delivered(self, user: str, containing: str) -> Call:
        """The latest DM to the user containing the text, after a pass over the outbox."""
        await self.deliver()
        [*_, found] = [
            c
            for c in self.fake.to("chat.postMessage")
            if c.args["channel"] == "D" + user[1:] and containing in c.text
        ]
        return found

    async def outbox_row(self, key: str) -> OutboxItem:
        """The outbox row with this key."""
        return next(i for i in await self.core.outbox.outbox_items() if i.key == key)


def _ts() -> str:
    return f"{int(time.time())}.{next(_counter):06d}"


def _settings(fake: FakeSlack, db_url: str, **overrides: str | None) -> Settings:
    """Settings for the local Slack; an override of None leaves that variable unset."""
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    env = {k: v for k, v in (env | overrides).items() if v is not None}
    return Settings.from_env(env | {"DATABASE_URL": db_url})


async def _delivered_by_the_test(_senders: Sequence[Sender]) -> None:
    """No delivery loop: the test delivers when it means to (Workspace.deliver)."""


@asynccontextmanager
async def serving(
    fake: FakeSlack, db_url: str, delivery_interval: float | None = None, **env: str | None
) -> AsyncIterator[Workspace]:
    """The real `serve` application with the Slack adapter chosen from settings, on loopback.

    With `delivery_interval` it delivers the outbox every so many seconds, as `serve` does;
    without, nothing is delivered until the test calls `Workspace.deliver`.
    """
    await upgrade(db_url)
    core = await build_app(_settings(fake, db_url, **env))
    adapters = configured_adapters(core)
    adapter = adapters[0]
    assert isinstance(adapter, SlackAdapter)
    if delivery_interval is None:
        app = web_app(
            adapters,
            health=pinging(core.database),
            deliver=_delivered_by_the_test,
            refresh=core.follow_directory,
        )
    else:
        app = make_web_app(core, adapters, delivery_interval=delivery_interval)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            yield Workspace(fake, core, adapter, str(server.make_url("/slack/events")), http)
    finally:
        await server.close()
        await core.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The local Slack; Dora and a guest are workspace members known to it by email."""
    slack = FakeSlack(users={DORA: "D.Mockford@stmarys.example.org", STRANGER: "guest@gmail.com"})
    await slack.start()
    try:
        yield slack
    finally:
        await slack.close()


@pytest.fixture
async def slack(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[Workspace]:
    """policybot serving Slack over HTTP, on a fresh SQLite database."""
    async with serving(fake, f"sqlite:///{tmp_path / 'policybot.db'}") as workspace:
        yield workspace


def _quote(call: Call) -> str:
    sections = [b["text"]["text"] for b in call.args["blocks"] if b["type"] == "section"]
    return next(s for s in sections if "\n>" in s)


# Conversations


async def test_a_direct_message_gets_the_clause_quoted_in_block_kit(slack: Workspace) -> None:
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST)
    kb = slack.core.answerer.kb
    clause = kb.clauses["good-practice.consider-carefully-whether"]
    assert answer.args["channel"] == "D0DEMO003"
    assert answer.args.get("thread_ts") is None
    heading, *quoted = _quote(answer).splitlines()
    assert heading == f"*{clause.heading}*"
    # The bullet, verbatim, under the introduction of its list.
    assert quoted[0] == f">{kb.clauses['good-practice.advisable-follow-certain'].text}"
    assert " ".join(line.removeprefix(">") for line in quoted) == " ".join(
        kb.quote(clause.id).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split()
    )
    assert "Social Media Policy v2.1" in answer.text
    labels = [b["text"]["text"] for b in answer.buttons]
    assert labels[-2:] == ["Helpful", "Not helpful"]


async def test_a_direct_message_is_answered_in_its_dm_without_opening_one(
    slack: Workspace,
) -> None:
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST, channel="D0ELSEWHERE")
    assert answer.args["channel"] == "D0ELSEWHERE"
    assert slack.fake.to("conversations.open") == []
    # What goes to her later, through the outbox, goes to the same DM.
    await slack.core.outbox.enqueue("reminder:clara", "clara-testwell", Reply("Annual reminder"))
    await slack.deliver()
    assert slack.fake.to("chat.postMessage")[-1].args["channel"] == "D0ELSEWHERE"


async def test_a_mention_in_a_channel_is_answered_in_its_thread(slack: Workspace) -> None:
    mark = len(slack.fake.calls)
    ts = _ts()
    status = await slack.event(
        {
            "type": "app_mention",
            "channel": "C0STAFF01",
            "user": CLARA,
            "text": f"<@{BOT_USER}> someone left a nasty comment on our PE twitter, what now?",
            "ts": ts,
        }
    )
    [answer] = slack.fake.since(mark, "chat.postMessage")
    assert status == 200
    assert (answer.args["channel"], answer.args["thread_ts"]) == ("C0STAFF01", ts)
    assert "Handling abuse" in _quote(answer)


async def test_slash_policy_answers_privately(slack: Workspace) -> None:
    mark = len(slack.fake.calls)
    [answer] = await slack.command(CLARA, "can I post photos from sports day on my own Instagram?")
    assert answer.args["response_type"] == "ephemeral"
    assert "pictures" in _quote(answer).lower()
    assert slack.fake.since(mark, "chat.postMessage") == []


async def test_slash_policy_on_its_own_explains_what_the_bot_does(slack: Workspace) -> None:
    [answer] = await slack.command(CLARA, "")
    assert "I answer questions about the Trust's Social Media Policy" in answer.text


async def test_the_home_tab_says_what_the_bot_does(slack: Workspace) -> None:
    await slack.event(
        {"type": "app_home_opened", "user": CLARA, "channel": "D0DEMO003", "tab": "home"}
    )
    [published] = slack.fake.to("views.publish")
    assert published.args["user_id"] == CLARA
    assert published.args["view"]["type"] == "home"
    assert "Hello Clara!" in published.text
    assert "/policy new account" in published.text


# Buttons


async def test_helpful_is_recorded_and_the_clicked_message_loses_its_buttons(
    slack: Workspace,
) -> None:
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST)
    after = await slack.click(CLARA, answer, "Helpful")
    [update] = [c for c in after if c.method == "chat.update"]
    [thanks] = [c for c in after if c.method == "chat.postMessage"]
    assert (update.args["channel"], update.args["ts"]) == ("D0DEMO003", answer.result["ts"])
    assert update.buttons == []
    assert update.args["blocks"][-1]["elements"][0]["text"] == "✓ Helpful"
    assert _quote(update) == _quote(answer)
    assert thanks.text.startswith("Thanks, glad it helped.")
    async with slack.core.database.engine.connect() as db:
        votes = (await db.execute(select(feedback.c.person_id, feedback.c.helpful))).all()
    assert votes == [("clara-testwell", True)]

    again = await slack.click(CLARA, answer, "Not helpful")
    assert again == []


async def test_not_helpful_records_the_question_its_vote_carried_sealed_in_the_outbox(
    slack: Workspace,
) -> None:
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST)
    [kept] = [r for r in await slack.core.outbox.outbox_items() if r.key.startswith("inbox:")]
    assert FRIEND_REQUEST not in json.dumps([c.value for c in kept.reply.choices])
    assert FRIEND_REQUEST in json.dumps([b["value"] for b in answer.buttons])  # opened to post
    await slack.click(CLARA, answer, "Not helpful")
    async with slack.core.database.engine.connect() as db:
        [vote] = (await db.execute(select(feedback.c.helpful, feedback.c.question))).all()
    assert (vote.helpful, vote.question) == (False, FRIEND_REQUEST)


async def test_a_click_still_counts_when_slack_will_not_update_the_message(
    slack: Workspace,
) -> None:
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST)
    slack.fake.fail("chat.update", Failure(200, "message_not_found"))
    clicked = await slack.click(CLARA, answer, "Not helpful")
    # (Bolt's first request checks the token: direct messages never reach Bolt.)
    after = [c for c in clicked if c.method != "auth.test"]
    assert [c.method for c in after] == ["chat.update", "chat.postMessage"]
    assert "HR reviews answers marked not helpful" in after[1].text


async def test_a_related_clause_button_shows_that_clause_in_the_same_thread(
    slack: Workspace,
) -> None:
    ts = _ts()
    await slack.event(
        {
            "type": "app_mention",
            "channel": "C0STAFF01",
            "user": CLARA,
            "text": f"<@{BOT_USER}> {FRIEND_REQUEST}",
            "ts": ts,
        }
    )
    [answer] = slack.fake.to("chat.postMessage")
    related = next(b for b in answer.buttons if b["text"]["text"].startswith("Also:"))
    clause_id = related["value"].removeprefix("clause:")
    after = await slack.click(AGNES, answer, "Also:")
    [shown] = [c for c in after if c.method == "chat.postMessage"]
    clause = slack.core.answerer.kb.clauses[clause_id]
    assert shown.args["thread_ts"] == ts
    assert shown.text.startswith("Here is that part of the policy.")
    assert f"*{clause.heading}*" in _quote(shown)
    assert [c.method for c in after] == ["chat.update", "chat.postMessage"]


async def test_a_click_on_a_private_answer_replaces_it_through_the_response_url(
    slack: Workspace,
) -> None:
    [answer] = await slack.command(CLARA, FRIEND_REQUEST)
    after = await slack.click(CLARA, answer, "Not helpful")
    replaced, thanks = after
    assert replaced.method == thanks.method == "response_url"
    assert replaced.args["replace_original"] is True
    assert replaced.buttons == [] and "✓ Not helpful" in replaced.text
    assert thanks.args["response_type"] == "ephemeral"
    assert "HR reviews answers marked not helpful" in thanks.text


# Who is asking


async def test_someone_the_directory_knows_by_email_only_is_found_through_users_info(
    slack: Workspace,
) -> None:
    [hello] = await slack.dm(DORA, "hello")
    [answer] = await slack.dm(DORA, FRIEND_REQUEST)
    assert hello.text.startswith("Hello Dora!")
    assert "Helpful" in [b["text"]["text"] for b in answer.buttons]
    assert [c.args["user"] for c in slack.fake.to("users.info")] == [DORA]  # cached
    assert await slack.adapter.sender.reaches(slack.core.directory.person("dora-mockford"))  # type: ignore[arg-type]


async def test_a_slack_user_not_in_the_directory_is_told_who_to_ask(slack: Workspace) -> None:
    [reply] = await slack.dm(STRANGER, "what's the best pizza topping?")
    assert "can't find your Slack account in the trust directory" in reply.text
    assert "Mina Peopleworth" in reply.text
    assert await slack.core.questions.top_declined() == []  # the core never saw the question


# Requests that must not be acted on


@pytest.mark.parametrize(
    "how",
    [
        {"secret": None},
        {"secret": "not-the-signing-secret"},
        {"age": 6 * 60},
    ],
    ids=["unsigned", "badly signed", "six minutes old"],
)
async def test_an_unverifiable_request_gets_401_and_no_slack_call(
    slack: Workspace, how: dict[str, Any]
) -> None:
    mark = len(slack.fake.calls)
    assert await slack.dm(CLARA, FRIEND_REQUEST, **how) == []
    status = await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D0DEMO003",
            "user": CLARA,
            "text": "hello",
            "ts": _ts(),
        },
        **how,
    )
    assert status == 401
    assert slack.fake.since(mark) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        ('{"type": "event_callback"}', "application/json"),
    ],
    ids=["broken json", "broken interaction", "event without an event"],
)
async def test_a_signed_request_that_is_not_a_slack_payload_is_refused_without_a_call(
    slack: Workspace, body: str, content_type: str
) -> None:
    mark = len(slack.fake.calls)
    status = await slack.post(body, content_type)
    assert 400 <= status < 500
    # Bolt checks its token (auth.test) on the first signed request; nothing else is called.
    assert [c.method for c in slack.fake.since(mark) if c.method != "auth.test"] == []
    assert len(await slack.dm(CLARA, "hello")) == 1  # and the next request is served as usual


async def test_slack_can_verify_the_request_url(slack: Workspace) -> None:
    challenge = {"token": "unused", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    assert await slack.post(json.dumps(challenge), "application/json") == 200
    assert "3eZbrw1aBm2rZgRNFdxV" in slack.last_response[1]


async def _rename(slack: Workspace, table: str, to: str) -> None:
    async with slack.core.database.engine.begin() as db:
        await db.execute(text(f"ALTER TABLE {table} RENAME TO {to}"))


async def test_an_event_that_arrives_while_the_database_is_down_is_answered_on_slacks_retry(
    slack: Workspace,
) -> None:
    await _rename(slack, "inbox", "inbox_away")
    assert await slack.dm(CLARA, FRIEND_REQUEST, event_id="Ev0DBDOWN") == []
    assert slack.last_response[0] == 500  # not kept, so not acknowledged: Slack retries later
    assert slack.fake.to("chat.postMessage") == []
    await _rename(slack, "inbox_away", "inbox")
    retried = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST, event_id="Ev0DBDOWN", headers=retried)
    assert "Helpful" in [b["text"]["text"] for b in answer.buttons]


async def test_when_answering_fails_the_person_is_asked_to_try_again(slack: Workspace) -> None:
    await _rename(slack, "conversation_state", "conversation_state_away")
    [sorry] = await slack.dm(CLARA, FRIEND_REQUEST)
    assert sorry.text.startswith("Sorry, something went wrong on my side")


async def test_with_answers_elsewhere_serve_keeps_a_message_for_the_answer_process(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"
    async with serving(fake, db_url, ANSWER_ELSEWHERE="1") as slack:
        assert await slack.dm(CLARA, FRIEND_REQUEST) == []
        assert slack.last_response[0] == 200  # acknowledged: it is kept
    assert await slack.core.inbox.waiting() == 1  # stopping did not answer it either
    async with serving(fake, db_url) as answering:  # a process that answers
        await answering.adapter.settle()
        [answer] = fake.to("chat.postMessage")
        assert "Helpful" in [b["text"]["text"] for b in answer.buttons]


async def test_a_retried_or_repeated_event_is_answered_once_across_processes(
    fake: FakeSlack, db_url: str
) -> None:
    async with serving(fake, db_url) as first, serving(fake, db_url) as second:
        assert len(await first.dm(CLARA, FRIEND_REQUEST, event_id="Ev0RETRY1")) == 1
        retried = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert await second.dm(CLARA, FRIEND_REQUEST, event_id="Ev0RETRY1", headers=retried) == []
        assert await first.dm(CLARA, FRIEND_REQUEST, event_id="Ev0RETRY1") == []
    assert len(fake.to("chat.postMessage")) == 1


# The business case, entirely in Slack

DANA = "U0DEMO009"  # demo-teacher, Holy Cross
JACK = "U0DEMO010"  # jack-sampleton, Holy Cross teacher (not leadership)
FRANCES = "U0DEMO006"  # frances-dummy, Holy Cross headteacher (leadership)


def _said(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.method in ("chat.postMessage", "response_url"))


def _last_with_buttons(calls: list[Call]) -> Call:
    return [c for c in calls if c.buttons][-1]


async def test_a_business_case_is_proposed_confirmed_and_approved_in_slack(
    slack: Workspace,
) -> None:
    started = await slack.command(DANA, "new account")
    assert "business case for a new academy account (Draft 1)" in _said(started)
    after = await slack.click(DANA, _last_with_buttons(started), "X/Twitter")
    assert after[0].args["replace_original"] is True and "✓ X/Twitter" in after[0].text
    assert "Step 3 of 10" in _said(after)
    for answer in [
        "@HolyCrossHistory",
        "To share pupils' work and history department news with families",
        "Parents and carers of pupils in years 7 to 11",
        "A link on the school website and in the weekly newsletter",
    ]:
        await slack.dm(DANA, answer)
    [step8] = await slack.dm(DANA, "me, Jack Sampleton")
    await slack.click(DANA, step8, "Open")
    [step10] = await slack.dm(
        DANA,
        "history@holycross.example.org; the app on the department iPad with two-step verification",
    )
    review = await slack.click(DANA, step10, "Yes, restricted")
    assert "7. Who runs it: Dana Demo, Jack Sampleton" in _said(review)
    submitted = await slack.click(DANA, _last_with_buttons(review), "Submit")
    assert "Submitted SMA-0001" in _said(submitted)
    await slack.click(DANA, _last_with_buttons(submitted), "I have read and understood")

    request = await slack.delivered(FRANCES, "New business case for a decision")
    too_soon = await slack.click(FRANCES, request, "Approve")
    assert "can't be approved yet: Jack Sampleton has not confirmed" in _said(too_soon)
    asked = await slack.delivered(JACK, "named you to help run")
    assert "Thank you" in _said(await slack.click(JACK, asked, "I have read and understood"))

    ready = await slack.delivered(FRANCES, "Every runner has now confirmed")
    # Jack is not on the leadership team: the same button, clicked by him, changes nothing.
    forged = await slack.click(JACK, ready, "Approve", in_channel="D" + JACK[1:])
    assert "Only the Academy Leadership Team" in _said(forged)
    assert (await slack.core.cases.get(1)).status == "submitted"  # type: ignore[union-attr]

    # Frances's App Home lists what waits for her decision; Jack's does not.
    await slack.event({"type": "app_home_opened", "user": FRANCES, "tab": "home"})
    home = slack.fake.to("views.publish")[-1]
    assert "*Waiting for your decision*" in home.text
    assert "SMA-0001 · X/Twitter @HolyCrossHistory · waiting for a decision" in home.text
    await slack.event({"type": "app_home_opened", "user": JACK, "tab": "home"})
    assert "Waiting for your decision" not in slack.fake.to("views.publish")[-1].text

    approved = await slack.click(FRANCES, ready, "Approve")
    assert "Recorded: SMA-0001 approved" in _said(approved)
    told = await slack.delivered(DANA, "was approved by Frances Dummy")
    assert "SMA-0001 (X/Twitter @HolyCrossHistory)" in told.text
    [account] = await slack.core.register.all("holy-cross")
    assert account.runners == ("demo-teacher", "jack-sampleton")

    await slack.event({"type": "app_home_opened", "user": DANA, "tab": "home"})
    home = slack.fake.to("views.publish")[-1]
    assert "SMA-0001 · X/Twitter @HolyCrossHistory · approved" in home.text


# Proactive delivery (the outbox, delivered by the serve process)


async def test_the_serve_process_delivers_the_outbox_by_itself(
    fake: FakeSlack, tmp_path: Path
) -> None:
    async with serving(fake, f"sqlite:///{tmp_path / 'policybot.db'}", 0.05) as slack:
        await slack.core.outbox.enqueue("reminder:agnes", "agnes-example", Reply("Reminder"))
        await fake.wait_for(lambda: bool(fake.to("chat.postMessage")))
        [post] = fake.to("chat.postMessage")
        assert (post.args["channel"], post.args["text"]) == ("D0DEMO001", "Reminder")


@pytest.mark.parametrize(
    "failure",
    [Failure(429, "ratelimited", retry_after=1), Failure(503, "service_unavailable")],
    ids=["rate limited", "server error"],
)
async def test_a_rate_limited_or_failed_post_is_retried_and_delivered(
    slack: Workspace, failure: Failure
) -> None:
    slack.fake.fail("chat.postMessage", failure)
    approve = Reply("Please decide case SMA-1", choices=(Choice("Approve", "case:1:approve"),))
    await slack.core.outbox.enqueue("approval:1", "agnes-example", approve)
    await slack.deliver()
    assert (await slack.outbox_row("approval:1")).status == "sent"
    [opened] = slack.fake.to("conversations.open")
    first, second = slack.fake.to("chat.postMessage")
    assert opened.args["users"] == AGNES
    assert second.args["channel"] == "D0DEMO001"
    assert [b["value"] for b in second.buttons] == ["case:1:approve"]
    if failure.retry_after:
        assert second.at - first.at >= failure.retry_after


async def test_a_slack_id_learned_from_an_email_is_used_after_a_restart(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"
    async with serving(fake, db_url) as before:
        await before.dm(DORA, "hello")  # the directory has only her email: found by users.info
    async with serving(fake, db_url) as after:  # a new process: nothing learned in memory
        await after.core.outbox.enqueue("reminder:dora", "dora-mockford", Reply("Annual reminder"))
        await after.deliver()
        assert (await after.outbox_row("reminder:dora")).status == "sent"
    *_, opened = fake.to("conversations.open")  # the second process's, for the reminder
    assert opened.args["users"] == DORA
    assert [c.args["user"] for c in fake.to("users.info")] == [DORA]  # asked Slack only once


async def test_a_message_slack_refuses_stays_pending_with_the_reason(slack: Workspace) -> None:
    slack.fake.fail("chat.postMessage", Failure(200, "channel_not_found"), times=100)
    await slack.core.outbox.enqueue("reminder:1", "agnes-example", Reply("Annual reminder"))
    await slack.deliver()
    item = await slack.outbox_row("reminder:1")
    assert item.status == "pending"
    assert item.last_error == "slack: chat.postMessage answered 200 channel_not_found"


async def test_message_text_is_escaped_so_it_pings_nobody(slack: Workspace) -> None:
    case = Reply("New case from <!channel> & <@U0DEMO003>: please review")
    await slack.core.outbox.enqueue("case:2", "agnes-example", case)
    await slack.deliver()
    assert (await slack.outbox_row("case:2")).status == "sent"
    [post] = slack.fake.to("chat.postMessage")
    shown = "New case from &lt;!channel&gt; &amp; &lt;@U0DEMO003&gt;: please review"
    assert post.args["text"] == shown
    assert post.args["blocks"][0]["text"]["text"] == shown
    assert "<!channel>" not in json.dumps(post.args) and "<@U0DEMO003>" not in json.dumps(post.args)


async def test_message_text_never_reaches_the_logs_even_at_debug_level(
    fake: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with serving(fake, f"sqlite:///{tmp_path / 'policybot.db'}") as slack:
        [answer] = await slack.dm(CLARA, "my pupil Tommy Example sent me a friend request")
        await slack.click(CLARA, answer, "Helpful")
        case = Reply("Case SMA-3: Tommy Example's parent asked for the class page")
        await slack.core.outbox.enqueue("case:3", "agnes-example", case)
        await slack.deliver()
        assert (await slack.outbox_row("case:3")).status == "sent"
    slack_logs = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("slack", "adapters"))
    )
    assert "clara-testwell" in slack_logs  # the logs say who and what happened...
    assert "Tommy" not in slack_logs  # ...but not what anyone said


# Socket Mode and settings


async def test_socket_mode_answers_without_any_public_endpoint(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'policybot.db'}"
    async with serving(fake, db, SLACK_SIGNING_SECRET=None, SLACK_APP_TOKEN=APP_TOKEN) as slack:
        assert await slack.post("{}", "application/json") in (404, 405)
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": "D0DEMO003",
            "user": CLARA,
            "text": FRIEND_REQUEST,
            "ts": _ts(),
        }
        callback = {
            "type": "event_callback",
            "team_id": TEAM,
            "event_id": "Ev0SOCKET",
            "event": event,
        }
        envelope = await fake.push("events_api", callback)
        await fake.wait_for(
            lambda: envelope in fake.socket_acks and bool(fake.to("chat.postMessage"))
        )
        await slack.adapter.settle()
    [answer] = fake.to("chat.postMessage")
    assert "Helpful" in [b["text"]["text"] for b in answer.buttons]


def test_serve_over_http_refuses_to_start_without_the_signing_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    assert main(["serve", "--host", "127.0.0.1", "--port", "0"]) != 0
    assert "SLACK_SIGNING_SECRET is not set" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN must be the bot token"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-x"}, "SLACK_APP_TOKEN must be"),
        ({"SLACK_SIGNING_SECRET": SECRET}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL="),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET is not set"),
    ],
)
def test_slack_settings_that_cannot_work_are_named(env: dict[str, str], complaint: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(complaint)):
        SlackSettings.from_env(env)


def test_slack_settings_are_read_and_secrets_kept_out_of_logs() -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": "http://x/api",
    }
    settings = SlackSettings.from_env(env)
    assert settings is not None
    assert (settings.bot_token, settings.api_url) == (BOT_TOKEN, "http://x/api/")
    assert BOT_TOKEN not in repr(settings) and SECRET not in repr(settings)
    everything = Settings.from_env(env)
    assert BOT_TOKEN not in repr(everything) and SECRET not in repr(everything)


def test_slack_is_off_without_its_settings() -> None:
    assert SlackSettings.from_env({}) is None


@pytest.mark.parametrize("variant", ["manifest-http.yaml", "manifest-socket-mode.yaml"])
def test_the_app_manifests_ask_slack_for_what_the_adapter_handles(variant: str) -> None:
    manifest = yaml.safe_load((DEPLOY / variant).read_text())
    settings, features = manifest["settings"], manifest["features"]
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_mention",
        "message.im",
    ]
    assert [c["command"] for c in features["slash_commands"]] == ["/policy"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "im:write", "users:read.email", "commands"} <= scopes
    urls = [
        settings["event_subscriptions"].get("request_url"),
        settings["interactivity"].get("request_url"),
        features["slash_commands"][0].get("url"),
    ]
    if settings["socket_mode_enabled"]:
        assert urls == [None, None, None]
    else:
        assert {urlparse(u).path for u in urls if u} == {ROUTE} and None not in urls


# The directory changing under a running server


async def test_a_staff_import_counts_at_once_for_joiners_and_leavers_without_a_restart(
    slack: Workspace,
) -> None:
    [before] = await slack.dm(STRANGER, "hello")
    assert "can't find your Slack account in the trust directory" in before.text
    demo = load_directory(DEMO_TRUST)
    gus = Person(
        id="gus-guest",
        name="Gus Guest",
        email="guest@gmail.com",
        role="volunteer",
        academy="holy-cross",
    )
    staying = [p for p in demo.people if p.id != "clara-testwell"]
    # What `policybot directory import` saves, from any process on the same database.
    await slack.core.staff.save(Directory(demo.trust, demo.academies, [*staying, gus]))
    [after] = await slack.dm(STRANGER, "hello")
    assert after.text.startswith("Hello Gus!")
    [clara] = await slack.dm(CLARA, "hello")
    assert "can't find your Slack account in the trust directory" in clara.text
