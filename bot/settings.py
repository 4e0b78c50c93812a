"""Settings from the environment, read once by the composition root."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TypedDict

from bot.errors import UserError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///policybot.db"
MIN_TOKEN_LENGTH = 16
SLACK_API_URL = "https://slack.com/api/"
MICROSOFT_APP_TYPES = {
    "multitenant": "MultiTenant",
    "singletenant": "SingleTenant",
    "userassignedmsi": "UserAssignedMSI",
}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
"""A Microsoft app or tenant id (fullmatch it)."""
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class SettingsError(UserError, ValueError):
    """A setting has a value that can't work; the message says which and what to do."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable. See README "Settings" for what each one means."""

    database_url: str = DEFAULT_DATABASE_URL
    trust_file: Path | None = None
    default_user: str = "demo-teacher"
    log_level: str = "WARNING"
    worker_grace: timedelta = timedelta(days=7)
    """How late the worker still sends something it missed while it was down."""
    worker_tick_seconds: int = 60
    """How often the worker looks for due alerts and reminders."""
    comments_api_token: str | None = None
    """Bearer token for POST /api/comments; the endpoint is off without one."""
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = SLACK_API_URL
    microsoft_app_id: str = ""
    microsoft_app_password: str = field(default="", repr=False)
    microsoft_app_type: str = "MultiTenant"
    microsoft_app_tenant_id: str = ""
    teams_dev_no_auth: bool = False

    @property
    def uses_default_database(self) -> bool:
        """True for the local SQLite file, which is created and upgraded automatically."""
        return self.database_url == DEFAULT_DATABASE_URL

    @property
    def teams_enabled(self) -> bool:
        """True when the Teams endpoint should be served (credentials, or the dev switch)."""
        return bool(self.microsoft_app_id) or self.teams_dev_no_auth

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read settings from an environment mapping (usually os.environ)."""
        trust = env.get("TRUST_FILE", "").strip()
        level = env.get("LOG_LEVEL", "WARNING").strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"LOG_LEVEL={level!r}: use DEBUG, INFO, WARNING or ERROR")
        token = env.get("COMMENTS_API_TOKEN", "").strip() or None
        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            raise SettingsError(
                f"COMMENTS_API_TOKEN is too short: use at least {MIN_TOKEN_LENGTH} random "
                "characters, for example the output of `openssl rand -hex 32`"
            )
        bot_token, secret, app_token, api_url = _slack_settings(env)
        return cls(
            **_teams_settings(env),
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            trust_file=Path(trust) if trust else None,
            default_user=env.get("POLICYBOT_USER", "").strip() or "demo-teacher",
            log_level=level,
            worker_grace=timedelta(days=_whole(env, "WORKER_GRACE_DAYS", 7, minimum=0)),
            worker_tick_seconds=_whole(env, "WORKER_TICK_SECONDS", 60, minimum=1),
            comments_api_token=token,
            slack_bot_token=bot_token,
            slack_signing_secret=secret,
            slack_app_token=app_token,
            slack_api_url=api_url,
        )


def _whole(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    """A whole-number setting, or SettingsError naming it."""
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < minimum:
        raise SettingsError(f"{name}={text!r}: use a whole number, at least {minimum}")
    return int(text)


def _slack_settings(env: Mapping[str, str]) -> tuple[str | None, str | None, str | None, str]:
    bot_token = env.get("SLACK_BOT_TOKEN", "").strip() or None
    secret = env.get("SLACK_SIGNING_SECRET", "").strip() or None
    app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
    api_url = env.get("SLACK_API_URL", "").strip() or SLACK_API_URL
    where = "Slack app settings → OAuth & Permissions → Bot User OAuth Token"
    if bot_token and not bot_token.startswith("xoxb-"):
        raise SettingsError(f"SLACK_BOT_TOKEN must be the bot token starting xoxb- ({where})")
    if app_token and not app_token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_APP_TOKEN must be an app-level token starting xapp- with the "
            "connections:write scope (Slack app settings → Basic Information → App-Level Tokens)"
        )
    if (secret or app_token) and not bot_token:
        raise SettingsError(f"SLACK_BOT_TOKEN is not set; Slack needs it too ({where})")
    if not api_url.startswith(("https://", "http://")):
        raise SettingsError(f"SLACK_API_URL={api_url!r}: use a web address like {SLACK_API_URL}")
    return bot_token, secret, app_token, api_url if api_url.endswith("/") else api_url + "/"


class _TeamsSettings(TypedDict):
    microsoft_app_id: str
    microsoft_app_password: str
    microsoft_app_type: str
    microsoft_app_tenant_id: str
    teams_dev_no_auth: bool


def _teams_settings(env: Mapping[str, str]) -> _TeamsSettings:
    """The MICROSOFT_APP_* and TEAMS_DEV_NO_AUTH settings, checked together."""
    app_id = env.get("MICROSOFT_APP_ID", "").strip()
    password = env.get("MICROSOFT_APP_PASSWORD", "").strip()
    raw_type = env.get("MICROSOFT_APP_TYPE", "").strip() or "MultiTenant"
    tenant = env.get("MICROSOFT_APP_TENANT_ID", "").strip()
    dev = env.get("TEAMS_DEV_NO_AUTH", "").strip().lower()
    app_type = MICROSOFT_APP_TYPES.get(raw_type.lower())
    if app_type is None:
        raise SettingsError(
            f"MICROSOFT_APP_TYPE={raw_type!r}: use {', '.join(MICROSOFT_APP_TYPES.values())} "
            "(the type chosen when the Azure Bot was created)"
        )
    for name, value in (("MICROSOFT_APP_ID", app_id), ("MICROSOFT_APP_TENANT_ID", tenant)):
        if value and not GUID.fullmatch(value):
            raise SettingsError(
                f"{name}={value!r}: expected a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301 "
                "(see the Azure Bot's Configuration page)"
            )
    if dev not in _TRUE | _FALSE:
        raise SettingsError(f"TEAMS_DEV_NO_AUTH={dev!r}: use 1 to switch it on, or leave it unset")
    if dev in _TRUE and (app_id or password):
        raise SettingsError(
            "TEAMS_DEV_NO_AUTH=1 turns authentication off, but MICROSOFT_APP_ID or "
            "MICROSOFT_APP_PASSWORD is set too: unset one or the other"
        )
    if password and not app_id:
        raise SettingsError("MICROSOFT_APP_PASSWORD is set without MICROSOFT_APP_ID: set both")
    if app_id and not password and app_type != "UserAssignedMSI":
        raise SettingsError(
            "MICROSOFT_APP_ID is set without MICROSOFT_APP_PASSWORD: Teams requests can't be "
            "authenticated without it (the client secret of the bot's app registration)"
        )
    if app_id and app_type != "MultiTenant" and not tenant:
        raise SettingsError(f"MICROSOFT_APP_TYPE={app_type} needs MICROSOFT_APP_TENANT_ID")
    return {
        "microsoft_app_id": app_id,
        "microsoft_app_password": password,
        "microsoft_app_type": app_type,
        "microsoft_app_tenant_id": tenant,
        "teams_dev_no_auth": dev in _TRUE,
    }
