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
    if data is _COMMAND:  # its fields are text, but Bolt looks inside some of them too
        form = parse_qs(body, keep_blank_values=True)  # as Bolt reads it
        return _bolt_problem({key: values[0] for key, values in form.items()})
    if data is _NOT_A_COMMAND:
        return "a form that is neither a command nor a payload"
    if not isinstance(data, dict):
        return "not a JSON object"
    if (shape := _bolt_problem(data)) is not None:
        return shape
    if data.get("type") == "event_callback":
        return _event_problem(data.get("event"))
    if data.get("type") == "block_actions":
        return _click_problem(data)
    return None


_EVENT_TEXT = ("text", "ts", "thread_ts", "subtype", "channel_type", "tab", "bot_id")
"""Event fields the listeners read as text."""


def _event_problem(event: Any) -> str | None:
    if not isinstance(event, dict):
        return "an event that is not an object"
    if not isinstance(event.get("text", ""), str):
        return "a message whose text is not text"
    if any(event.get(key) is not None and not isinstance(event[key], str) for key in _EVENT_TEXT):
        return "an event with a field that should be text"
    kind = event.get("type")
    if kind in ("message", "app_mention") and not isinstance(event.get("channel"), str):
        return "a message with no channel"
    from_someone = not (event.get("subtype") or event.get("bot_id"))
    if kind in ("message", "app_mention", "app_home_opened") and from_someone:
        if not isinstance(event.get("user"), str):
            return "an event from no user"
        if kind == "app_mention" and not isinstance(event.get("ts"), str):
            return "a mention with no timestamp"
    return None


def _click_problem(data: dict[str, Any]) -> str | None:
    actions = data.get("actions")
    if not (isinstance(actions, list) and actions):
        return "a click with no action"
    for action in actions:
        label = action.get("text") if isinstance(action, dict) else None
        if not (isinstance(label, dict) and isinstance(label.get("text"), str)):
            return "a click on a button with no label"
        if not isinstance(action.get("value"), str):
            return "a click on a button with no value"
    user = data.get("user")
    if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        return "a click from no user"
    container = data.get("container", {})
    if not container.get("is_ephemeral") and not all(
        isinstance(container.get(key), str) for key in ("channel_id", "message_ts")
    ):
        return "a click on no message"
    message = data.get("message") or {}
    blocks = message.get("blocks", [])
    if not (isinstance(blocks, list) and all(isinstance(b, dict) for b in blocks)):
        return "a click on a message whose blocks are not objects"
    if not isinstance(message.get("text") or "", str):
        return "a click on a message whose text is not text"
    return None


_NESTED = ("event", "message", "previous_message", "item", "view", "container", "assistant_thread")
"""Objects Bolt looks inside for ids: they must be objects when present."""
_IDS = ("channel", "user", "team")
"""Fields Bolt reads as an id or as an object holding one."""


def _bolt_problem(data: dict[str, Any], depth: int = 0) -> str | None:
    """Why Bolt could not find the team, user and channel ids in this payload, or None."""
    for key in _IDS:
        if data.get(key) is not None and not isinstance(data[key], str | dict):
            return f"a {key} that is neither an id nor an object"
    authorizations = data.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations that are not a list of objects"
    for key in _NESTED:
        if key not in data:
            continue
        if not isinstance(data[key], dict):
            return f"a {key} that is not an object"
        if depth < 3 and (problem := _bolt_problem(data[key], depth + 1)) is not None:
            return problem
    return None


_COMMAND = object()
"""A slash command (or Slack's SSL check): a plain form, with no JSON payload."""
_NOT_A_COMMAND = object()
"""A plain form with no user: not a command Slack sends."""


def _payload(body: str, content_type: str) -> Any:
    if content_type == "application/json":
        return json.loads(body)
    form = parse_qs(body)
    if "payload" not in form:
        return _COMMAND if "user_id" in form or "ssl_check" in form else _NOT_A_COMMAND
    return json.loads(form["payload"][0])
