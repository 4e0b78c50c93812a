"""POST /api/comments: other systems (a social media inbox, a web form) record comments.

JSON body: {"account": id or handle, "received_at": ISO 8601 (the academy's local time when
it has no offset), "summary": text, "author": optional text}; `Authorization: Bearer <token>`.
Answers 201 with the comment's id and deadline, 401 without the token, 400 saying what is wrong.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web

from bot.features.comments.service import CommentError, Comments, parse_received
from bot.model.ports import Sender

log = logging.getLogger(__name__)

PATH = "/api/comments"


class CommentsApi:
    """The comments endpoint as a WebAdapter (it serves HTTP but sends nobody anything)."""

    name = "comments-api"

    def __init__(self, comments: Comments, token: str) -> None:
        self.comments = comments
        self._expected = f"Bearer {token}".encode()

    @property
    def sender(self) -> Sender | None:
        """None: the endpoint only receives."""
        return None

    def add_routes(self, app: web.Application) -> None:
        """Register POST /api/comments."""
        app.router.add_post(PATH, self.post)

    async def start(self) -> None:
        """Nothing runs beside the endpoint."""

    async def stop(self) -> None:
        """Nothing to release."""

    async def post(self, request: web.Request) -> web.Response:
        """Record one comment."""
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, self._expected):
            return web.json_response(
                {"error": "missing or wrong bearer token"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            body = await request.json(loads=json.loads)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _bad("the body is not JSON")
        try:
            fields = _fields(body)
            account = await self.comments.register.find(fields["account"])
            if account is None:
                raise CommentError(f"no account {fields['account']!r} in the register")
            calendar = self.comments.calendars[account.academy]
            added = await self.comments.add(
                account,
                fields["summary"],
                parse_received(fields["received_at"], calendar),
                author=fields.get("author"),
                source="api",
            )
        except CommentError as exc:
            log.info("comments api: refused a comment: %s", type(exc).__name__)
            return _bad(str(exc))
        return web.json_response(
            {
                "id": added.id,
                "account": account.id,
                "received_at": added.received_at.isoformat(),
                "deadline": added.deadline.isoformat(),
            },
            status=201,
        )


def _fields(body: Any) -> dict[str, str]:
    if not isinstance(body, dict):
        raise CommentError("the body should be a JSON object")
    problems = [
        f"{name!r} is required and should be text"
        for name in ("account", "received_at", "summary")
        if not isinstance(body.get(name), str) or not body[name].strip()
    ]
    if body.get("author") is not None and not isinstance(body["author"], str):
        problems.append("'author' should be text")
    if unknown := sorted(set(body) - {"account", "received_at", "summary", "author"}):
        problems.append(f"unknown field(s): {', '.join(unknown)}")
    if problems:
        raise CommentError("; ".join(problems))
    return {k: v for k, v in body.items() if isinstance(v, str)}


def _bad(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)
