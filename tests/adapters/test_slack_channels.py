"""Mentions in channels, /policy and the clicks on their answers go through the inbox.

Each is kept before Slack hears 200 (what people wrote, and a command's response_url, sealed),
answered from the inbox, and its answer posted once through the outbox where it was asked: in
the mention's thread (carrying its outbox key, so a copy a killed process posted is found), or
privately through the response_url, or, once Slack no longer takes that, in the person's DM.
A real `serve` killed between keeping and answering loses none of them and answers none twice.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import select

from adapters.sealing import Seal
from adapters.slack.sender import outbox_key
from bot.storage.database import upgrade
from bot.storage.tables import feedback, inbox, outbox
from tests.adapters.test_no_text_in_logs import free_port
from tests.adapters.test_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER,
    CLARA,
    FRIEND_REQUEST,
    STRANGER,
    Call,
    FakeSlack,
    Workspace,
    _ts,
    fake,
    serving,
    slack,
)
from tests.conftest import sql_stores
from tests.fake_slack import Failure
from tests.jobs.crashing import healthy
from tests.jobs.test_delivery_crash import Serve
from tests.slack_staff import Slack, answered, kind, posted_twice, private_answers

__all__ = ["fake", "slack"]  # the fixtures this module borrows from test_slack

RETRIED = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
PASSWORD = "Hunter2!"


def _key(post: Call) -> str | None:
    """The outbox key a posted message carries."""
    return outbox_key({"metadata": post.args.get("metadata")})


def mention(text: str, user: str = CLARA, thread_ts: str | None = None) -> dict[str, Any]:
    """An app_mention event in the staff channel."""
    event = {"type": "app_mention", "channel": "C0STAFF01", "user": user, "ts": _ts()}
    event["text"] = f"<@{BOT_USER}> {text}"
    return event | ({"thread_ts": thread_ts} if thread_ts else {})


async def kept(slack: Workspace) -> list[dict[str, Any]]:
    """The payloads waiting in the inbox, oldest first."""
    async with slack.core.database.engine.connect() as db:
        waiting = select(inbox.c.payload).where(inbox.c.status == "pending").order_by(inbox.c.id)
        return [row.payload for row in await db.execute(waiting)]


async def test_a_mention_is_answered_in_its_thread_once_however_often_slack_delivers_it(
    slack: Workspace,
) -> None:
    event = mention(FRIEND_REQUEST, thread_ts="1700000000.000100")  # asked inside a thread
    assert await slack.event(event, event_id="Ev0MENTION") == 200
    [answer] = slack.fake.to("chat.postMessage")
    assert (answer.args["channel"], answer.args["thread_ts"]) == ("C0STAFF01", "1700000000.000100")
    assert _key(answer) == "inbox:slack:event:Ev0MENTION:1"
    assert "Helpful" in [b["text"]["text"] for b in answer.buttons]
    assert await slack.event(event, event_id="Ev0MENTION", headers=RETRIED) == 200
    assert len(slack.fake.to("chat.postMessage")) == 1
    assert await slack.core.inbox.waiting() == 0


async def test_what_a_mention_or_command_says_is_kept_sealed_and_a_password_not_at_all(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"
    async with serving(fake, db_url, ANSWER_ELSEWHERE="1") as keeping:  # nothing answered
        await keeping.event(mention(f"my password is {PASSWORD}, is that safe to share?"))
        assert await keeping.command(CLARA, FRIEND_REQUEST) == []
        assert keeping.last_response[0] == 200  # kept, so acknowledged
        said, command = await kept(keeping)
    readable = json.dumps([said, command])
    for secret in (PASSWORD, "password is", "friend request", "hooks", "/respond/"):
        assert secret not in readable, secret
    seal = Seal(BOT_TOKEN)
    assert (said["to"]["channel"], said["to"]["platform"]) == ("C0STAFF01", "slack")
    assert PASSWORD not in seal.open(said["text"]) and "[secret" in seal.open(said["text"])
    assert seal.open(command["text"]) == FRIEND_REQUEST
    assert seal.open(command["to"]["response_url"]).startswith(fake.response_url("command-"))
    async with serving(fake, db_url) as answering:
        await answering.adapter.settle()
        [thread_answer] = fake.to("chat.postMessage")
        [private] = fake.to("response_url")
        rows = await answering.core.outbox.outbox_items()
    assert thread_answer.args["channel"] == "C0STAFF01"
    assert private.args["response_type"] == "ephemeral" and "Helpful" in private.text
    assert {r.status for r in rows} == {"sent"}
    assert "/respond/" not in json.dumps([r.address for r in rows])  # sealed in the outbox too


async def test_a_click_on_a_private_answer_is_answered_once_through_its_response_url(
    slack: Workspace,
) -> None:
    [answer] = await slack.command(CLARA, FRIEND_REQUEST)
    form = slack.click_form(CLARA, answer, "Helpful")
    mark = len(slack.fake.calls)
    for _ in range(2):  # a double click: the same click delivered twice
        assert await slack.post(form, "application/x-www-form-urlencoded") == 200
    replaced, thanks = slack.fake.since(mark, "response_url")
    assert replaced.args["replace_original"] is True and "✓ Helpful" in replaced.text
    assert thanks.args["response_type"] == "ephemeral"
    assert thanks.text.startswith("Thanks, glad it helped.")
    assert replaced.args["url"] == thanks.args["url"]  # the click's own response_url
    async with slack.core.database.engine.connect() as db:
        votes = (await db.execute(select(feedback.c.person_id, feedback.c.helpful))).all()
    assert [tuple(v) for v in votes] == [("clara-testwell", True)]


async def test_a_private_answer_slack_no_longer_takes_goes_to_the_dm_once(
    slack: Workspace,
) -> None:
    slack.fake.expired.add("command-late")  # used up, or past its 30 minutes
    form = {
        "command": "/policy",
        "text": FRIEND_REQUEST,
        "user_id": CLARA,
        "channel_id": "C0STAFF01",
        "response_url": slack.fake.response_url("command-late"),
        "trigger_id": "trigger-late",
    }
    assert await slack.post(urlencode(form), "application/x-www-form-urlencoded") == 200
    [refused] = slack.fake.to("response_url")
    [answer] = slack.fake.to("chat.postMessage")
    assert refused.args["response_type"] == "ephemeral"
    assert answer.args["channel"] == "D0DEMO003"
    assert _key(answer) == "inbox:slack:command:trigger-late:1"
    await slack.deliver()
    assert len(slack.fake.to("chat.postMessage")) == 1


async def test_a_private_answer_slack_fails_to_take_is_retried_by_the_outbox(
    slack: Workspace,
) -> None:
    slack.fake.fail("response_url", Failure(503))
    [failed] = await slack.command(CLARA, FRIEND_REQUEST)
    [row] = await slack.core.outbox.outbox_items()
    assert (row.status, row.last_error) == ("pending", "slack: response_url answered 503")
    async with slack.core.database.engine.begin() as db:  # as if its retry were due
        await db.execute(outbox.update().values(next_attempt_at=datetime.now(UTC)))
    await slack.deliver()
    again = slack.fake.to("response_url")[-1]
    assert again.args["url"] == failed.args["url"] and again.text == failed.text
    assert (await slack.outbox_row(row.key)).status == "sent"


async def test_someone_not_in_the_directory_is_told_where_they_asked_and_nothing_is_queued(
    slack: Workspace,
) -> None:
    [told] = await slack.command(STRANGER, FRIEND_REQUEST)
    assert told.args["response_type"] == "ephemeral"
    assert "can't find your Slack account in the trust directory" in told.text
    await slack.event(mention("hello", user=STRANGER))
    [in_thread] = slack.fake.to("chat.postMessage")
    assert in_thread.args["channel"] == "C0STAFF01" and in_thread.args["thread_ts"]
    assert "can't find your Slack account" in in_thread.text
    assert await slack.core.outbox.outbox_items() == []


async def test_over_socket_mode_mentions_and_commands_go_through_the_inbox_too(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'policybot.db'}"
    async with serving(fake, db, SLACK_SIGNING_SECRET=None, SLACK_APP_TOKEN=APP_TOKEN) as slack:
        event = {"type": "event_callback", "team_id": "T0DEMO", "event_id": "Ev0SOCKM"}
        envelope = await fake.push("events_api", event | {"event": mention(FRIEND_REQUEST)})
        await fake.wait_for(lambda: envelope in fake.socket_acks)
        command = {
            "command": "/policy",
            "text": "help",
            "user_id": CLARA,
            "channel_id": "C0STAFF01",
            "response_url": fake.response_url("command-socket"),
            "trigger_id": "trigger-socket",
        }
        envelope = await fake.push("slash_commands", command)
        await fake.wait_for(lambda: envelope in fake.socket_acks)
        await fake.wait_for(lambda: bool(fake.to("response_url")))
        await slack.adapter.settle()
    [answer] = fake.to("chat.postMessage")
    assert _key(answer) == "inbox:slack:event:Ev0SOCKM:1"
    [private] = fake.to("response_url")
    assert "I answer questions about the Trust's Social Media Policy" in private.text


async def test_events_kept_by_a_killed_serve_are_each_answered_once(
    db_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    """A mention, a /policy command and clicks on answers (private, in a thread) are kept and
    acknowledged by a `serve` that does not answer them; it is killed (SIGKILL), and another
    process claims them and is killed too before answering. The next `serve` answers each,
    once, after the dead process's claim runs out; Slack's retries change nothing."""
    await upgrade(db_url)
    port = free_port()
    serve = Serve(db_url, fake, tmp_path, port=port)
    serve.env |= {"INBOX_LEASE_SECONDS": "2"}
    numbers = [n for n in range(16) if kind(n) != "dm" and kind(n) != "dm click"]
    assert {kind(n) for n in numbers} == {"mention", "command", "private click", "thread click"}
    slack = Slack(f"http://127.0.0.1:{port}/slack/events", fake)
    stores = sql_stores(db_url, lambda: datetime.now(UTC))
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            serve.env["ANSWER_ELSEWHERE"] = "1"  # keeps and acknowledges, answers nothing
            await serve.start()
            await serve.until(partial(healthy, http, serve))
            await slack.deliver(http, numbers)
            assert slack.acked == set(numbers)
            serve.kill()
            await serve.stop()
            assert fake.to("chat.postMessage") == fake.to("response_url") == []
            # Another process claims them all, and dies before answering any.
            claimed = await stores.inbox.claim(datetime.now(UTC), timedelta(seconds=2), 64)
            assert len(claimed) == len({n % 6 for n in numbers})  # one per person at a time

            del serve.env["ANSWER_ELSEWHERE"]
            await serve.start()
            await serve.until(partial(healthy, http, serve))
            await slack.deliver(http, numbers)  # Slack's retries of what it thinks was lost

            async def all_answered() -> bool:
                return answered(fake, numbers) == set(numbers) and not await stores.inbox.waiting()

            await serve.until(all_answered)
            await asyncio.sleep(1)  # time for a second answer to any event, if one were coming
            rows = await stores.outbox.outbox_items()
            await serve.stop()
    finally:
        if serve.process is not None:
            serve.kill()
            await serve.process.wait()
        await stores.close()
    assert posted_twice(fake, numbers, rows) == []
    assert {r.status for r in rows} == {"sent"}
    for n in numbers:  # each answered where it was asked
        if kind(n) in ("command", "private click"):
            assert private_answers(fake, n)[0].args["response_type"] == "ephemeral"
    threads = [c for c in fake.to("chat.postMessage") if c.args["channel"] == "C0STAFF01"]
    assert all(c.args["thread_ts"] for c in threads)
