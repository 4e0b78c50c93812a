"""Answering what Slack kept in the inbox (inbox.py) as the directory person behind the user.

The core's replies go back to the answering job with where they go (`Answered.address`): the
DM, the mention's thread, or the command's or click's response_url; it queues them in the
outbox and posts them. Someone outside the directory is told whom to ask, and a failed answer
gets SORRY, straight away in the same place.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackClientError

from adapters.replies import SORRY, Handle, not_in_directory
from adapters.sealing import Seal, sealed_choices
from adapters.slack import response_url
from adapters.slack.addresses import PLATFORM
from adapters.slack.blocks import message
from adapters.slack.client import describe
from adapters.slack.home import ACCOUNT
from adapters.slack.people import SlackPeople
from adapters.slack.sender import SlackSender
from bot.core.messages import Message, Reply
from bot.jobs.answering import Answered
from bot.model.directory import Directory

log = logging.getLogger(__name__)

_NOT_SHOWN = (
    SlackClientError,
    aiohttp.ClientError,
    TimeoutError,
    response_url.Refused,
    response_url.ResponseUrlFailed,
)


class SlackRespondent:
    """Answers a kept message, mention, command or click as the directory person behind it."""

    name = PLATFORM

    def __init__(
        self,
        handle: Handle,
        people: SlackPeople,
        directory: Directory,
        sender: SlackSender,
        seal: Seal,
    ) -> None:
        self.handle = handle
        self.seal = seal
        self.people = people
        self.directory = directory
        self.sender = sender
        self.client = sender.client

    async def respond(self, payload: dict[str, Any]) -> Answered | None:
        """The core's replies and where they go; someone outside the directory is told whom
        to ask, here.

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
        if "dm" in payload:
            self.sender.knows_dm(payload["user"], payload["dm"])
        person = await self.people.person(payload["user"])
        if person is None:
            await self._post(payload, [not_in_directory(self.directory, ACCOUNT)])
            return None
        replies = await self.handle(Message(person.id, text, value))
        log.info("slack: %s from %s answered (%d replies)", _kind(payload), person.id, len(replies))
        sealed = [sealed_choices(reply, self.seal) for reply in replies]
        return Answered(person, sealed, payload.get("to"))

    async def apologise(self, payload: dict[str, Any]) -> None:
        """SORRY, where the answer would have gone."""
        await self._post(payload, [Reply(SORRY)])

    async def _show_clicked(self, click: dict[str, Any]) -> None:
        shown = {"text": click["text"], "blocks": click["blocks"]}
        try:
            if "response_url" in click:  # a private answer: only its response_url changes it
                await response_url.replace(click["response_url"], shown, self.client.session)
            else:
                await self.client.chat_update(channel=click["channel"], ts=click["ts"], **shown)
        except _NOT_SHOWN as exc:  # the click stands
            log.warning("slack: clicked message not updated: %s", describe(exc))

    async def _post(self, payload: dict[str, Any], replies: Sequence[Reply]) -> None:
        """Post straight away (not through the outbox) where the event is answered."""
        address = payload.get("to")
        dm: str | None = None
        for reply in replies:
            if address is not None and await self.sender.post_at(address, reply):
                continue
            if dm is None:
                dm = await self.sender.dm_of(payload["user"])
            await self.client.chat_postMessage(channel=dm, **message(reply))


def _kind(payload: dict[str, Any]) -> str:
    """What was answered, for the log: a message, a mention, a command or a click."""
    to = payload.get("to") or {}
    if "click" in payload:
        return "click"
    if "response_url" in to:
        return "command"
    return "mention" if to else "message"
