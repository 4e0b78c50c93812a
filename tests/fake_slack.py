"""A local Slack: the Web API and response URLs as one handler function, plus a Socket Mode socket.

It records every call, answers the methods policybot uses the way Slack does (checking the
bearer token), and fails a method on request (a 429 with Retry-After, a server error or a
Slack error code), so the real slack_sdk client is tested against real HTTP on loopback.
Messages posted with chat.postMessage are kept per channel, metadata and thread included;
conversations.history answers from them, newest first, and conversations.replies from a
thread's, oldest first, a page at a time. Posts to a response_url are recorded by the URL's
name (a private answer can't be read back); a name in `expired` is refused as Slack refuses a
response_url used up or older than 30 minutes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import LocalServer, Request, Response

BOT_TOKEN = "xoxb-local-test"
APP_TOKEN = "xapp-local-test"
BOT_USER = "UBOTPOLICY"
TEAM = "T0DEMO"


@dataclass
class Call:
    """One request the local Slack received."""

    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: dict[str, Any] = field(default_factory=dict)
    """What the local Slack answered."""

    @property
    def text(self) -> str:
        """Every piece of text the call would show, blocks included, joined by newlines."""
        return "\n".join(texts(self.args))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The buttons in the call's blocks."""
        blocks = self.args.get("blocks") or []
        return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


@dataclass
class Failure:
    """How to fail the next call of a method."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None


class FakeSlack:
    """Plays Slack's Web API; `users` maps Slack user ids of people unknown by id to emails."""

    def __init__(self, users: dict[str, str] | None = None) -> None:
        self.users = users or {}
        self.calls: list[Call] = []
        self.failures: dict[str, list[Failure]] = {}
        self.socket_acks: dict[str, dict[str, Any]] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}
        """Each channel's posted messages, oldest first, as conversations.history shows them."""
        self.on_post: Callable[[Call], None] | None = None
        """Called with each chat.postMessage or response_url post once it is kept, before it
        is answered."""
        self.expired: set[str] = set()
        """Names of response_urls Slack no longer takes posts through."""
        self._ts = itertools.count(1)
        self._last_ts = 0.0
        self._changed = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None
        self._socket_open = asyncio.Event()
        app = web.Application()
        app.router.add_get("/socket", self._socket_handler)
        self.server = LocalServer(self.handle, app)

    async def start(self) -> None:
        """Listen on a free loopback port."""
        await self.server.start()

    async def close(self) -> None:
        """Stop listening."""
        if self._socket is not None:
            await self._socket.close()
        await self.server.close()

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL is set to."""
        return self.server.url("/api/")

    def response_url(self, name: str) -> str:
        """A response_url for a slash command or a click."""
        return self.server.url(f"/respond/{name}")

    def fail(self, method: str, failure: Failure, times: int = 1) -> None:
        """Fail the next `times` calls of the method."""
        self.failures.setdefault(method, []).extend([failure] * times)

    def to(self, method: str) -> list[Call]:
        """The calls of one method, oldest first."""
        return [c for c in self.calls if c.method == method]

    def since(self, mark: int, method: str | None = None) -> list[Call]:
        """Calls after the first `mark` ones (of one method, if given)."""
        return [c for c in self.calls[mark:] if method is None or c.method == method]

    async def wait_for(self, check: Callable[[], bool]) -> None:
        """Wait until `check()` holds after some call; fail the test if it never does."""
        async with asyncio.timeout(15):
            while not check():
                self._changed.clear()
                await self._changed.wait()

    def _record(self, method: str, args: dict[str, Any]) -> Call:
        call = Call(method, args)
        self.calls.append(call)
        self._changed.set()
        return call

    def handle(self, request: Request) -> Response:
        """Answer one HTTP request as Slack would."""
        kind, _, name = request.path.strip("/").partition("/")
        if kind == "respond":
            call = self._record("response_url", {"url": name, **request.body})
            if name in self.expired:
                return Response(404, text="expired_url")
            queued = self.failures.get("response_url")
            if queued:
                return Response(queued.pop(0).status, text="failed")
            call.result = {"ts": self._next_ts()}  # Slack says only "ok"; for clicks on it
            if self.on_post is not None:
                self.on_post(call)
            return Response(text="ok")
        if kind != "api":
            return Response(404, {"ok": False, "error": "unknown_url"})
        args: dict[str, Any] = {**request.query, **(request.body or {})}
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        call = self._record(name, args)
        queued = self.failures.get(name)
        if queued:
            failure = queued.pop(0)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return Response(
                failure.status, {"ok": False, "error": failure.error or "failed"}, headers
            )
        wanted = APP_TOKEN if name == "apps.connections.open" else BOT_TOKEN
        if request.bearer != wanted:
            return Response(json={"ok": False, "error": "invalid_auth"})
        call.result = self._answer(name, args)
        return Response(json=call.result)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {"user_id": BOT_USER, "bot_id": "BPOLICY", "team_id": TEAM, "user": "bot"}
        if method == "conversations.open":
            return ok | {"channel": {"id": "D" + str(args["users"])[1:]}}
        if method == "chat.postMessage":
            return ok | {"channel": args["channel"], "ts": self._post(args)}
        if method == "chat.update":
            return ok | {"channel": args["channel"], "ts": args["ts"]}
        if method == "conversations.history":
            return ok | self._history(args)
        if method == "conversations.replies":
            return ok | self._replies(args)
        if method == "views.publish":
            return ok | {"view": {"id": "V1", **args["view"]}}
        if method == "users.info":
            email = self.users.get(str(args["user"]))
            if email is None:
                return {"ok": False, "error": "user_not_found"}
            return ok | {
                "user": {"id": args["user"], "deleted": False, "profile": {"email": email}}
            }
        if method == "apps.connections.open":
            return ok | {"url": self.server.url("/socket").replace("http", "ws", 1)}
        return {"ok": False, "error": "unknown_method"}

    def _next_ts(self) -> str:
        """A message ts later than any before."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def _post(self, args: dict[str, Any]) -> str:
        """Keep a posted message in its channel's history; its ts."""
        ts = self._next_ts()
        kept = {"type": "message", "ts": ts, "text": args.get("text", ""), "bot_id": "BPOLICY"}
        if isinstance(args.get("metadata"), dict):
            kept["metadata"] = args["metadata"]
        if args.get("thread_ts"):
            kept["thread_ts"] = str(args["thread_ts"])
        self.history.setdefault(str(args["channel"]), []).append(kept)
        if self.on_post is not None:
            self.on_post(self.calls[-1])
        return ts

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """A page of a channel's messages newer than `oldest`, newest first."""
        oldest = float(args.get("oldest") or 0)
        newest_first = [
            m
            for m in reversed(self.history.get(str(args["channel"]), []))
            if float(m["ts"]) > oldest
        ]
        return _page(newest_first, args)

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """A page of a thread's messages (replies to `ts`) newer than `oldest`, oldest first."""
        oldest, ts = float(args.get("oldest") or 0), str(args["ts"])
        thread = [
            m
            for m in self.history.get(str(args["channel"]), [])
            if ts in (m.get("thread_ts"), m["ts"]) and float(m["ts"]) > oldest
        ]
        return _page(thread, args)

    def posted_to(self, name: str) -> list[Call]:
        """What was posted through the response_url of this name (as `response_url` made it)."""
        return [c for c in self.to("response_url") if c.args["url"] == name]

    def posted_keys(self) -> list[str]:
        """The outbox key in the metadata of every posted message, in the order posted."""
        return [
            m["metadata"]["event_payload"]["key"]
            for messages in self.history.values()
            for m in messages
            if m.get("metadata", {}).get("event_type") == "policybot_outbox"
        ]

    async def _socket_handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1})
        self._socket_open.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                ack = json.loads(msg.data)
                self.socket_acks[ack["envelope_id"]] = ack
                self._record("socket_ack", ack)
        return ws

    async def push(self, kind: str, payload: dict[str, Any]) -> str:
        """Send an envelope down the Socket Mode connection; returns its envelope id."""
        async with asyncio.timeout(10):
            await self._socket_open.wait()
        assert self._socket is not None
        envelope_id = f"env-{next(self._ts)}"
        await self._socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return envelope_id


def _page(messages: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    """The page of messages a history call's cursor and limit ask for."""
    start = int(args.get("cursor") or 0)
    limit = int(args.get("limit") or 100)
    page = messages[start : start + limit]
    if args.get("include_all_metadata") not in ("1", "true", True):
        page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
    more = start + limit < len(messages)
    cursor = str(start + limit) if more else ""
    return {"messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def texts(value: Any) -> list[str]:
    """Every "text" in a Slack payload (message, blocks, view), outermost first."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        text = value.get("text")
        return [*texts(text), *(t for k, v in value.items() if k != "text" for t in texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []
