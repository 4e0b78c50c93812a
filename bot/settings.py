"""Settings from the environment, read once by the composition root."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from bot.errors import UserError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///policybot.db"
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
        return cls(
            **_teams_settings(env),
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            trust_file=Path(trust) if trust else None,
            default_user=env.get("POLICYBOT_USER", "").strip() or "demo-teacher",
            log_level=level,
        )


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
