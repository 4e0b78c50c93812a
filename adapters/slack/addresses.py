"""Where a Slack answer from the inbox goes when not to the person's DM, kept with each reply
in the outbox (`Address`): the thread of a mention in a channel, or the response_url of a
/policy command or of a click on its private answer.

A response_url is a capability (whoever holds it can post to the person for a while), so it
is kept sealed; Slack takes posts to it for 30 minutes, and `until` says when it is no longer
worth trying (the answer then goes to the person's DM instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.sealing import Seal
from bot.model.records import Address

PLATFORM = "slack"
RESPONSE_URL_LIFETIME = timedelta(minutes=30)
"""How long Slack takes posts to a command's or a click's response_url (five at most)."""
RESPONSE_URL_MARGIN = timedelta(minutes=1)
"""Given up this much before Slack's 30 minutes, for clocks that differ and posts in flight."""


@dataclass(frozen=True, slots=True)
class Thread:
    """A channel, and the thread in it (None: the channel itself)."""

    channel: str
    thread_ts: str | None


@dataclass(frozen=True, slots=True)
class ResponseUrl:
    """A response_url, opened, and the moment it is no longer worth posting to."""

    url: str
    until: datetime


def in_thread(channel: str, thread_ts: str | None) -> Address:
    """The address of a thread in a channel."""
    return {"platform": PLATFORM, "channel": channel, "thread_ts": thread_ts}


def through_response_url(url: str, received: datetime, seal: Seal) -> Address:
    """The address of a response_url received at `received`, the URL sealed."""
    until = received + RESPONSE_URL_LIFETIME - RESPONSE_URL_MARGIN
    return {"platform": PLATFORM, "response_url": seal.seal(url), "until": until.isoformat()}


def destination(address: Address, seal: Seal | None) -> Thread | ResponseUrl:
    """What an address says, its response_url opened; ValueError for one this can't read."""
    if isinstance(url := address.get("response_url"), str):
        if seal is None:
            raise ValueError("a response_url address, and nothing to open it with")
        return ResponseUrl(seal.open(url), datetime.fromisoformat(str(address["until"])))
    channel, thread_ts = address.get("channel"), address.get("thread_ts")
    if not isinstance(channel, str) or not isinstance(thread_ts, str | None):
        raise ValueError("an address with no channel")
    return Thread(channel, thread_ts)
