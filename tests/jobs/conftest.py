"""What the crash tests share: a local Slack on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_slack import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A local Slack on loopback."""
    slack = FakeSlack()
    await slack.start()
    try:
        yield slack
    finally:
        await slack.close()
