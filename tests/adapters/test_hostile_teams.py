"""Odd and hostile requests to /api/messages get a 4xx naming the kind of problem, never a 500
or a traceback, before authentication (nothing but serviceUrl and channelId is read) and after.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bench.hostile_inputs import DEEP, JSON_BODIES, TEAMS_FIELDS, Body, encode
from tests.adapters.test_teams_http import CLARA, Teams, User, authenticated, teams

__all__ = ["authenticated", "teams"]  # the fixtures this module borrows from test_teams_http


async def post_raw(teams: Teams, body: Body, **headers: str) -> tuple[int, dict[str, Any]]:
    """POST a body as it is; the status and the JSON answer ({} when there is none)."""
    sent = {"Content-Type": body.content_type, **headers}
    async with teams.http.post(f"{teams.url}/api/messages", data=body.data, headers=sent) as r:
        answer = await r.json() if r.content_type == "application/json" else {}
        return r.status, answer


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines that carry a traceback or an exception's own message."""
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_odd_bodies_get_a_4xx_naming_the_problem(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = {body.name: await post_raw(teams, body) for body in JSON_BODIES}
    assert {name: a for name, a in answers.items() if not 400 <= a[0] < 500} == {}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert [name for name, (_, a) in answers.items() if a["error"] not in logged] == []
    assert tracebacks(caplog) == []
    assert teams.connector.sent == []


async def test_odd_activities_never_get_a_server_error(
    teams: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clara = User(teams, CLARA, "Clara Testwell")
    statuses = {}
    for name, change in TEAMS_FIELDS:
        activity = {**clara.activity(text="hello"), **change}
        statuses[name] = (await post_raw(teams, Body(name, encode(activity))))[0]
    assert {name: status for name, status in statuses.items() if status >= 500} == {}
    assert tracebacks(caplog) == []


@pytest.mark.parametrize(
    "change",
    [
        {"timestamp": "notadate"},
        {"from": "x"},
        {"entities": "x"},
        {"channelData": "x"},
        {"value": DEEP},
    ],
)
async def test_activities_that_once_gave_a_server_error_are_refused_with_a_reason(
    teams: Teams, change: dict[str, Any]
) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    body = encode({**clara.activity(text="my worry about a pupil"), **change})
    status, answer = await post_raw(teams, Body("odd", body))
    assert status == 400
    assert "my worry" not in answer["error"]
    assert teams.connector.sent == []


async def test_a_malformed_activity_from_a_stranger_is_refused_as_unauthenticated(
    authenticated: Teams, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clara = User(authenticated, CLARA, "Clara Testwell")
    activity = {**clara.activity(text="my secret worry about a pupil"), "timestamp": "notadate"}
    status, answer = await post_raw(authenticated, Body("forged", json.dumps(activity).encode()))
    # Authentication comes first: the odd timestamp is never read for a stranger.
    assert (status, answer) == (401, {"error": "not a valid Bot Framework token"})
    assert "secret worry" not in "\n".join(r.getMessage() for r in caplog.records)


async def test_odd_bodies_without_a_token_never_get_a_server_error(authenticated: Teams) -> None:
    statuses = {body.name: (await post_raw(authenticated, body))[0] for body in JSON_BODIES}
    assert {name: status for name, status in statuses.items() if not 400 <= status < 500} == {}


async def test_an_odd_but_readable_message_is_still_answered(teams: Teams) -> None:
    clara = User(teams, CLARA, "Clara Testwell")
    [answer] = await clara.send(
        clara.activity(text="can I accept a friend request\x00 from a parent?\u202e")
    )
    assert "Consider carefully whether it is appropriate" in answer.text
