"""What /slack/events accepts before Bolt sees it: a valid signature first (so nothing is
parsed for a stranger), then a body of the shape Slack sends. Anything else is a 4xx."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier


def signed(body: str, headers: Mapping[str, str], secret: str) -> bool:
    """True when the request carries a valid, recent Slack signature for this body."""
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not stamp.isdecimal() or not signature.isascii():
        return False
    return SignatureVerifier(secret).is_valid(body=body, timestamp=stamp, signature=signature)


def problem(body: str, content_type: str) -> str | None:
    """Why the body is not something Slack sends, or None when it is."""
    try:
        data = _payload(body, content_type)
    except (ValueError, RecursionError):
        return "not JSON"
    if data is _COMMAND:
        return None
    if not isinstance(data, dict):
        return "not a JSON object"
    if data.get("type") == "event_callback":
        return _event_problem(data.get("event"))
    if data.get("type") == "block_actions" and not (
        isinstance(data.get("actions"), list) and data["actions"]
    ):
        return "a click with no action"
    return None


def _event_problem(event: Any) -> str | None:
    if not isinstance(event, dict):
        return "an event that is not an object"
    if not isinstance(event.get("text", ""), str):
        return "a message whose text is not text"
    if event.get("type") in ("message", "app_mention") and not isinstance(
        event.get("channel"), str
    ):
        return "a message with no channel"
    return None


_COMMAND = object()
"""A slash command: a plain form, with no JSON payload."""


def _payload(body: str, content_type: str) -> Any:
    if content_type == "application/json":
        return json.loads(body)
    form = parse_qs(body)
    if "payload" not in form:
        return _COMMAND
    return json.loads(form["payload"][0])
