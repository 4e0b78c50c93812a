"""A local Bot Connector service for tests: the Teams side of every reply, update and new chat.

The real botbuilder client is pointed at it through the activities' serviceUrl: a LocalServer
whose answers come from `FakeConnector.handle`. It records what the bot posts (POST
.../activities[/{replyToId}]), every card update (PUT .../activities/{id}) and opens personal
chats (POST /v3/conversations) only for people the app is installed for, answering 403
otherwise as Teams does.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import LocalServer, Request, Response


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
    """The Bot Connector API as one handler function, recording everything the bot does."""

    installed_for: set[str] = field(default_factory=set)
    """AAD object ids of the people the app is installed for (create_conversation works)."""
    sent: list[Posted] = field(default_factory=list)
    updated: list[Posted] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    refuse_updates: bool = False
    """Answer card updates with 404, as Teams does for a message that is gone."""
    fail_posts: int = 0
    """Answer this many of the next posts with a 500, as a Bot Connector having trouble does."""
    failed: int = 0
    """How many posts were answered with a 500."""
    on_post: Callable[[Posted], None] | None = None
    """Called with each post once it is kept, before it is answered."""
    server: LocalServer | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        """The serviceUrl to put in activities."""
        assert self.server is not None
        return self.server.url("").rstrip("/")

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self.server = LocalServer(self.handle)
        await self.server.start()

    async def close(self) -> None:
        """Stop listening."""
        if self.server is not None:
            await self.server.close()

    def sent_to(self, conversation: str) -> list[Posted]:
        """What the bot posted in one conversation, in order."""
        return [p for p in self.sent if p.conversation == conversation]

    def handle(self, request: Request) -> Response:
        """Answer one Bot Connector call: post, update, or open a conversation."""
        parts = request.path.strip("/").split("/")
        if parts == ["v3", "conversations"] and request.method == "POST":
            return self._create(request.body)
        if parts[:2] != ["v3", "conversations"] or parts[3:4] != ["activities"]:
            return Response(404, {"error": {"code": "NotFound", "message": request.path}})
        conversation, rest = parts[2], parts[4:]
        if request.method == "PUT" and len(rest) == 1:
            return self._update(conversation, rest[0], request.body)
        if self.fail_posts > 0:
            self.fail_posts -= 1
            self.failed += 1
            error = {"code": "ServiceError", "message": "Internal server error"}
            return Response(500, {"error": error})
        posted = Posted(
            conversation=conversation,
            id=f"bot-activity-{next(self._ids)}",
            activity=request.body,
            reply_to=rest[0] if rest else None,
        )
        self.sent.append(posted)
        if self.on_post is not None:
            self.on_post(posted)
        return Response(json={"id": posted.id})

    def _update(self, conversation: str, activity_id: str, activity: dict[str, Any]) -> Response:
        if self.refuse_updates:
            return Response(404, {"error": {"code": "NotFound", "message": "Activity not found"}})
        self.updated.append(Posted(conversation, activity_id, activity))
        return Response(json={"id": activity_id})

    def _create(self, parameters: dict[str, Any]) -> Response:
        self.created.append(parameters)
        member = parameters["members"][0]["id"]
        if member not in self.installed_for:
            error = {"code": "Forbidden", "message": "The bot is not installed for the user"}
            return Response(403, {"error": error})
        return Response(json={"id": f"a:personal-{member}", "activityId": None})
