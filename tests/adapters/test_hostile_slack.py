"""Odd and hostile requests to /slack/events get a 4xx (or Slack's 200 for an ignored event),
never a 500, before and after the signature is checked."""

from __future__ import annotations

import json
import logging

import pytest

from bench.hostile_inputs import SLACK_BODIES
from tests.adapters.test_slack import SECRET, Workspace, fake, slack

__all__ = ["fake", "slack"]  # the fixtures this module borrows from test_slack


@pytest.mark.parametrize(("body", "content_type"), SLACK_BODIES)
@pytest.mark.parametrize("secret", [None, SECRET])
async def test_odd_bodies_never_get_a_server_error(
    slack: Workspace, body: str, content_type: str, secret: str | None
) -> None:
    status = await slack.post(body, content_type, secret=secret)
    assert status < 500, (status, slack.last_response)


@pytest.mark.parametrize("field", ["event=x", "message=x", "view=x", "container=x", "event="])
async def test_a_command_form_with_a_field_bolt_looks_inside_is_refused_not_a_crash(
    slack: Workspace, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    form = f"command=%2Fpolicy&user_id=U0DEMO003&text=help&{field}"
    status = await slack.post(form, "application/x-www-form-urlencoded")
    assert status == 400, slack.last_response
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_non_numeric_timestamp_header_is_refused_not_a_crash(slack: Workspace) -> None:
    status = await slack.post(
        "{}",
        "application/json",
        secret=None,
        headers={"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
    )
    assert 400 <= status < 500


async def test_a_forged_request_is_refused_before_anything_logs_its_body(
    slack: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps(
        {"type": "event_callback", "event": {"text": "my secret worry about a pupil"}}
    )
    assert await slack.post(body, "application/json", secret="not-the-secret") == 401
    assert "secret worry" not in "\n".join(r.getMessage() for r in caplog.records)
