"""Odd and hostile requests to /api/comments: 401 before anything is read without the token,
then a 4xx naming the kind of problem; never a 500, never a traceback, nothing recorded."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import pytest

from bench.hostile_inputs import AUTHORIZATIONS, COMMENT_FIELDS, JSON_BODIES, Body, encode
from bot.app import App
from tests.adapters.test_comments_api import GOOD, TOKEN, api

__all__ = ["api"]  # the fixture this module borrows from test_comments_api


async def send(
    url: str, body: Body, authorization: str | None = f"Bearer {TOKEN}"
) -> tuple[int, dict[str, Any]]:
    """POST a body as it is; the status and the JSON answer."""
    headers = {"Content-Type": body.content_type}
    if authorization is not None:
        headers["Authorization"] = authorization
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=body.data, headers=headers) as r,
    ):
        return r.status, await r.json()


def refusals(caplog: pytest.LogCaptureFixture) -> int:
    """How many requests the endpoint logged as refused."""
    return sum(r.getMessage().startswith("comments api: refused") for r in caplog.records)


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines that carry a traceback."""
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_odd_bodies_get_a_4xx_naming_the_problem(
    api: tuple[str, App], caplog: pytest.LogCaptureFixture
) -> None:
    url, app = api
    caplog.set_level(logging.DEBUG)
    answers = {body.name: await send(url, body) for body in JSON_BODIES}
    assert {name: a for name, a in answers.items() if not 400 <= a[0] < 500} == {}
    assert refusals(caplog) == len(JSON_BODIES)  # one line for each
    assert tracebacks(caplog) == []
    assert await app.comments.all() == []


async def test_the_kinds_of_problem_are_told_apart(api: tuple[str, App]) -> None:
    url, _app = api
    huge = next(b for b in JSON_BODIES if b.name == "too large")
    assert (await send(url, huge))[0] == 413
    assert await send(url, Body("text", b"hello", "text/plain")) == (
        415,
        {"error": "expected a comment as application/json"},
    )
    assert await send(url, Body("NaN", b'{"summary": NaN}')) == (
        400,
        {"error": "the body is not valid JSON"},
    )
    deep = next(b for b in JSON_BODIES if b.name == "1,000-deep objects")
    assert await send(url, deep) == (400, {"error": "the JSON is nested too deeply"})


async def test_odd_comments_get_a_400_and_nothing_is_recorded(
    api: tuple[str, App], caplog: pytest.LogCaptureFixture
) -> None:
    url, app = api
    caplog.set_level(logging.DEBUG)
    statuses = {}
    for name, change in COMMENT_FIELDS:
        body = {k: v for k, v in (GOOD | change).items() if v is not None}
        statuses[name] = (await send(url, Body(name, encode(body))))[0]
    assert {name: status for name, status in statuses.items() if status != 400} == {}
    assert refusals(caplog) == len(COMMENT_FIELDS)
    assert "Hunter2" not in caplog.text
    assert tracebacks(caplog) == []
    assert await app.comments.all() == []


async def test_a_comment_from_year_1_is_refused_saying_why(api: tuple[str, App]) -> None:
    url, _app = api
    status, answer = await send(url, Body("", encode(GOOD | {"received_at": "0001-01-01T00:00"})))
    assert (status, answer) == (
        400,
        {"error": "received time '0001-01-01T00:00' is out of range: give a time since 2000"},
    )


async def test_odd_authorization_headers_get_a_401_before_the_body_is_read(
    api: tuple[str, App], caplog: pytest.LogCaptureFixture
) -> None:
    url, app = api
    caplog.set_level(logging.DEBUG)
    statuses = {}
    for name, authorization in AUTHORIZATIONS:
        for body in [Body("good", encode(GOOD)), *JSON_BODIES]:
            statuses[f"{name}, {body.name}"] = (await send(url, body, authorization))[0]
    assert {name: status for name, status in statuses.items() if status != 401} == {}
    assert tracebacks(caplog) == []
    assert await app.comments.all() == []


async def test_a_header_that_is_not_even_latin_1_is_refused(api: tuple[str, App]) -> None:
    url, _app = api
    # aiohttp's client won't send raw UTF-8 in a header; a hand-written request does.
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    request = (
        "POST /api/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Authorization: Bearer ☃\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    ).encode()
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    assert status_line.split()[1] in (b"400", b"401")
