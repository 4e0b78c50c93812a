"""What /api/messages accepts: before authentication only what authentication needs (the
activity's serviceUrl and channelId), after it an activity whose fields have the types the
handler reads. Each problem is named by kind, never by quoting the activity.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from botbuilder.schema import Activity

_OPTIONAL_TEXT = (
    "id",
    "replyToId",
    "text",
    "channelId",
    "locale",
    "action",
    "name",
    "textFormat",
    "timestamp",
    "localTimestamp",
)
_ACCOUNTS = ("from", "recipient")
_ACCOUNT_TEXT = ("id", "name", "aadObjectId", "role")
_LISTS = ("entities", "attachments", "membersAdded", "membersRemoved")


def auth_problem(body: Any) -> str | None:
    """Why the body is not an activity authentication can check, or None when it is."""
    if not isinstance(body, dict):
        return "expected a Bot Framework activity (a JSON object)"
    conversation = body.get("conversation")
    if not (
        isinstance(body.get("type"), str)
        and isinstance(body.get("serviceUrl"), str)
        and isinstance(conversation, dict)
        and isinstance(conversation.get("id"), str)
    ):
        return "expected a Bot Framework activity: type, serviceUrl and conversation.id"
    if not isinstance(body.get("channelId", ""), str):
        return "channelId should be text"
    url = urlsplit(body["serviceUrl"])
    if url.scheme not in ("http", "https") or not url.hostname:
        return "serviceUrl should be an http(s) URL"
    return None


def for_authentication(body: dict[str, Any]) -> Activity:
    """The activity as authentication sees it: where it came from, nothing of its content."""
    return Activity(service_url=body["serviceUrl"], channel_id=body.get("channelId"))


def activity(body: dict[str, Any]) -> Activity | str:
    """The whole activity, or why it is not one the handler can read (after authentication)."""
    if problem := _field_problem(body):
        return problem
    try:
        return Activity().deserialize(body)
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError):
        # msrest's DeserializationError (a ValueError) quotes the data: tell only its kind.
        return "a field of the activity has the wrong type or format"


def _field_problem(body: dict[str, Any]) -> str | None:
    for name in _OPTIONAL_TEXT:
        if body.get(name) is not None and not isinstance(body[name], str):
            return f"{name} should be text"
    for name in _ACCOUNTS:
        if (problem := _object_problem(body, name, _ACCOUNT_TEXT)) is not None:
            return problem
    conversation = _object_problem(body, "conversation", ("conversationType", "tenantId"))
    if conversation is not None:
        return conversation
    for name in _LISTS:
        items = body.get(name)
        if items is not None and not (
            isinstance(items, list) and all(isinstance(i, dict) for i in items)
        ):
            return f"{name} should be a list of objects"
    for entity in body.get("entities") or []:
        if not isinstance(entity.get("mentioned", {}), dict):
            return "a mention should name an account"
    return _channel_data_problem(body.get("channelData"))


def _object_problem(body: dict[str, Any], name: str, text_fields: tuple[str, ...]) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        return f"{name} should be an object"
    for field in text_fields:
        if value.get(field) is not None and not isinstance(value[field], str):
            return f"{name}.{field} should be text"
    return None


def _channel_data_problem(data: Any) -> str | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        return "channelData should be an object"
    tenant = data.get("tenant")
    if tenant is not None and not (
        isinstance(tenant, dict) and isinstance(tenant.get("id", ""), str)
    ):
        return "channelData.tenant should be an object with a text id"
    return None
