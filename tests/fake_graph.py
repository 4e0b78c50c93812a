"""A local server that plays Microsoft Entra's token endpoint and Microsoft Graph's user lists.

Users come back in pages of `page_size` linked by `@odata.nextLink`; a page listed in
`throttle` first answers 429 with `Retry-After`; a secret listed in `expired` is refused the
way Entra refuses an expired client secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes import LocalServer, Request, Response

TENANT = "00000000-0000-4000-8000-00000000beef"
GROUP = "11111111-0000-4000-8000-000000000001"
SECRET = "the-right-secret"
EXPIRED = (
    "AADSTS7000222: The provided client secret keys for app '{app}' are expired. Visit the "
    "Azure portal to create new keys for your app."
)


@dataclass
class FakeGraph:
    """What the fake knows and answers."""

    users: list[dict[str, Any]]
    page_size: int = 100
    throttle: set[int] = field(default_factory=set)
    """Page numbers (0 first) that answer 429 once before their users."""
    retry_after: str = "1"
    secret: str = SECRET
    expired: bool = False
    tokens: int = 0
    server: LocalServer | None = None

    def handle(self, request: Request) -> Response:
        """Answer one request as Entra or Graph would."""
        if request.path == f"/{TENANT}/oauth2/v2.0/token":
            return self._token(request)
        if request.bearer != f"token-{self.tokens}":
            return Response(401, {"error": {"code": "InvalidAuthenticationToken"}})
        if request.path == f"/v1.0/groups/{GROUP}/members":
            return self._page(request, self.users)
        if request.path == "/v1.0/users":
            return self._page(request, self.users)
        return Response(404, {"error": {"code": "Request_ResourceNotFound"}})

    def _token(self, request: Request) -> Response:
        form = request.body or {}
        if form.get("client_secret") != self.secret or self.expired:
            reason = EXPIRED.format(app=form.get("client_id")) if self.expired else "AADSTS7000215"
            return Response(401, {"error": "invalid_client", "error_description": reason})
        self.tokens += 1
        return Response(200, {"access_token": f"token-{self.tokens}", "expires_in": 3599})

    def _page(self, request: Request, users: list[dict[str, Any]]) -> Response:
        page = int(request.query.get("$skiptoken", "0"))
        if page in self.throttle:
            self.throttle.discard(page)
            return Response(
                429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": self.retry_after}
            )
        start = page * self.page_size
        body: dict[str, Any] = {"value": users[start : start + self.page_size]}
        if start + self.page_size < len(users) and self.server is not None:
            body["@odata.nextLink"] = self.server.url(f"{request.path}?$skiptoken={page + 1}")
        return Response(200, body)


def graph_env(server: LocalServer, secret: str = SECRET, group: bool = True) -> dict[str, str]:
    """The GRAPH_* settings pointing at the fake."""
    env = {
        "GRAPH_TENANT_ID": TENANT,
        "GRAPH_CLIENT_ID": "policybot-app",
        "GRAPH_CLIENT_SECRET": secret,
        "GRAPH_AUTHORITY": server.url("/").rstrip("/"),
        "GRAPH_URL": server.url("/v1.0"),
    }
    return env | ({"GRAPH_GROUP_ID": GROUP} if group else {})


def user(object_id: str, name: str, mail: str, job: str, department: str | None) -> dict[str, Any]:
    """A Graph user object as $select returns it."""
    return {
        "@odata.type": "#microsoft.graph.user",
        "id": object_id,
        "displayName": name,
        "mail": mail,
        "userPrincipalName": mail,
        "jobTitle": job,
        "department": department,
        "accountEnabled": True,
    }
