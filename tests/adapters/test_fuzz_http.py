"""Hypothesis throws odd requests at every HTTP endpoint of the real `serve` application on
loopback: /slack/events (unsigned and correctly signed), /api/messages (before and after
authentication), /api/comments (with and without the token) and /healthz. Every answer is
below 500, and no traceback reaches the logs.

Each test serves one application for all its examples (HealthCheck.function_scoped_fixture is
suppressed on purpose), on SQLite; the hand-picked cases in test_hostile_*.py run on both
databases. Example counts stay small so the suite stays quick.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.comments_api import CommentsApi
from adapters.web import make_web_app
from bot.app import App
from tests.adapters.test_comments_api import GOOD, TOKEN
from tests.adapters.test_slack import SECRET, Workspace, fake, slack
from tests.adapters.test_teams_http import CLARA, Teams, User, running
from tests.apps import open_app, register
from tests.conftest import FakeClock

__all__ = ["fake", "slack"]  # fixtures borrowed from the endpoint tests

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "notadate", "0001-01-01T00:00:00", "http://127.0.0.1:1", "x/../y"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
raw_bodies = st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode())
content_types = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "image/png"]
)
header_values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x2FF, blacklist_characters="\x7f"),
    max_size=40,
)
ACTIVITY_KEYS = [
    "type", "id", "timestamp", "localTimestamp", "serviceUrl", "channelId", "from", "recipient",
    "conversation", "text", "value", "entities", "attachments", "channelData", "replyToId",
    "membersAdded", "action", "name", "locale",
]  # fmt: skip
AUTHENTICATED = {
    "MICROSOFT_APP_ID": "0b5a6c2e-8f1d-4e3a-9b7c-2d4e6f8a0c1e",
    "MICROSOFT_APP_PASSWORD": "not-a-real-secret",
}
EVENT_KEYS = ["type", "text", "channel", "user", "channel_type", "ts", "subtype", "bot_id", "tab"]
ACCOUNT_KEYS = ["id", "name", "aadObjectId", "conversationType", "tenantId", "tenant", "role"]


def changed_objects() -> st.SearchStrategy[dict[str, Any]]:
    """Fields of the objects inside an activity (from, conversation, channelData...)."""
    return st.dictionaries(st.sampled_from(ACCOUNT_KEYS), json_values, max_size=3)


activity_changes = st.dictionaries(
    st.sampled_from(ACTIVITY_KEYS), json_values | changed_objects(), max_size=4
)


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines that carry a traceback."""
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def post(http: aiohttp.ClientSession, url: str, data: bytes, headers: dict[str, str]) -> int:
    """POST as given; the status."""
    async with http.post(url, data=data, headers=headers) as response:
        await response.read()
        return response.status


@pytest.fixture
async def teams_dev(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Teams]:
    """Teams with authentication off, so fuzzed activities reach the turn."""
    async with running(f"sqlite:///{tmp_path / 'fuzz.db'}", clock, TEAMS_DEV_NO_AUTH="1") as t:
        yield t


@pytest.fixture
async def teams_auth(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Teams]:
    """Teams with a real app id and password: every request needs a Bot Framework token."""
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    async with running(url, clock, **AUTHENTICATED) as teams:
        yield teams


@pytest.fixture
async def comments(tmp_path: Path, clock: FakeClock) -> AsyncIterator[tuple[str, App]]:
    """/api/comments and /healthz on loopback, on SQLite."""
    app = await open_app(f"sqlite:///{tmp_path / 'fuzz.db'}", clock)
    await register(app)
    server = TestServer(make_web_app(app, [CommentsApi(app.comments, TOKEN)]), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), app
    finally:
        await server.close()
        await app.close()


@FUZZ
@given(body=raw_bodies, content_type=content_types, signed=st.booleans())
async def test_slack_events_never_answer_500(
    slack: Workspace,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    signed: bool,
) -> None:
    text = body.decode("utf-8", "replace")
    status = await slack.post(text, content_type, secret=SECRET if signed else None)
    assert status < 500, slack.last_response
    assert tracebacks(caplog) == []


@FUZZ
@given(event=st.dictionaries(st.sampled_from(EVENT_KEYS), json_values, max_size=5))
async def test_signed_slack_events_of_any_shape_never_answer_500(
    slack: Workspace, caplog: pytest.LogCaptureFixture, event: dict[str, Any]
) -> None:
    status = await slack.event({"type": "message", "channel_type": "im", **event})
    assert status < 500, slack.last_response
    assert tracebacks(caplog) == []


click_changes = st.dictionaries(
    st.sampled_from(["actions", "user", "container", "message", "team", "channel", "view"]),
    json_values | changed_objects(),
    max_size=3,
)


@FUZZ
@given(change=click_changes, form=st.dictionaries(st.text(max_size=8), st.text(max_size=8)))
async def test_signed_clicks_and_commands_of_any_shape_never_answer_500(
    slack: Workspace,
    caplog: pytest.LogCaptureFixture,
    change: dict[str, Any],
    form: dict[str, str],
) -> None:
    button = {"action_id": "choice", "text": {"type": "plain_text", "text": "1"}, "value": "help"}
    click = {
        "type": "block_actions",
        "user": {"id": "U0DEMO003"},
        "actions": [button],
        "container": {"channel_id": "D0DEMO003", "message_ts": "1.1"},
        **change,
    }
    status = await slack.post(
        urlencode({"payload": json.dumps(click)}), "application/x-www-form-urlencoded"
    )
    assert status < 500, slack.last_response
    command = urlencode({"command": "/policy", "user_id": "U0DEMO003", **form})
    assert await slack.post(command, "application/x-www-form-urlencoded") < 500
    assert tracebacks(caplog) == []


@FUZZ
@given(change=activity_changes)
async def test_teams_activities_of_any_shape_never_answer_500(
    teams_dev: Teams, caplog: pytest.LogCaptureFixture, change: dict[str, Any]
) -> None:
    activity = {**User(teams_dev, CLARA, "Clara Testwell").activity(text="hello"), **change}
    headers = {"Content-Type": "application/json"}
    url = f"{teams_dev.url}/api/messages"
    assert await post(teams_dev.http, url, json.dumps(activity).encode(), headers) < 500
    assert tracebacks(caplog) == []


@FUZZ
@given(body=raw_bodies, content_type=content_types, authorization=header_values)
async def test_teams_without_a_valid_token_never_answers_500(
    teams_auth: Teams,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    authorization: str,
) -> None:
    headers = {"Content-Type": content_type, "Authorization": authorization}
    url = f"{teams_auth.url}/api/messages"
    assert 400 <= await post(teams_auth.http, url, body, headers) < 500
    assert tracebacks(caplog) == []


@FUZZ
@given(
    change=st.dictionaries(
        st.sampled_from(["account", "received_at", "summary", "author", "x"]),
        json_values,
        max_size=3,
    ),
    with_token=st.booleans(),
)
async def test_comments_of_any_shape_never_answer_500(
    comments: tuple[str, App],
    caplog: pytest.LogCaptureFixture,
    change: dict[str, Any],
    with_token: bool,
) -> None:
    url, _app = comments
    headers = {"Content-Type": "application/json"}
    if with_token:
        headers["Authorization"] = f"Bearer {TOKEN}"
    async with aiohttp.ClientSession() as http:
        status = await post(
            http, f"{url}/api/comments", json.dumps(GOOD | change).encode(), headers
        )
    assert status < 500
    assert with_token or status == 401
    assert tracebacks(caplog) == []


@FUZZ
@given(body=raw_bodies, content_type=content_types, authorization=header_values)
async def test_raw_comment_requests_never_answer_500(
    comments: tuple[str, App],
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    authorization: str,
) -> None:
    url, _app = comments
    for given_token in (authorization, f"Bearer {TOKEN}"):
        headers = {"Content-Type": content_type, "Authorization": given_token}
        async with aiohttp.ClientSession() as http:
            assert await post(http, f"{url}/api/comments", body, headers) < 500
    assert tracebacks(caplog) == []


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE"]),
    query=st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    header=header_values,
)
async def test_healthz_never_answers_500(
    comments: tuple[str, App],
    caplog: pytest.LogCaptureFixture,
    method: str,
    query: dict[str, str],
    header: str,
) -> None:
    url, _app = comments
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{url}/healthz", params=query, headers={"X-Odd": header}) as r,
    ):
        assert r.status < 500
        if method == "GET":
            assert await r.json() == {"status": "ok", "database": "ok"}
    assert tracebacks(caplog) == []
