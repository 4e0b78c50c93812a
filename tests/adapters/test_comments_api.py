"""POST /api/comments over real HTTP on loopback: 201 with a deadline, 401, clear 400s."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from adapters.comments_api import CommentsApi
from adapters.web import make_web_app
from bot.app import App
from bot.settings import Settings, SettingsError
from tests.apps import HISTORY, open_app, register
from tests.conftest import FakeClock

TOKEN = "s3cret-token-for-tests-0123456789"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
async def api(db_url: str, clock: FakeClock) -> AsyncIterator[tuple[str, App]]:
    """The endpoint served on a loopback port; yields its URL and the app behind it."""
    clock.now = datetime(2026, 3, 3, 12, 0, tzinfo=LONDON)
    app = await open_app(db_url, clock)
    await register(app)
    server = TestServer(make_web_app(app, [CommentsApi(app.comments, TOKEN)]), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/api/comments")), app
    finally:
        await server.close()
        await app.close()


async def post(url: str, body: Any, token: str | None = TOKEN) -> tuple[int, dict[str, Any]]:
    """POST a body (a str is sent as is, anything else as JSON); the status and JSON answer."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str) else None
    if data is not None:
        headers["Content-Type"] = "application/json"
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, data=data, json=None if data is not None else body, headers=headers
        ) as response,
    ):
        return response.status, await response.json()


GOOD = {
    "account": "@HolyCrossHistory",
    "received_at": "2026-03-03T10:05:00+00:00",
    "author": "A parent",
    "summary": "asks when the trip letter goes out",
}


async def test_a_posted_comment_is_recorded_with_its_deadline(api: tuple[str, App]) -> None:
    url, app = api
    status, answer = await post(url, GOOD)
    assert status == 201
    assert answer == {
        "id": 1,
        "account": HISTORY.id,
        "received_at": "2026-03-03T10:05:00+00:00",
        "deadline": "2026-03-04T10:05:00+00:00",
    }
    [recorded] = await app.comments.all()
    assert (recorded.source, recorded.author) == ("api", "A parent")


async def test_without_the_token_nothing_is_recorded(api: tuple[str, App]) -> None:
    url, app = api
    assert (await post(url, GOOD, token=None))[0] == 401
    status, answer = await post(url, GOOD, token="wrong-token-wrong-token")
    assert (status, answer) == (401, {"error": "missing or wrong bearer token"})
    assert await app.comments.all() == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{not json", "the body is not valid JSON"),
        (["a", "list"], "the body should be a JSON object"),
        ({**GOOD, "summary": ""}, "'summary' is required and should be text"),
        ({**GOOD, "colour": "red"}, "unknown field(s): colour"),
        ({**GOOD, "account": "@Nobody"}, "no account '@Nobody' in the register"),
        ({**GOOD, "received_at": "last Tuesday"}, "is not an ISO 8601 time"),
        ({**GOOD, "received_at": "2026-03-03T12:30:00+00:00"}, "is in the future"),
    ],
)
async def test_a_bad_body_gets_a_400_saying_why(
    api: tuple[str, App], body: Any, error: str
) -> None:
    url, app = api
    status, answer = await post(url, body)
    assert status == 400
    assert error in answer["error"]
    assert await app.comments.all() == []


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"COMMENTS_API_TOKEN": "short"}, "COMMENTS_API_TOKEN is too short"),
        ({"WORKER_GRACE_DAYS": "a week"}, "WORKER_GRACE_DAYS='a week': use a whole number"),
        ({"WORKER_TICK_SECONDS": "0"}, "WORKER_TICK_SECONDS='0': use a whole number, at least 1"),
    ],
)
def test_settings_that_cannot_work_are_refused_by_name(env: dict[str, str], error: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(error)):
        Settings.from_env(env)


def test_worker_settings_default_to_a_week_of_grace_and_a_minute_tick() -> None:
    settings = Settings.from_env({"COMMENTS_API_TOKEN": TOKEN})
    assert (settings.worker_grace, settings.worker_tick_seconds) == (timedelta(days=7), 60)
    assert settings.comments_api_token == TOKEN
