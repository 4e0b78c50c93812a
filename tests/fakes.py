"""Shared test doubles: a local HTTP server whose answers come from one function.

In the style of httpx's MockTransport: a handler turns each request into a response, and every
exchange is recorded in order. It listens on loopback, so the real client libraries (slack_sdk,
botbuilder, aiohttp) are pointed at it by URL and tested over real HTTP.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Request:
    """One request the local server received, its body decoded (JSON, form fields or text)."""

    method: str
    path: str
    headers: Mapping[str, str]
    query: dict[str, str]
    body: Any

    @property
    def bearer(self) -> str:
        """The token in `Authorization: Bearer ...`, or ''."""
        return self.headers.get("Authorization", "").removeprefix("Bearer ")


@dataclass
class Response:
    """What the handler answers: a status, a JSON body (or plain text) and headers."""

    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    """A plain-text body instead of JSON."""


Handler = Callable[[Request], Response | Awaitable[Response]]
"""Answers one request; may be a plain function or a coroutine function."""


@dataclass
class Exchange:
    """One request and the response the handler gave it."""

    request: Request
    response: Response


class LocalServer:
    """An HTTP server on loopback answering every request with `handler(request)`."""

    def __init__(self, handler: Handler, app: web.Application | None = None) -> None:
        """`app` may add routes the handler can't serve (e.g. a websocket); the rest go to it."""
        self.handler = handler
        self.exchanges: list[Exchange] = []
        self._app = app or web.Application()
        self._app.router.add_route("*", "/{path:.*}", self._serve)
        self.server = TestServer(self._app, host="127.0.0.1")

    def url(self, path: str = "/") -> str:
        """The absolute URL of a path on this server."""
        return str(self.server.make_url(path))

    async def start(self) -> None:
        """Listen on a free loopback port."""
        await self.server.start_server()

    async def close(self) -> None:
        """Stop listening."""
        await self.server.close()

    async def _serve(self, raw: web.Request) -> web.Response:
        request = Request(raw.method, raw.path, raw.headers, dict(raw.query), await _body(raw))
        answer = self.handler(request)
        response = await answer if inspect.isawaitable(answer) else answer
        self.exchanges.append(Exchange(request, response))
        if response.text is not None:
            return web.Response(
                text=response.text, status=response.status, headers=response.headers
            )
        return web.json_response(response.json, status=response.status, headers=response.headers)


@asynccontextmanager
async def local_server(handler: Handler) -> AsyncIterator[LocalServer]:
    """A started LocalServer, closed afterwards."""
    server = LocalServer(handler)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def _body(raw: web.Request) -> Any:
    if not raw.can_read_body:
        return None
    if raw.content_type == "application/json":
        return await raw.json()
    if raw.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {k: v for k, v in (await raw.post()).items() if isinstance(v, str)}
    text = await raw.text()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
