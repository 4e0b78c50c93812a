"""Slack direct messages through the inbox: kept before Slack hears 200, answered from there.

`kept_event` picks the events that go through the inbox (a person's direct message to the
bot) out of a verified request body and returns what is kept of them: the Slack user and the
text, credentials masked (`keepable`, so a pasted password is never written anywhere) and
sealed (so the database never holds what people wrote in readable form).
`SlackRespondent` answers a kept event as the directory person behind the Slack user.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.replies import SORRY, Handle, not_in_directory
from adapters.sealing import Seal
from adapters.slack.blocks import message, plain_text
from adapters.slack.home import ACCOUNT
from adapters.slack.people import SlackPeople
from bot.core.messages import Message, Reply
from bot.core.secrets import keepable
from bot.jobs.answering import Answered, Event
from bot.model.directory import Directory

PLATFORM = "slack"


def kept_event(body: str, content_type: str, bot_user_id: str | None, seal: Seal) -> Event | None:
    """The inbox entry for a person's direct message to the bot, or None for anything else.

    The body has passed `inbound.problem`, so an event's fields have the types Slack sends."""
    if content_type != "application/json":
        return None
    return kept_message(json.loads(body), bot_user_id, seal)


def kept_message(data: dict[str, Any], bot_user_id: str | None, seal: Seal) -> Event | None:
    """The inbox entry for an Events API body holding a direct message, or None."""
    event = data.get("event") if data.get("type") == "event_callback" else None
    if not isinstance(event, dict) or not data.get("event_id"):
        return None
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") or event.get("bot_id"):
        return None  # edits, joins, and bots (this one included)
    user = event["user"]
    text = keepable(plain_text(event.get("text", ""), bot_user_id))
    key = f"slack:event:{data['event_id']}"
    return key, PLATFORM, f"slack:{user}", {"user": user, "text": seal.seal(text)}


class SlackRespondent:
    """Answers a kept direct message as the directory person behind the Slack user."""

    name = PLATFORM

    def __init__(
        self,
        handle: Handle,
        people: SlackPeople,
        directory: Directory,
        client: AsyncWebClient,
        seal: Seal,
    ) -> None:
        self.handle = handle
        self.seal = seal
        self.people = people
        self.directory = directory
        self.client = client

    async def respond(self, payload: dict[str, Any]) -> Answered | None:
        """The core's replies; someone outside the directory is told whom to ask, here."""
        person = await self.people.person(payload["user"])
        if person is None:
            await self._post(payload["user"], [not_in_directory(self.directory, ACCOUNT)])
            return None
        text = self.seal.open(payload["text"])
        return Answered(person, await self.handle(Message(person.id, text)))

    async def apologise(self, payload: dict[str, Any]) -> None:
        """SORRY, in the person's DM."""
        await self._post(payload["user"], [Reply(SORRY)])

    async def _post(self, user: str, replies: Sequence[Reply]) -> None:
        opened = await self.client.conversations_open(users=user)
        for reply in replies:
            await self.client.chat_postMessage(channel=opened["channel"]["id"], **message(reply))
