"""Slack messages for the outbox, each tagged with its outbox key so it is never sent twice.

A message goes to the person's DM, or to its address (addresses.py): the thread of the mention
it answers, or the response_url of the /policy command or click it answers (privately). Every
posted message carries the key in its message metadata. When a message may already have been
posted by a process that died before recording it, the DM's or the thread's recent messages are
read (at most `lookback`, none from before the message was queued) and a copy carrying the key
counts as delivered. A private answer can't be read back, so one whose process died after Slack
took it but before it was recorded is shown again; one whose response_url Slack no longer takes
(30 minutes on, or used up) goes to the DM instead.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.sealing import Seal, opened_choices
from adapters.slack import response_url
from adapters.slack.addresses import ResponseUrl, Thread, destination
from adapters.slack.blocks import message
from adapters.slack.client import describe, error_code
from adapters.slack.people import SlackPeople
from adapters.slack.settings import HISTORY_LOOKBACK
from bot.core.messages import Reply
from bot.model.directory import Person
from bot.model.records import Address, Clock, DeliveryError

log = logging.getLogger(__name__)

EVENT_TYPE = "policybot_outbox"
"""The metadata event type of every outbox message; its payload is {"key": <outbox key>}."""
HISTORY_PAGE = 200
"""Messages asked for per conversations.history call (Slack's recommended maximum)."""
CLOCK_MARGIN = timedelta(minutes=10)
"""How far before the message was queued the history is still read, for clocks that differ."""
_CANNOT_READ = {"missing_scope", "not_allowed_token_type", "channel_not_found", "not_in_channel"}
_FAILURES = (SlackClientError, aiohttp.ClientError, TimeoutError, ValueError)
"""Slack failures, and a sealed value that no longer opens (Unopenable is a ValueError)."""


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
    """Posts the outbox's messages: in a person's DM (opened if need be), or at an address."""

    name = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        people: SlackPeople,
        lookback: int = HISTORY_LOOKBACK,
        seal: Seal | None = None,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.people = people
        self.lookback = lookback
        self.seal = seal
        """Opens what waits in the outbox sealed: choices of inbox answers, response_urls."""
        self.clock = clock
        self._dms: dict[str, str] = {}
        """Slack user id -> their DM with the bot (a DM's id never changes)."""

    async def reaches(self, person: Person) -> bool:
        """True for people with a Slack id in the directory or one learned from their email."""
        return await self.people.slack_id(person) is not None

    async def send(
        self, person: Person, reply: Reply, key: str, address: Address | None = None
    ) -> None:
        """Deliver the reply, tagged with its outbox key, at its address or else in the person's
        DM; a failure raises DeliveryError."""
        if self.seal is not None:
            reply = opened_choices(reply, self.seal)  # as the inbox's answers wait in the outbox
        try:
            if address is not None and await self.post_at(address, reply, key):
                return
            channel = await self._dm(person)
            await self.client.chat_postMessage(
                channel=channel, metadata=outbox_metadata(key), **message(reply)
            )
        except response_url.ResponseUrlFailed as exc:
            raise DeliveryError(f"slack: {exc}") from exc
        except _FAILURES as exc:
            raise DeliveryError(f"slack: {describe(exc)}") from exc

    async def post_at(self, address: Address, reply: Reply, key: str | None = None) -> bool:
        """Post the reply at the address (tagged with the outbox key, when given): True once
        posted, False when a response_url no longer takes it (the DM is the place then)."""
        where = destination(address, self.seal)
        if isinstance(where, Thread):
            await self.client.chat_postMessage(
                channel=where.channel,
                thread_ts=where.thread_ts,
                metadata=None if key is None else outbox_metadata(key),
                **message(reply),
            )
            return True
        if self.clock() >= where.until:
            log.info("slack: a private answer's response_url has run out; answering in the DM")
            return False
        try:
            await response_url.respond(where.url, message(reply), self.client.session)
        except response_url.Refused as exc:
            log.warning("slack: %s; answering in the DM instead", exc)
            return False
        return True

    async def already_delivered(
        self, person: Person, key: str, since: datetime, address: Address | None = None
    ) -> bool:
        """True when the person's DM, or the thread the message is addressed to, shows a message
        with this outbox key, posted since `since`. A private answer can't be seen: only its
        copy in the DM (where it goes once its response_url is no longer taken) is looked for."""
        try:
            where = None if address is None else destination(address, self.seal)
            if isinstance(where, Thread):
                return await self._in_history(where.channel, key, since, where.thread_ts)
            if isinstance(where, ResponseUrl) and self.clock() < where.until:
                return False  # not run out, so not posted in the DM either
            return await self._in_history(await self._dm(person), key, since)
        except SlackApiError as exc:
            if error_code(exc) not in _CANNOT_READ:
                raise DeliveryError(f"slack: {describe(exc)}") from exc
            # Without the history scope nothing can be checked: sending beats never delivering.
            log.warning("slack: can't read back to check for an earlier copy: %s", describe(exc))
            return False
        except _FAILURES as exc:
            raise DeliveryError(f"slack: {describe(exc)}") from exc

    def knows_dm(self, user: str, channel: str) -> None:
        """Remember a Slack user's DM with the bot, as a direct message from them names it, so
        answering them opens nothing."""
        self._dms.setdefault(user, channel)

    async def dm_of(self, user: str) -> str:
        """The Slack user's DM with the bot, opened (once) if need be."""
        if user not in self._dms:
            opened = await self.client.conversations_open(users=user)
            self._dms[user] = str(opened["channel"]["id"])
        return self._dms[user]

    async def _dm(self, person: Person) -> str:
        user = await self.people.slack_id(person)
        if user is None:
            raise DeliveryError(f"{person.id} has no Slack id in the trust directory")
        return await self.dm_of(user)

    async def _in_history(
        self, channel: str, key: str, since: datetime, thread_ts: str | None = None
    ) -> bool:
        """Read the conversation (newest first) or the thread (oldest first), at most `lookback`
        messages, looking for the key."""
        oldest = f"{(since - CLOCK_MARGIN).timestamp():.6f}"
        cursor: str | None = None
        read = 0
        while read < self.lookback:
            limit = min(HISTORY_PAGE, self.lookback - read)
            page = await self._page(channel, thread_ts, oldest, limit, cursor)
            messages = page.get("messages") or []
            if any(outbox_key(m) == key for m in messages):
                return True
            read += len(messages)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not messages or not page.get("has_more") or cursor is None:
                return False
        log.info("slack: no copy of %s in the last %d messages read", key, self.lookback)
        return False

    async def _page(
        self, channel: str, thread_ts: str | None, oldest: str, limit: int, cursor: str | None
    ) -> Any:
        """One page of a conversation's history, or of a thread's replies."""
        page: dict[str, Any] = {
            "channel": channel,
            "oldest": oldest,
            "limit": limit,
            "include_all_metadata": True,
            "cursor": cursor,
        }
        if thread_ts is None:
            return await self.client.conversations_history(**page)
        return await self.client.conversations_replies(ts=thread_ts, **page)
