"""Slack direct messages and clicks in them through the inbox: kept before Slack hears 200,
answered from there.

`kept_event` picks what goes through the inbox out of a verified request body and returns
what is kept of it:
- a person's direct message to the bot: the Slack user and the text, credentials masked
  (`keepable`, so a pasted password is never written anywhere) and sealed (so the database
  never holds what people wrote in readable form);
- a click on one of our buttons in a person's DM with the bot: the Slack user, the clicked
  choice value and how the clicked message is to be shown once answered (its text and blocks,
  the buttons replaced by "✓ label"), sealed likewise, as a vote's value carries the question
  voted on and the message may repeat what the person wrote.
A DM click is kept in the same conversation as the person's messages, so it is answered after
the message before it, never overtaking it. Clicks anywhere else (a thread after a mention, a
private /policy answer) stay with Bolt: their replies go where only their response_url or
thread reaches, not to the DM.

`SlackRespondent` answers a kept event as the directory person behind the Slack user.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.replies import SORRY, Handle, not_in_directory
from adapters.sealing import Seal, sealed_choices
from adapters.slack.blocks import CHOICE_ACTION, clicked, escape, message, plain_text
from adapters.slack.client import describe
from adapters.slack.home import ACCOUNT
from adapters.slack.people import SlackPeople
from bot.core.messages import Message, Reply
from bot.core.secrets import keepable
from bot.jobs.answering import Answered, Event
from bot.model.directory import Directory

log = logging.getLogger(__name__)

PLATFORM = "slack"


def kept_event(body: str, content_type: str, bot_user_id: str | None, seal: Seal) -> Event | None:
    """The inbox entry for a person's direct message to the bot or a click in their DM with
    it, or None for anything else.

    The body has passed `inbound.problem`, so it parses, and an event's or a click's fields
    have the types Slack sends."""
    if content_type == "application/json":
        return kept_message(json.loads(body), bot_user_id, seal)
    payload = parse_qs(body).get("payload")  # interactivity: a form holding one JSON payload
    return kept_click(json.loads(payload[0]), seal) if payload else None


def kept_message(data: dict[str, Any], bot_user_id: str | None, seal: Seal) -> Event | None:
    """The inbox entry for an Events API body holding a direct message, or None."""
    if not is_direct_message(data):
        return None
    event = data["event"]
    user = event["user"]
    text = keepable(plain_text(event.get("text", ""), bot_user_id))
    key = f"slack:event:{data['event_id']}"
    return key, PLATFORM, f"slack:{user}", {"user": user, "text": seal.seal(text)}


def kept_click(data: dict[str, Any], seal: Seal) -> Event | None:
    """The inbox entry for a click on one of our buttons in a person's DM with the bot, or None."""
    if not is_direct_click(data):
        return None
    user, container, original = data["user"]["id"], data["container"], data.get("message") or {}
    action = data["actions"][0]
    label, value = action["text"]["text"], action["value"]
    click = {
        "value": value,
        "channel": container["channel_id"],
        "ts": container["message_ts"],
        "text": original.get("text") or escape(label),
        "blocks": clicked(original.get("blocks", []), label),
    }
    key = click_key(container["channel_id"], container["message_ts"])
    return key, PLATFORM, f"slack:{user}", {"user": user, "click": seal.seal(json.dumps(click))}


def click_key(channel: str, message_ts: str) -> str:
    """What makes a click the same one again: one click per message, as its buttons are
    one-shot, even when clicked twice quickly (and a repeated delivery is the same click)."""
    return f"slack:click:{channel}:{message_ts}"


def is_direct_message(data: dict[str, Any]) -> bool:
    """True for an Events API body holding a person's direct message to the bot."""
    event = data.get("event") if data.get("type") == "event_callback" else None
    if not isinstance(event, dict) or not data.get("event_id"):
        return False
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return False
    return not (event.get("subtype") or event.get("bot_id"))  # edits, joins, bots (this one too)


def is_direct_click(data: dict[str, Any]) -> bool:
    """True for a click on one of our buttons on a message (not an ephemeral one, which only
    its response_url can change) in a DM: the bot's DM with the person who clicked, as the
    bot's buttons are in no other DM. DM ids start with D."""
    if data.get("type") != "block_actions":
        return False
    container, actions = data.get("container"), data.get("actions")
    if not (isinstance(container, dict) and isinstance(actions, list) and actions):
        return False
    action_id = actions[0].get("action_id") if isinstance(actions[0], dict) else None
    channel = container.get("channel_id")
    return (
        isinstance(action_id, str)
        and CHOICE_ACTION.match(action_id) is not None
        and not container.get("is_ephemeral")
        and isinstance(channel, str)
        and channel.startswith("D")
        and isinstance(container.get("message_ts"), str)
    )


class SlackRespondent:
    """Answers a kept direct message or DM click as the directory person behind the Slack user."""

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
        """The core's replies; someone outside the directory is told whom to ask, here.

        A click first shows the clicked message without its buttons (as it was clicked, so no
        one clicks twice); showing it again, when a claim ran out and the click is answered a
        second time, changes nothing."""
        text, value = "", None
        if "click" in payload:
            click = json.loads(self.seal.open(payload["click"]))
            await self._show_clicked(click)
            value = str(click["value"])
        else:
            text = self.seal.open(payload["text"])
        person = await self.people.person(payload["user"])
        if person is None:
            await self._post(payload["user"], [not_in_directory(self.directory, ACCOUNT)])
            return None
        replies = await self.handle(Message(person.id, text, value))
        what = "message" if value is None else "click"
        log.info("slack: %s from %s answered (%d replies)", what, person.id, len(replies))
        return Answered(person, [sealed_choices(reply, self.seal) for reply in replies])

    async def apologise(self, payload: dict[str, Any]) -> None:
        """SORRY, in the person's DM."""
        await self._post(payload["user"], [Reply(SORRY)])

    async def _show_clicked(self, click: dict[str, Any]) -> None:
        try:
            await self.client.chat_update(
                channel=click["channel"], ts=click["ts"], text=click["text"], blocks=click["blocks"]
            )
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("slack: clicked message not updated: %s", describe(exc))  # click stands

    async def _post(self, user: str, replies: Sequence[Reply]) -> None:
        opened = await self.client.conversations_open(users=user)
        for reply in replies:
            await self.client.chat_postMessage(channel=opened["channel"]["id"], **message(reply))
