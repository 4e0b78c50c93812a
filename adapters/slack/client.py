"""The Slack Web API client policybot uses, and Slack's failures in words fit for logs."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import SLACK_API_URL


def web_client(token: str, api_url: str = SLACK_API_URL) -> AsyncWebClient:
    """A Web API client that waits out rate limits (Retry-After) and retries server errors."""
    return AsyncWebClient(
        token=token,
        base_url=api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def error_code(exc: SlackApiError) -> str | None:
    """Slack's error code from a refused call, e.g. 'user_not_found'."""
    data = exc.response.data
    return data.get("error") if isinstance(data, dict) else None


def describe(exc: BaseException) -> str:
    """A failure in words fit for logs and the outbox: Slack's error code, never message text."""
    if isinstance(exc, SlackApiError):
        method = exc.response.api_url.rstrip("/").rsplit("/", 1)[-1]
        return f"{method} answered {exc.response.status_code} {error_code(exc) or ''}".strip()
    return type(exc).__name__
