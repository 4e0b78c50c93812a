"""Staff using Slack, as Slack delivers it to a real `serve` over HTTP: numbered events, each
signed as Slack signs it, and how to tell from the local Slack (tests/fake_slack.py) whether
each was answered, and how many times.

Event n is, by n: a direct message, a mention of the bot in a channel, a /policy command, a
click on a button in the sender's DM, in a channel thread, or on a private (ephemeral) answer.
A direct message, a mention and a click outside a private answer are answered with messages
that carry their outbox key (Slack keeps it, so a copy can be found again); a command and a
click on a private answer are answered through their response_url, which Slack keeps no
record of.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bot.model.records import OutboxItem
from tests.fake_slack import BOT_USER, Call, FakeSlack

SIGNING_SECRET = "local-test-signing-secret"
SENDERS = ("U0DEMO001", "U0DEMO003", "U0DEMO006", "U0DEMO009", "U0DEMO010", "U0DEMO012")
TEXTS = ("hello", "can I accept a friend request from a parent?", "thanks", "who is the DSO?")
CHANNEL = "C0STAFF01"
FORM = "application/x-www-form-urlencoded"
PRIVATE = ("command", "private click")
"""The kinds answered through a response_url."""


def kind(n: int) -> str:
    """What event n is: half direct messages, an eighth each mentions and /policy, a quarter
    clicks (half of them in DMs, a quarter each in channel threads and on private answers)."""
    return {
        1: "mention",
        3: "dm click",
        5: "command",
        7: "private click" if n % 16 == 7 else "thread click",
    }.get(n % 8, "dm")


def sender(n: int) -> str:
    """The Slack user who sends event n."""
    return SENDERS[n % len(SENDERS)]


def ts(n: int, part: int) -> str:
    """A message timestamp belonging to event n."""
    return f"{1_800_000_000 + n}.{part:06d}"


def response_url_name(n: int) -> str:
    """The name of the response_url of event n, a command or a click on a private answer."""
    return f"{kind(n).replace(' ', '-')}-{n}"


def inbox_key(n: int) -> str:
    """The inbox key of event n: its event id, its trigger id, or the clicked message."""
    match kind(n):
        case "dm" | "mention":
            return f"slack:event:Ev{n:06d}"
        case "command":
            return f"slack:command:trigger-{n}"
        case "dm click":
            return f"slack:click:D{sender(n)[1:]}:{ts(n, 200)}"
        case _:
            return f"slack:click:{CHANNEL}:{ts(n, 200)}"


def signed(body: str, content_type: str) -> tuple[bytes, dict[str, str]]:
    """The body and the headers Slack sends it with, signed now."""
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return body.encode(), headers


def request(n: int, fake: FakeSlack) -> tuple[bytes, dict[str, str]]:
    """Event n as Slack POSTs it to /slack/events."""
    match kind(n):
        case "dm" | "mention":
            return signed(json.dumps(event_callback(n)), "application/json")
        case "command":
            return signed(urlencode(command(n, fake)), FORM)
        case _:
            return signed(urlencode({"payload": json.dumps(click(n, fake))}), FORM)


def event_callback(n: int) -> dict[str, Any]:
    """A direct message to the bot, or a mention of it in a channel."""
    user, text = sender(n), TEXTS[n % len(TEXTS)]
    event = {"type": "message", "channel_type": "im", "channel": "D" + user[1:], "user": user}
    if kind(n) == "mention":
        event = {"type": "app_mention", "channel": CHANNEL, "user": user}
        text = f"<@{BOT_USER}> {text}"
    return {
        "type": "event_callback",
        "team_id": "T0DEMO",
        "event_id": f"Ev{n:06d}",
        "event": event | {"text": text, "ts": ts(n, 100)},
    }


def command(n: int, fake: FakeSlack) -> dict[str, str]:
    """`/policy <text>`, typed in a channel."""
    return {
        "command": "/policy",
        "text": TEXTS[n % len(TEXTS)],
        "team_id": "T0DEMO",
        "channel_id": CHANNEL,
        "user_id": sender(n),
        "response_url": fake.response_url(response_url_name(n)),
        "trigger_id": f"trigger-{n}",
    }


def click(n: int, fake: FakeSlack) -> dict[str, Any]:
    """A click on "Help" under an earlier answer: in the DM, in a thread, or a private one."""
    user, where = sender(n), kind(n)
    channel = "D" + user[1:] if where == "dm click" else CHANNEL
    button = {
        "type": "button",
        "action_id": "choice-0",
        "text": {"type": "plain_text", "text": "Help"},
        "value": "help",
    }
    container = {"type": "message", "channel_id": channel, "message_ts": ts(n, 200)}
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0DEMO"},
        "user": {"id": user},
        "channel": {"id": channel},
        "container": container,
        "trigger_id": f"trigger-{n}",
        "response_url": fake.response_url(response_url_name(n)),
        "actions": [button | {"block_id": "choices-0", "action_ts": ts(n, 300)}],
    }
    if where == "private click":  # Slack sends no copy of an ephemeral message
        container["is_ephemeral"] = True
        return payload
    answer = {"type": "section", "text": {"type": "mrkdwn", "text": "Anything else?"}}
    message = {"type": "message", "ts": ts(n, 200), "text": "Anything else?"}
    message["blocks"] = [answer, {"type": "actions", "elements": [button]}]
    if where == "thread click":
        message["thread_ts"] = ts(n, 100)
    return payload | {"message": message}


class Slack:
    """Slack's side of the Events API: send each event until `serve` acknowledges it."""

    def __init__(self, url: str, fake: FakeSlack) -> None:
        self.url = url
        self.fake = fake
        self.acked: set[int] = set()
        self.attempts = 0

    async def deliver(self, http: aiohttp.ClientSession, numbers: Iterable[int]) -> None:
        """Send these events, concurrently; those not answered 200 stay unacknowledged."""

        async def one(n: int) -> None:
            body, headers = request(n, self.fake)
            self.attempts += 1
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.post(self.url, data=body, headers=headers) as response:
                    if response.status == 200:
                        self.acked.add(n)

        await asyncio.gather(*(one(n) for n in numbers))

    def waiting(self, upto: int) -> list[int]:
        """Events sent so far that were never acknowledged: Slack retries an event (and a
        person whose command or click failed tries again)."""
        return [n for n in range(upto) if n not in self.acked]


def private_answers(fake: FakeSlack, n: int) -> list[Call]:
    """The answers posted through event n's response_url (not the clicked message replaced)."""
    return [c for c in fake.posted_to(response_url_name(n)) if not c.args["replace_original"]]


def answered(fake: FakeSlack, numbers: Iterable[int]) -> set[int]:
    """The events whose first answer reached Slack."""
    posted = set(fake.posted_keys())
    return {
        n
        for n in numbers
        if (private_answers(fake, n) if kind(n) in PRIVATE else f"inbox:{inbox_key(n)}:1" in posted)
    }


def posted_twice(fake: FakeSlack, numbers: Iterable[int], rows: list[OutboxItem]) -> list[int]:
    """The events with an answer posted more than once: a keyed message twice, or more private
    answers than the event has replies in the outbox."""
    twice = {k for k, times in Counter(fake.posted_keys()).items() if times > 1}
    replies = Counter(r.key.rsplit(":", 1)[0].removeprefix("inbox:") for r in rows)
    return [
        n
        for n in numbers
        if any(k.startswith(f"inbox:{inbox_key(n)}:") for k in twice)
        or (kind(n) in PRIVATE and len(private_answers(fake, n)) > replies[inbox_key(n)])
    ]
