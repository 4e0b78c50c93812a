"""The Bot Connector's failures in words fit for logs and the outbox: its status and error
code, never the content of what was posted."""

from __future__ import annotations


def refused_for_good(exc: Exception) -> bool:
    """Whether the Bot Connector refused the reply in a way a retry cannot change (a 4xx but
    408 and 429): the activity itself was wrong, so Teams is not asked to deliver it again."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return isinstance(status, int) and 400 <= status < 500 and status not in (408, 429)


def connector_error(exc: Exception) -> str:
    """A short reason for the outbox row: the Bot Connector's status and error, no content."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    # msrest's HttpOperationError carries "(code) message" from the connector's error body.
    detail = str(getattr(exc, "message", "") or exc) or type(exc).__name__
    detail = detail.splitlines()[0][:200]
    return f"Teams refused the message (HTTP {status}): {detail}" if status else f"Teams: {detail}"
