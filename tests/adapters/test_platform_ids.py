"""Each adapter checks the directory's ids of its own platform when it starts."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.people import SlackPeople
from adapters.teams.adapter import TeamsHandler
from bot.model.directory import Directory, DirectoryError
from bot.model.directory_file import DEMO_TRUST, parse_directory
from bot.storage.stores import memory_stores
from tests.conftest import FakeClock
from tests.helpers import memory_bot


def _directory_with(**clara: str) -> Directory:
    """The demo trust with Clara's fields changed, loaded without any platform's rules."""
    data: dict[str, Any] = yaml.safe_load(DEMO_TRUST.read_text(encoding="utf-8"))
    next(p for p in data["people"] if p["id"] == "clara-testwell").update(clara)
    return parse_directory(data, "trust.yaml")


def test_slack_refuses_a_directory_with_a_malformed_slack_id(clock: FakeClock) -> None:
    directory = _directory_with(slack_id="clara", teams_id="not-a-guid")
    references = memory_stores(clock).references
    with pytest.raises(DirectoryError) as refused:
        SlackPeople(directory, AsyncWebClient(token="xoxb-x"), references)
    assert str(refused.value) == (
        "trust.yaml: people[2].slack_id: 'clara' is not a Slack user id "
        "(U or W, then capitals and digits: U0123ABCD)"
    )


def test_teams_refuses_a_directory_with_a_malformed_teams_id(clock: FakeClock) -> None:
    directory = _directory_with(slack_id="clara", teams_id="12345")
    stores = memory_stores(clock)
    with pytest.raises(DirectoryError) as refused:
        TeamsHandler(memory_bot().handle, directory, stores.references, stores.events)
    assert str(refused.value) == (
        "trust.yaml: people[2].teams_id: '12345' is not a Teams (Azure AD) object id, "
        "a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    )
