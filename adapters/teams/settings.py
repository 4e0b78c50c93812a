"""Teams' settings: the MICROSOFT_APP_* variables and TEAMS_DEV_NO_AUTH, checked together."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.settings import SettingsError, switch

MICROSOFT_APP_TYPES = {
    "multitenant": "MultiTenant",
    "singletenant": "SingleTenant",
    "userassignedmsi": "UserAssignedMSI",
}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
"""A Microsoft app, tenant or Azure AD object id (fullmatch it)."""
GUID_EXAMPLE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


@dataclass(frozen=True, slots=True)
class TeamsSettings:
    """The Azure Bot's credentials, or the switch that serves Teams unauthenticated (dev only)."""

    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    dev_no_auth: bool = False
    """Accept every request unauthenticated, on 127.0.0.1 only: for a local emulator."""

    @property
    def authenticated(self) -> bool:
        """True when requests must carry a Bot Framework token for this app id."""
        return bool(self.app_id)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TeamsSettings | None:
        """The Teams settings; None when Teams is not configured, SettingsError when wrong."""
        app_id = env.get("MICROSOFT_APP_ID", "").strip()
        password = env.get("MICROSOFT_APP_PASSWORD", "").strip()
        raw_type = env.get("MICROSOFT_APP_TYPE", "").strip() or "MultiTenant"
        tenant = env.get("MICROSOFT_APP_TENANT_ID", "").strip()
        app_type = MICROSOFT_APP_TYPES.get(raw_type.lower())
        if app_type is None:
            raise SettingsError(
                f"MICROSOFT_APP_TYPE={raw_type!r}: use {', '.join(MICROSOFT_APP_TYPES.values())} "
                "(the type chosen when the Azure Bot was created)"
            )
        for name, value in (("MICROSOFT_APP_ID", app_id), ("MICROSOFT_APP_TENANT_ID", tenant)):
            if value and not GUID.fullmatch(value):
                raise SettingsError(
                    f"{name}={value!r}: expected a GUID like {GUID_EXAMPLE} "
                    "(see the Azure Bot's Configuration page)"
                )
        dev = switch(env, "TEAMS_DEV_NO_AUTH")
        _check_credentials(app_id, password, app_type, tenant, dev)
        if not app_id and not dev:
            return None
        return cls(app_id, password, app_type, tenant, dev)


def _check_credentials(app_id: str, password: str, app_type: str, tenant: str, dev: bool) -> None:
    if dev and (app_id or password):
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
