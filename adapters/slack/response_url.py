"""Posting through a response_url: the only way to show, or change, an ephemeral message (the
private answers to /policy and the clicks on them).

Slack answers a post with 200, or a 4xx once it takes nothing more through the URL (older than
30 minutes, or used five times): `Refused`, after which the answer goes to the person's DM. A
5xx, a 429 or no answer at all may pass: `ResponseUrlFailed`, retried by the outbox.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

TIMEOUT_SECONDS = 10


class Refused(Exception):
    """Slack takes nothing more through this response_url."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"response_url answered {status} {body[:40]}".strip())
        self.status = status


class ResponseUrlFailed(Exception):
    """The post may have failed for a while only (a 5xx or 429): worth trying again."""

    def __init__(self, status: int) -> None:
        super().__init__(f"response_url answered {status}")


async def post(url: str, body: dict[str, Any], session: aiohttp.ClientSession | None) -> None:
    """POST the message body to the response_url; Refused or ResponseUrlFailed when Slack did not
    take it (a connection failure raises aiohttp's error)."""
    webhook = AsyncWebhookClient(url, timeout=TIMEOUT_SECONDS, session=session)
    response = await webhook.send_dict(body)
    status = response.status_code
    if status == 200:
        return
    if 400 <= status < 500 and status != 429:
        raise Refused(status, response.body or "")
    raise ResponseUrlFailed(status)


async def respond(url: str, message: dict[str, Any], session: aiohttp.ClientSession | None) -> None:
    """Show the message to the person privately, below the message the URL came with."""
    body = {"response_type": "ephemeral", "replace_original": False, **message}
    await post(url, body, session)


async def replace(url: str, message: dict[str, Any], session: aiohttp.ClientSession | None) -> None:
    """Replace the (ephemeral) message the URL came with by this one."""
    await post(url, {"replace_original": True, **message}, session)
