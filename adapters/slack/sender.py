"""Proactive Slack DMs for the outbox, each tagged with its outbox key so it is never sent twice.

Every DM carries the key in its message metadata. When a message may already have been posted
by a process that died before recording it, the DM's recent history is read (newest first, at
most `lookback` messages, none from before the message was queued) and a copy carrying the key
counts as delivered.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.sealing import Seal, opened_choices
from adapters.slack.blocks import message
from adapters.slack.client import describe, error_code
from adapters.slack.people import SlackPeople
from adapters.slack.settings import HISTORY_LOOKBACK
from bot.core.messages import Reply
from bot.model.directory import Person
from bot.model.records import DeliveryError

log = logging.getLogger(__name__)

EVENT_TYPE = "policybot_outbox"
"""The metadata event type of every outbox message; its payload is {"key": <outbox key>}."""
HISTORY_PAGE = 200
"""Messages asked for per conversations.history call (Slack's recommended maximum)."""
CLOCK_MARGIN = timedelta(minutes=10)
"""How far before the message was queued the history is still read, for clocks that differ."""
_CANNOT_READ = {"missing_scope", "not_allowed_token_type", "channel_not_found", "not_in_channel"}
_FAILURES = (SlackClientError, aiohttp.ClientError, TimeoutError, ValueError)


def outbox_metadata(key: str) -> dict[str, Any]:
    """chat.postMessage's `metadata` for an outbox message."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def outbox_key(posted: dict[str, Any]) -> str | None:
    """The outbox key a message from conversations.history carries, if any."""
    metadata = posted.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return None
    key = (metadata.get("event_payload") or {}).get("key")
    return key if isinstance(key, str) else None


class SlackSender:
    """Messages people unprompted: opens a DM with them, then posts the reply there."""

    name = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        people: SlackPeople,
        lookback: int = HISTORY_LOOKBACK,
        seal: Seal | None = None,
    ) -> None:
        self.client = client
        self.people = people
        self.lookback = lookback
        self.seal = seal
        """Opens the choices of replies that waited in the outbox sealed (inbox answers)."""
        self._dms: dict[str, str] = {}
        """Slack user id -> their DM with the bot (a DM's id never changes)."""

    async def reaches(self, person: Person) -> bool:
        """True for people with a Slack id in the directory or one learned from their email."""
        return await self.people.slack_id(person) is not None

    async def send(self, person: Person, reply: Reply, key: str) -> None:
        """Deliver the reply as a DM tagged with its outbox key; a failure raises DeliveryError."""
        if self.seal is not None:
            reply = opened_choices(reply, self.seal)  # as the inbox's answers wait in the outbox
        try:
            channel = await self._dm(person)
            await self.client.chat_postMessage(
                channel=channel, metadata=outbox_metadata(key), **message(reply)
            )
        except _FAILURES as exc:
            raise DeliveryError(f"slack: {describe(exc)}") from exc

    async def already_delivered(self, person: Person, key: str, since: datetime) -> bool:
        """True when the person's DM shows a message with this outbox key, posted since `since`."""
        try:
            return await self._in_history(await self._dm(person), key, since)
        except SlackApiError as exc:
            if error_code(exc) not in _CANNOT_READ:
                raise DeliveryError(f"slack: {describe(exc)}") from exc
            # Without im:history nothing can be checked: sending beats never delivering.
            log.warning("slack: can't read the DM to check for an earlier copy: %s", describe(exc))
            return False
        except _FAILURES as exc:
            raise DeliveryError(f"slack: {describe(exc)}") from exc

    async def _dm(self, person: Person) -> str:
        user = await self.people.slack_id(person)
        if user is None:
            raise DeliveryError(f"{person.id} has no Slack id in the trust directory")
        if user not in self._dms:
            opened = await self.client.conversations_open(users=user)
            self._dms[user] = str(opened["channel"]["id"])
        return self._dms[user]

    async def _in_history(self, channel: str, key: str, since: datetime) -> bool:
        """Read the DM newest first, at most `lookback` messages, looking for the key."""
        oldest = f"{(since - CLOCK_MARGIN).timestamp():.6f}"
        cursor: str | None = None
        read = 0
        while read < self.lookback:
            page = await self.client.conversations_history(
                channel=channel,
                oldest=oldest,
                limit=min(HISTORY_PAGE, self.lookback - read),
                include_all_metadata=True,
                cursor=cursor,
            )
            messages = page.get("messages") or []
            if any(outbox_key(m) == key for m in messages):
                return True
            read += len(messages)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not messages or not page.get("has_more") or cursor is None:
                return False
        log.info("slack: no copy of %s in the last %d messages of its DM", key, self.lookback)
        return False
