"""POST /api/comments: other systems (a social media inbox, a web form) record comments.

JSON body: {"account": id or handle, "received_at": ISO 8601 (the academy's local time when
it has no offset), "summary": text, "author": optional text}; `Authorization: Bearer <token>`.
Answers 201 with the comment's id and deadline, 401 without the token (nothing else is read
first), 415 for a body that is not JSON, 413 for one over 1 MiB, 400 saying what is wrong.
"""

from __future__ import annotations

import hmac
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from adapters.inbound_json import BadBody, parse_json, read_body, refused
from bot.core.sanitise import clean
from bot.features.comments.service import CommentError, Comments, parse_received
from bot.model.calendar import WorkingCalendar
from bot.model.ports import Sender
from bot.model.records import Account, Comment

log = logging.getLogger(__name__)

PATH = "/api/comments"
WHAT = "comments api"
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""Comments received before this are refused: a typo, not a comment to answer."""


class CommentsApi:
    """The comments endpoint as a WebAdapter (it serves HTTP but sends nobody anything)."""

    name = "comments-api"
    refreshes_itself: frozenset[str] = frozenset()

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
        """Record one comment. Nothing of the request but its token is read before it checks."""
        given = request.headers.get("Authorization", "")
        if not (given.isascii() and hmac.compare_digest(given.encode(), self._expected)):
            log.info("%s: refused a request (401): missing or wrong bearer token", WHAT)
            return web.json_response(
                {"error": "missing or wrong bearer token"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if request.content_type != "application/json":
            return refused(WHAT, "expected a comment as application/json", 415)
        try:
            body = parse_json(await read_body(request))
        except BadBody as bad:
            return refused(WHAT, bad)
        try:
            added, account = await self._add(_fields(body))
        except CommentError as exc:
            # The reason can quote the comment's fields: the log names the kind only.
            log.info("%s: refused a request (400): a comment it can't record", WHAT)
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

    async def _add(self, fields: dict[str, str]) -> tuple[Comment, Account]:
        name = clean(fields["account"])  # no control characters or lone surrogates for SQL
        account = await self.comments.register.find(name)
        if account is None:
            raise CommentError(f"no account {name!r} in the register")
        received = _received(fields["received_at"], self.comments.calendars[account.academy])
        added = await self.comments.add(
            account, fields["summary"], received, author=fields.get("author"), source="api"
        )
        return added, account


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


def _received(text: str, calendar: WorkingCalendar) -> datetime:
    """The received time, refused when it is out of the range of working calendars."""
    try:
        received = parse_received(text, calendar)
    except OverflowError:  # a time zone pushes it past year 1 or 9999
        received = EARLIEST - timedelta(days=1)
    if received < EARLIEST:
        raise CommentError(
            f"received time {text!r} is out of range: give a time since {EARLIEST.year}"
        )
    return received


def _bad(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)
