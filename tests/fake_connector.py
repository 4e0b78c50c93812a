"""A local Bot Connector service for tests: the Teams side of every reply, update and new chat.

The real botbuilder client is pointed at it through the activities' serviceUrl. It records
what the bot posts (POST .../activities[/{replyToId}]), every card update (PUT
.../activities/{id}) and opens personal chats (POST /v3/conversations) only for people the
app is installed for, answering 403 otherwise as Teams does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Posted:
    """One activity the bot sent or replaced."""

    conversation: str
    id: str
    activity: dict[str, Any]
    reply_to: str | None = None

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card the activity carries."""
        attachments = self.activity.get("attachments") or []
        assert len(attachments) == 1, self.activity
        assert attachments[0]["contentType"] == "application/vnd.microsoft.card.adaptive"
        content: dict[str, Any] = attachments[0]["content"]
        return content

    @property
    def text(self) -> str:
        """Every TextBlock of the card, one per line, with the Markdown escapes removed."""
        return "\n".join(unescape(t) for t in _texts(self.card["body"]))

    @property
    def buttons(self) -> list[tuple[str, dict[str, Any]]]:
        """(title, data) of each Action.Submit."""
        return [(a["title"], a["data"]) for a in self.card.get("actions", [])]


def _texts(items: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item["type"] == "TextBlock":
            out.append(item["text"])
        out += _texts(item.get("items", []))
    return out


def unescape(text: str) -> str:
    """What a CommonMark renderer shows for backslash-escaped punctuation."""
    out, chars = [], iter(text)
    for ch in chars:
        out.append(next(chars, "\\") if ch == "\\" else ch)
    return "".join(out)


@dataclass
class FakeConnector:
    """The Bot Connector API, recording everything the bot does."""

    installed_for: set[str] = field(default_factory=set)
    """AAD object ids of the people the app is installed for (create_conversation works)."""
    sent: list[Posted] = field(default_factory=list)
    updated: list[Posted] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    refuse_updates: bool = False
    """Answer card updates with 404, as Teams does for a message that is gone."""
    server: TestServer | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        """The serviceUrl to put in activities."""
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{id}", self._update)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        """Stop listening."""
        if self.server is not None:
            await self.server.close()

    def sent_to(self, conversation: str) -> list[Posted]:
        """What the bot posted in one conversation, in order."""
        return [p for p in self.sent if p.conversation == conversation]

    async def _send(self, request: web.Request) -> web.Response:
        posted = Posted(
            conversation=request.match_info["conversation"],
            id=f"bot-activity-{next(self._ids)}",
            activity=await request.json(),
            reply_to=request.match_info.get("reply_to"),
        )
        self.sent.append(posted)
        return web.json_response({"id": posted.id})

    async def _update(self, request: web.Request) -> web.Response:
        if self.refuse_updates:
            return web.json_response(
                {"error": {"code": "NotFound", "message": "Activity not found"}}, status=404
            )
        posted = Posted(
            conversation=request.match_info["conversation"],
            id=request.match_info["id"],
            activity=await request.json(),
        )
        self.updated.append(posted)
        return web.json_response({"id": posted.id})

    async def _create(self, request: web.Request) -> web.Response:
        parameters = await request.json()
        self.created.append(parameters)
        member = parameters["members"][0]["id"]
        if member not in self.installed_for:
            return web.json_response(
                {
                    "error": {
                        "code": "Forbidden",
                        "message": "The bot is not installed for the user",
                    }
                },
                status=403,
            )
        return web.json_response({"id": f"a:personal-{member}", "activityId": None})
