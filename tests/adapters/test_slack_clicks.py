"""Clicks on the bot's buttons go through the inbox, like the messages they answer.

A click is kept before Slack hears 200, then answered where it was clicked (in the DM, in the
thread of a mention, or privately through the click's response_url), carrying its outbox key
where Slack keeps one, after whatever the person wrote before it, once however often it is
delivered. Mentions and /policy themselves: test_slack_channels.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from adapters.sealing import Seal
from adapters.slack.inbox import kept_click
from adapters.slack.sender import outbox_key
from bot.storage.tables import feedback, inbox
from tests.adapters.test_slack import (
    APP_TOKEN,
    BOT_USER,
    CLARA,
    FRIEND_REQUEST,
    STRANGER,
    Call,
    FakeSlack,
    Workspace,
    _rename,
    _ts,
    fake,
    serving,
    slack,
)

__all__ = ["fake", "slack"]  # the fixtures this module borrows from test_slack

FORM = "application/x-www-form-urlencoded"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
RETRIED = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def _posted(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "chat.postMessage"]


def _key(post: Call) -> str | None:
    """The outbox key a posted message carries: replies from the inbox have one."""
    return outbox_key({"metadata": post.args.get("metadata")})


async def _votes(slack: Workspace) -> list[tuple[str, bool]]:
    async with slack.core.database.engine.connect() as db:
        rows = (await db.execute(select(feedback.c.person_id, feedback.c.helpful))).all()
    return [(r.person_id, r.helpful) for r in rows]


async def test_a_click_in_a_dm_is_answered_in_the_dm_from_the_inbox(slack: Workspace) -> None:
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST)
    after = await slack.click(CLARA, answer, "Helpful")
    [update] = [c for c in after if c.method == "chat.update"]
    [thanks] = _posted(after)
    assert (update.args["channel"], update.args["ts"]) == ("D0DEMO003", answer.result["ts"])
    assert update.buttons == [] and "✓ Helpful" in update.text
    assert thanks.args["channel"] == "D0DEMO003"
    assert thanks.text.startswith("Thanks, glad it helped.")
    assert _key(thanks) == f"inbox:slack:click:D0DEMO003:{answer.result['ts']}:1"
    assert [c for c in after if c.method == "response_url"] == []
    assert await _votes(slack) == [("clara-testwell", True)]
    assert await slack.core.inbox.waiting() == 0


async def test_the_same_click_delivered_twice_is_answered_once_across_processes(
    fake: FakeSlack, db_url: str
) -> None:
    async with serving(fake, db_url) as first, serving(fake, db_url) as second:
        [answer] = await first.dm(CLARA, FRIEND_REQUEST)
        form = first.click_form(CLARA, answer, "Not helpful")
        mark = len(fake.calls)
        assert await first.post(form, FORM) == 200
        assert await second.post(form, FORM, headers=RETRIED) == 200
        assert await first.post(form, FORM) == 200
        # Clicking the other button before the message lost its buttons: still one vote.
        assert await second.post(first.click_form(CLARA, answer, "Helpful"), FORM) == 200
        [thanks] = _posted(fake.since(mark))
        assert "HR reviews answers marked not helpful" in thanks.text
        assert await _votes(first) == [("clara-testwell", False)]


async def test_a_click_waits_for_the_message_sent_before_it(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"
    async with serving(fake, db_url) as slack:
        [answer] = await slack.dm(CLARA, FRIEND_REQUEST)
    async with serving(fake, db_url, ANSWER_ELSEWHERE="1") as keeping:  # nothing answered here
        mark = len(fake.calls)
        assert await keeping.dm(CLARA, "hello") == []
        assert keeping.last_response[0] == 200
        assert await keeping.click(CLARA, answer, "Not helpful") == []  # kept, acknowledged
        assert [c.method for c in fake.since(mark)] == []
        async with keeping.core.database.engine.connect() as db:
            waiting = select(inbox.c.payload).where(inbox.c.status == "pending")
            kept = [r.payload for r in await db.execute(waiting.order_by(inbox.c.id))]
    # Nothing anyone wrote is readable in the inbox: not the message, nor the question the
    # vote carries (its value), nor the clicked answer.
    # (The DM's id is kept so the answer needs no DM opened.)
    assert [sorted(p) for p in kept] == [["dm", "text", "user"], ["click", "dm", "user"]]
    readable = json.dumps(kept).lower()
    assert "hello" not in readable and "friend" not in readable and "helpful" not in readable
    async with serving(fake, db_url) as answering:
        await answering.adapter.settle()
        hello, thanks = _posted(fake.since(mark))
    assert hello.text.startswith("Hello Clara")
    assert "HR reviews answers marked not helpful" in thanks.text
    [update] = fake.since(mark, "chat.update")
    assert update.at < thanks.at


async def test_a_click_the_database_cannot_keep_gets_an_error_and_counts_when_clicked_again(
    slack: Workspace,
) -> None:
    [answer] = await slack.dm(CLARA, FRIEND_REQUEST)
    await _rename(slack, "inbox", "inbox_away")
    mark = len(slack.fake.calls)
    form = slack.click_form(CLARA, answer, "Helpful")
    # Not kept, so not acknowledged: Slack marks the button as failed (it does not retry a
    # click), and the message keeps its buttons.
    assert await slack.post(form, FORM) == 500
    assert slack.fake.since(mark) == []
    await _rename(slack, "inbox_away", "inbox")
    again = await slack.click(CLARA, answer, "Helpful")  # a new click on the same button
    assert [c.method for c in again] == ["chat.update", "chat.postMessage"]
    assert await _votes(slack) == [("clara-testwell", True)]


async def test_a_stranger_clicking_in_their_dm_is_told_whom_to_ask(slack: Workspace) -> None:
    [told] = await slack.dm(STRANGER, "hello")
    button = {
        "type": "button",
        "action_id": "choice-0",
        "text": {"type": "plain_text", "text": "Help"},
        "value": "help",
    }
    blocks = [*told.args["blocks"], {"type": "actions", "elements": [button]}]
    shown = Call("chat.postMessage", told.args | {"blocks": blocks}, result=told.result)
    [again] = _posted(await slack.click(STRANGER, shown, "Help"))
    assert "can't find your Slack account in the trust directory" in again.text
    assert again.args["channel"] == "D0GUEST99"


async def test_clicks_outside_a_dm_are_answered_where_they_were_clicked_from_the_inbox(
    slack: Workspace,
) -> None:
    # A private /policy answer in the DM: only its response_url can replace it.
    [private] = await slack.command(CLARA, FRIEND_REQUEST)
    replaced, thanks = await slack.click(CLARA, private, "Not helpful", in_channel="D0DEMO003")
    assert (replaced.method, thanks.method) == ("response_url", "response_url")
    assert replaced.args["replace_original"] is True and "✓ Not helpful" in replaced.text
    # An answer in a channel thread, after a mention: the click is answered in that thread.
    ts = _ts()
    mention = {
        "type": "app_mention",
        "channel": "C0STAFF01",
        "user": CLARA,
        "text": f"<@{BOT_USER}> {FRIEND_REQUEST}",
        "ts": ts,
    }
    await slack.event(mention)
    [answer] = [c for c in slack.fake.to("chat.postMessage") if c.args["channel"] == "C0STAFF01"]
    [shown] = _posted(await slack.click(CLARA, answer, "Also:"))
    assert (shown.args["channel"], shown.args["thread_ts"]) == ("C0STAFF01", ts)
    assert _key(shown) == f"inbox:slack:click:C0STAFF01:{answer.result['ts']}:1"
    async with slack.core.database.engine.connect() as db:
        keys = [r.key.split(":")[1] for r in await db.execute(select(inbox.c.key))]
    assert sorted(keys) == ["click", "click", "command", "event"]


async def test_a_dm_click_over_socket_mode_goes_through_the_inbox_too(
    fake: FakeSlack, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'policybot.db'}"
    async with serving(fake, db, SLACK_SIGNING_SECRET=None, SLACK_APP_TOKEN=APP_TOKEN) as slack:
        await fake.push("events_api", _socket_dm(FRIEND_REQUEST))
        await fake.wait_for(lambda: bool(fake.to("chat.postMessage")))
        await slack.adapter.settle()
        [answer] = fake.to("chat.postMessage")
        form = slack.click_form(CLARA, answer, "Helpful")
        payload = json.loads(parse_qs(form)["payload"][0])
        envelope = await fake.push("interactive", payload)
        await fake.wait_for(lambda: envelope in fake.socket_acks)
        await fake.wait_for(lambda: len(fake.to("chat.postMessage")) == 2)
        await slack.adapter.settle()
        again = await fake.push("interactive", payload)  # delivered again: answered once
        await fake.wait_for(lambda: again in fake.socket_acks)
        await slack.adapter.settle()
    _, thanks = fake.to("chat.postMessage")
    assert thanks.text.startswith("Thanks, glad it helped.")
    assert _key(thanks) == f"inbox:slack:click:D0DEMO003:{answer.result['ts']}:1"
    assert len(fake.to("chat.update")) == 1


def _socket_dm(text: str) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "D0DEMO003",
        "user": CLARA,
        "text": text,
        "ts": _ts(),
    }
    return {"type": "event_callback", "team_id": "T0DEMO", "event_id": "Ev0SOCK2", "event": event}


def _click(container: dict[str, Any], action_id: str = "choice-1") -> dict[str, Any]:
    """A click as Slack sends it (its payload), on a message in `container`."""
    button = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": "Helpful"},
        "value": "feedback:up:clause-1:intent-1:can I friend a parent",
    }
    return {
        "type": "block_actions",
        "user": {"id": CLARA},
        "channel": {"id": container.get("channel_id"), "name": "directmessage"},
        "container": {"type": "message", "message_ts": "1700000000.000100"} | container,
        "response_url": "https://hooks.slack.com/actions/T0DEMO/1/abc",
        "actions": [button],
        "message": {"text": "An answer", "blocks": [{"type": "actions", "elements": [button]}]},
    }


@pytest.mark.parametrize(
    ("container", "action_id", "answered_in"),
    [
        ({"channel_id": "D0DEMO003"}, "choice-1", None),
        ({"channel_id": "D0DEMO003", "is_ephemeral": True}, "choice-1", "response_url"),
        ({"channel_id": "C0STAFF01"}, "choice-1", "channel"),
        ({"channel_id": "D0DEMO003"}, "someone-elses-button", "not kept"),
        ({"channel_id": None}, "choice-1", "not kept"),
        ({"channel_id": None, "is_ephemeral": True}, "choice-1", "response_url"),
    ],
    ids=[
        "in the DM",
        "private answer",
        "in a channel",
        "not one of our buttons",
        "on no message",
        "private answer in no channel",
    ],
)
def test_clicks_on_our_buttons_are_kept_with_where_they_are_answered(
    container: dict[str, Any], action_id: str, answered_in: str | None
) -> None:
    seal = Seal("xoxb-a-token")
    event = kept_click(_click(container, action_id), seal, NOW)
    assert (event is None) == (answered_in == "not kept")
    if event is not None:
        key, platform, conversation, payload = event
        channel = container["channel_id"] or "private"
        assert (key, platform) == (f"slack:click:{channel}:1700000000.000100", "slack")
        assert conversation == f"slack:{CLARA}"  # all of Clara's events: kept in order
        assert set(payload) == {"click", "user"} | ({"to"} if answered_in else {"dm"})
        if answered_in == "response_url":  # sealed: whoever holds it may post to Clara
            assert "hooks.slack.com" not in json.dumps(payload)
            assert seal.open(payload["to"]["response_url"]).startswith("https://hooks.slack")
        if answered_in == "channel":
            assert payload["to"] == {"platform": "slack", "channel": channel, "thread_ts": None}
        click = json.loads(seal.open(payload["click"]))
        assert click["value"] == "feedback:up:clause-1:intent-1:can I friend a parent"
        assert click["blocks"][-1]["elements"][0]["text"] == "✓ Helpful"
        assert "friend" not in json.dumps(payload)
