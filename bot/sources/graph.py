"""Staff from Microsoft Entra ID through Microsoft Graph, with the client credentials flow.

Staff are the members of one group (GRAPH_GROUP_ID), or every user whose academy attribute
(GRAPH_ACADEMY_ATTRIBUTE, `department` unless set) is filled in. Pages are followed through
`@odata.nextLink`; throttling (429, or 503 with Retry-After) waits as long as Graph asks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.errors import UserError
from bot.model.directory import ROLES
from bot.settings import SettingsError

log = logging.getLogger(__name__)

GRAPH_URL = "https://graph.microsoft.com/v1.0"
AUTHORITY = "https://login.microsoftonline.com"
MAX_ATTEMPTS = 6
"""Tries per request while Graph throttles."""
MAX_WAIT = 120.0
"""The longest Retry-After honoured, in seconds."""
_SECRET_EXPIRED = "AADSTS7000222"
_SECRET_WRONG = "AADSTS7000215"
_TIMEOUT = aiohttp.ClientTimeout(total=60)

Sleep = Callable[[float], Awaitable[None]]


class GraphError(UserError):
    """Graph or Entra refused or failed; the message says what to do, in one line."""


@dataclass(frozen=True, slots=True)
class GraphSettings:
    """The GRAPH_* settings: the app registration and how to find staff."""

    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)
    group_id: str | None = None
    """Staff are this group's members; without it, every user with an academy attribute."""
    academy_attribute: str = "department"
    """The user property naming the academy (its id or name); dots reach into nested ones."""
    role_attribute: str = "jobTitle"
    default_role: str = "teacher"
    """The role of someone whose role attribute is not one of the directory's roles."""
    authority: str = AUTHORITY
    graph_url: str = GRAPH_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GraphSettings:
        """The settings, or SettingsError naming what is missing."""

        def get(name: str, default: str = "") -> str:
            return env.get(name, "").strip() or default

        missing = [
            n for n in ("GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET") if not get(n)
        ]
        if missing:
            raise SettingsError(
                f"{', '.join(missing)} not set: `directory sync` needs the app registration "
                "from Microsoft Entra ID (see README 'Staff from Microsoft Entra ID')"
            )
        role = get("GRAPH_DEFAULT_ROLE", "teacher").casefold()
        if role not in ROLES:
            raise SettingsError(f"GRAPH_DEFAULT_ROLE={role!r}: use one of {', '.join(ROLES)}")
        return cls(
            tenant_id=get("GRAPH_TENANT_ID"),
            client_id=get("GRAPH_CLIENT_ID"),
            client_secret=get("GRAPH_CLIENT_SECRET"),
            group_id=get("GRAPH_GROUP_ID") or None,
            academy_attribute=get("GRAPH_ACADEMY_ATTRIBUTE", "department"),
            role_attribute=get("GRAPH_ROLE_ATTRIBUTE", "jobTitle"),
            default_role=role,
            authority=get("GRAPH_AUTHORITY", AUTHORITY).rstrip("/"),
            graph_url=get("GRAPH_URL", GRAPH_URL).rstrip("/"),
        )


class GraphClient:
    """Reads the staff's user objects from Graph."""

    def __init__(
        self, settings: GraphSettings, session: aiohttp.ClientSession, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.settings = settings
        self.session = session
        self.sleep = sleep
        self._token: str | None = None

    async def staff(self) -> list[dict[str, Any]]:
        """Every staff user object, all pages."""
        s = self.settings
        top = [s.academy_attribute.split(".")[0], s.role_attribute.split(".")[0]]
        select = ",".join(
            ["id", "displayName", "mail", "userPrincipalName", "accountEnabled", *top]
        )
        where = f"groups/{s.group_id}/members" if s.group_id else "users"
        url: str | None = f"{s.graph_url}/{where}?$select={select}&$top=999"
        users: list[dict[str, Any]] = []
        while url is not None:
            page = await self._get(url)
            users += [
                u
                for u in page.get("value", [])
                if u.get("@odata.type", "#microsoft.graph.user") == "#microsoft.graph.user"
            ]
            url = page.get("@odata.nextLink")
        return users

    async def _get(self, url: str) -> dict[str, Any]:
        """One page, waiting out throttling and fetching a new token once if it expired."""
        renewed = False
        for _ in range(MAX_ATTEMPTS):
            headers = {"Authorization": f"Bearer {await self._bearer()}"}
            async with self.session.get(url, headers=headers, timeout=_TIMEOUT) as response:
                if response.status in (429, 503, 504):
                    wait = _retry_after(response.headers.get("Retry-After"))
                    log.info("graph: throttled (%d); waiting %.0f s", response.status, wait)
                    await self.sleep(wait)
                    continue
                if response.status == 401 and not renewed:
                    self._token, renewed = None, True
                    continue
                if response.status >= 400:
                    raise GraphError(await _graph_failure(response))
                data: dict[str, Any] = await response.json()
                return data
        raise GraphError(
            f"Microsoft Graph is still throttling after {MAX_ATTEMPTS} tries; try again later"
        )

    async def _bearer(self) -> str:
        if self._token is None:
            self._token = await self._new_token()
        return self._token

    async def _new_token(self) -> str:
        s = self.settings
        form = {
            "client_id": s.client_id,
            "client_secret": s.client_secret,
            "scope": f"{_origin(s.graph_url)}/.default",
            "grant_type": "client_credentials",
        }
        url = f"{s.authority}/{s.tenant_id}/oauth2/v2.0/token"
        try:
            async with self.session.post(url, data=form, timeout=_TIMEOUT) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise GraphError(
                f"cannot get a token from {s.authority} ({type(error).__name__}): check "
                "GRAPH_TENANT_ID and the network"
            ) from None
        if isinstance(body, dict) and isinstance(body.get("access_token"), str):
            return str(body["access_token"])
        raise GraphError(_token_failure(body if isinstance(body, dict) else {}))


def _token_failure(body: dict[str, Any]) -> str:
    """Why Entra gave no token, in one line, without echoing anything secret."""
    description = str(body.get("error_description", ""))
    if _SECRET_EXPIRED in description:
        return (
            "Microsoft Entra ID says GRAPH_CLIENT_SECRET has expired: add a new client secret "
            "to the app registration (Certificates & secrets) and set GRAPH_CLIENT_SECRET to it"
        )
    if _SECRET_WRONG in description or body.get("error") == "invalid_client":
        return (
            "Microsoft Entra ID refused GRAPH_CLIENT_ID or GRAPH_CLIENT_SECRET: check both "
            "against the app registration"
        )
    code = description.split(":")[0] or str(body.get("error", "no reason given"))
    return f"Microsoft Entra ID gave no token ({code}): check GRAPH_TENANT_ID and GRAPH_CLIENT_ID"


async def _graph_failure(response: aiohttp.ClientResponse) -> str:
    try:
        body = await response.json(content_type=None)
        code = str(body["error"]["code"])
    except (ValueError, KeyError, TypeError, aiohttp.ContentTypeError):
        code = "no reason given"
    if response.status == 403:
        return (
            f"Microsoft Graph refused to list staff ({code}): grant the app the User.Read.All "
            "(and GroupMember.Read.All) application permissions, with admin consent"
        )
    if response.status == 404:
        return f"Microsoft Graph found no such group ({code}): check GRAPH_GROUP_ID"
    return f"Microsoft Graph answered {response.status} ({code})"


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or "5"), 0.0), MAX_WAIT)
    except ValueError:
        return 5.0


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0]}"
