"""Reading a JSON body a stranger sent: strictly, and failing with the kind of problem only.

Every HTTP endpoint that takes JSON reads it here, so odd bodies get the same answers: too
large (413), not UTF-8, not JSON, NaN or Infinity, nested too deeply (400). A problem is
described by its kind, never by quoting the body, so it is safe to log.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

MAX_DEPTH = 32
"""Objects and arrays nested deeper than this are refused: no real activity or comment is."""


class BadBody(ValueError):
    """A body that cannot be read; the message is the kind of problem, never the content."""

    def __init__(self, kind: str, status: int = 400) -> None:
        super().__init__(kind)
        self.kind = kind
        self.status = status


async def read_body(request: web.Request) -> bytes:
    """The raw body, or BadBody(413) when it is larger than the application accepts."""
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadBody("the body is too large", 413) from None


def parse_json(raw: bytes) -> Any:
    """The JSON value, or BadBody naming what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("the body is not UTF-8 text") from None
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BadBody("the JSON is nested too deeply") from None
    except ValueError:  # JSONDecodeError, NaN, or an integer too long to convert
        raise BadBody("the body is not valid JSON") from None
    if nested_deeper(value, MAX_DEPTH):
        raise BadBody("the JSON is nested too deeply")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def nested_deeper(value: Any, limit: int) -> bool:
    """True when objects and arrays nest more than `limit` levels (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def refused(what: str, problem: BadBody | str, status: int = 400) -> web.Response:
    """The 4xx answer to a request with this problem, logged as one line naming its kind only.

    `problem` must describe the kind of problem in our own words, never quote the request.
    """
    if isinstance(problem, BadBody):
        status = problem.status
    kind = str(problem)
    log.info("%s: refused a request (%d): %s", what, status, kind)
    return web.json_response({"error": kind}, status=status)
