"""Slack's settings: the SLACK_* variables, checked together before the adapter starts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.settings import SettingsError

SLACK_API_URL = "https://slack.com/api/"
HISTORY_LOOKBACK = 1000
"""At most this many recent DM messages are read looking for an earlier copy of a message."""
BOT_TOKEN_PREFIX = "xoxb-"
APP_TOKEN_PREFIX = "xapp-"
_WHERE = "Slack app settings → OAuth & Permissions → Bot User OAuth Token"


@dataclass(frozen=True, slots=True)
class SlackSettings:
    """How to reach Slack: the bot token, and a signing secret (HTTP) or app token (Socket Mode)."""

    bot_token: str = field(repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    """An app-level token: connect over Socket Mode instead of serving HTTP."""
    api_url: str = SLACK_API_URL
    history_lookback: int = HISTORY_LOOKBACK
    """SLACK_HISTORY_LOOKBACK: how many recent DM messages are read, before a message whose
    sender may have died is sent again, looking for the copy it may have posted."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackSettings | None:
        """The SLACK_* settings; None when Slack is not configured, SettingsError when wrong."""
        bot_token = env.get("SLACK_BOT_TOKEN", "").strip() or None
        secret = env.get("SLACK_SIGNING_SECRET", "").strip() or None
        app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
        api_url = env.get("SLACK_API_URL", "").strip() or SLACK_API_URL
        if bot_token and not bot_token.startswith(BOT_TOKEN_PREFIX):
            raise SettingsError(
                f"SLACK_BOT_TOKEN must be the bot token starting {BOT_TOKEN_PREFIX} ({_WHERE})"
            )
        if app_token and not app_token.startswith(APP_TOKEN_PREFIX):
            raise SettingsError(
                f"SLACK_APP_TOKEN must be an app-level token starting {APP_TOKEN_PREFIX} with the "
                "connections:write scope "
                "(Slack app settings → Basic Information → App-Level Tokens)"
            )
        if (secret or app_token) and not bot_token:
            raise SettingsError(f"SLACK_BOT_TOKEN is not set; Slack needs it too ({_WHERE})")
        if not api_url.startswith(("https://", "http://")):
            raise SettingsError(
                f"SLACK_API_URL={api_url!r}: use a web address like {SLACK_API_URL}"
            )
        lookback = _lookback(env)
        if bot_token is None:
            return None
        if not app_token and not secret:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set, so Slack's requests can't be verified and the "
                "Slack endpoint will not start. Copy it from the Slack app settings → Basic "
                "Information → Signing Secret, or set SLACK_APP_TOKEN to use Socket Mode."
            )
        api_url = api_url if api_url.endswith("/") else api_url + "/"
        return cls(bot_token, secret, app_token, api_url, lookback)

    @property
    def socket_mode(self) -> bool:
        """True when Slack is reached over Socket Mode rather than HTTP."""
        return self.app_token is not None


def _lookback(env: Mapping[str, str]) -> int:
    text = env.get("SLACK_HISTORY_LOOKBACK", "").strip()
    if not text:
        return HISTORY_LOOKBACK
    if not text.isdecimal() or int(text) < 1:
        raise SettingsError(
            f"SLACK_HISTORY_LOOKBACK={text!r}: use a whole number of messages, at least 1 "
            f"(default {HISTORY_LOOKBACK})"
        )
    return int(text)
