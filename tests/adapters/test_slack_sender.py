"""Slack's outbox sender against a local Slack: DMs carry their outbox key, history finds it.

The real slack_sdk client (adapters/slack/client.py) is pointed at tests/fake_slack.py by URL,
which keeps what was posted, metadata included, and answers conversations.history from it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from adapters.sealing import Seal
from adapters.slack.addresses import in_thread, through_response_url
from adapters.slack.client import web_client
from adapters.slack.people import SlackPeople
from adapters.slack.sender import SlackSender
from adapters.slack.settings import SlackSettings
from bot.core.messages import Reply
from bot.model.directory import Person
from bot.model.records import Clock, DeliveryError
from bot.settings import SettingsError
from bot.storage.memory import MemoryReferences
from tests.fake_slack import BOT_TOKEN, Failure, FakeSlack
from tests.helpers import demo_directory

DEPLOY = Path(__file__).parents[2] / "deploy" / "slack"
AGNES_DM = "D0DEMO001"
QUEUED = datetime.now(UTC) - timedelta(minutes=1)
"""When the messages in these tests were queued."""
SEAL = Seal(BOT_TOKEN)


def now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A local Slack on loopback."""
    slack = FakeSlack()
    await slack.start()
    try:
        yield slack
    finally:
        await slack.close()


def sender(fake: FakeSlack, lookback: int = 1000, clock: Clock = now) -> SlackSender:
    """The sender `serve` uses, with the real client pointed at the local Slack."""
    client = web_client(BOT_TOKEN, fake.api_url)
    references = MemoryReferences(lambda: datetime.now(UTC))
    people = SlackPeople(demo_directory(), client, references)
    return SlackSender(client, people, lookback, SEAL, clock)


def person(person_id: str) -> Person:
    """Someone from the demo trust."""
    found = demo_directory().person(person_id)
    assert found is not None
    return found


async def test_an_approval_dm_carries_its_outbox_key_in_its_metadata(fake: FakeSlack) -> None:
    await sender(fake).send(person("agnes-example"), Reply("Please approve SMA-0001"), "case:1")
    [post] = fake.to("chat.postMessage")
    assert post.args["channel"] == AGNES_DM
    assert post.args["metadata"] == {
        "event_type": "policybot_outbox",
        "event_payload": {"key": "case:1"},
    }
    assert fake.posted_keys() == ["case:1"]


async def test_a_dm_posted_before_a_crash_is_found_behind_newer_ones(fake: FakeSlack) -> None:
    slack, agnes = sender(fake), person("agnes-example")
    await slack.send(agnes, Reply("Please approve SMA-0001"), "case:1")
    for n in range(250):  # what the restarted process sent her before retrying case:1
        await slack.send(agnes, Reply(f"Reminder {n}"), f"reminder:{n}")

    assert await slack.already_delivered(agnes, "case:1", QUEUED)
    assert not await slack.already_delivered(agnes, "case:2", QUEUED)
    history = fake.to("conversations.history")
    assert {c.args["include_all_metadata"] for c in history} == {"1"}
    assert {c.args["channel"] for c in history} == {AGNES_DM}


async def test_the_look_back_reads_no_further_than_it_is_told(fake: FakeSlack) -> None:
    slack, agnes = sender(fake, lookback=300), person("agnes-example")
    await slack.send(agnes, Reply("Please approve SMA-0001"), "case:1")
    for n in range(300):
        await slack.send(agnes, Reply(f"Reminder {n}"), f"reminder:{n}")

    assert not await slack.already_delivered(agnes, "case:1", QUEUED)
    pages = fake.to("conversations.history")
    assert [int(c.args["limit"]) for c in pages] == [200, 100]


async def test_nothing_older_than_the_queued_message_is_read(fake: FakeSlack) -> None:
    slack, agnes = sender(fake), person("agnes-example")
    await slack.send(agnes, Reply("An old message with a reused key"), "case:1")
    assert not await slack.already_delivered(
        agnes, "case:1", datetime.now(UTC) + timedelta(hours=1)
    )


async def test_someone_elses_dm_does_not_count(fake: FakeSlack) -> None:
    slack = sender(fake)
    await slack.send(person("bernard-sample"), Reply("Please approve SMA-0001"), "case:1")
    assert not await slack.already_delivered(person("agnes-example"), "case:1", QUEUED)


async def test_slack_down_while_checking_leaves_the_message_for_later(fake: FakeSlack) -> None:
    fake.fail("conversations.history", Failure(status=200, error="fatal_error"))
    with pytest.raises(DeliveryError, match=r"conversations\.history answered"):
        await sender(fake).already_delivered(person("agnes-example"), "case:1", QUEUED)


async def test_without_permission_to_read_the_dm_the_message_is_still_sent(
    fake: FakeSlack,
) -> None:
    fake.fail("conversations.history", Failure(status=200, error="missing_scope"))
    assert not await sender(fake).already_delivered(person("agnes-example"), "case:1", QUEUED)


async def test_a_thread_answer_carries_its_key_and_is_found_in_its_thread(
    fake: FakeSlack,
) -> None:
    slack, clara = sender(fake), person("clara-testwell")
    thread = in_thread("C0STAFF01", "1700000000.000100")
    await slack.send(clara, Reply("Here's what the policy says"), "inbox:Ev1:1", thread)
    for n in range(30):  # the thread goes on
        await slack.send(clara, Reply(f"More {n}"), f"inbox:Ev{n + 2}:1", thread)
    [post, *_] = fake.to("chat.postMessage")
    assert (post.args["channel"], post.args["thread_ts"]) == ("C0STAFF01", "1700000000.000100")
    assert fake.to("conversations.open") == []  # not the DM

    assert await slack.already_delivered(clara, "inbox:Ev1:1", QUEUED, thread)
    other_thread = in_thread("C0STAFF01", "1700000000.000200")
    assert not await slack.already_delivered(clara, "inbox:Ev1:1", QUEUED, other_thread)
    assert not await slack.already_delivered(clara, "inbox:Ev1:1", QUEUED)  # nor in her DM
    replies = fake.to("conversations.replies")
    assert {(c.args["channel"], c.args["ts"]) for c in replies} == {
        ("C0STAFF01", "1700000000.000100"),
        ("C0STAFF01", "1700000000.000200"),
    }


async def test_a_private_answer_goes_through_its_response_url_until_that_runs_out(
    fake: FakeSlack,
) -> None:
    clara, asked = person("clara-testwell"), datetime.now(UTC)
    private = through_response_url(fake.response_url("command-1"), asked, SEAL)
    await sender(fake).send(clara, Reply("Here's what the policy says"), "inbox:c1:1", private)
    [answer] = fake.to("response_url")
    assert (answer.args["url"], answer.args["response_type"]) == ("command-1", "ephemeral")
    assert not await sender(fake).already_delivered(clara, "inbox:c1:1", QUEUED, private)

    def later() -> datetime:
        return asked + timedelta(minutes=29, seconds=30)

    await sender(fake, clock=later).send(clara, Reply("Too late for it"), "inbox:c1:2", private)
    assert len(fake.to("response_url")) == 1
    [in_dm] = fake.to("chat.postMessage")
    assert in_dm.args["channel"] == "D0DEMO003" and in_dm.args["text"] == "Too late for it"
    assert await sender(fake, clock=later).already_delivered(clara, "inbox:c1:2", QUEUED, private)


def test_the_look_back_is_a_setting_with_a_clear_complaint() -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "s" * 32}
    default = SlackSettings.from_env(env)
    chosen = SlackSettings.from_env(env | {"SLACK_HISTORY_LOOKBACK": "200"})
    assert default is not None and chosen is not None
    assert (default.history_lookback, chosen.history_lookback) == (1000, 200)
    with pytest.raises(SettingsError, match="SLACK_HISTORY_LOOKBACK='none': use a whole number"):
        SlackSettings.from_env(env | {"SLACK_HISTORY_LOOKBACK": "none"})


@pytest.mark.parametrize("variant", ["manifest-http.yaml", "manifest-socket-mode.yaml"])
def test_the_app_manifests_let_the_bot_read_its_dms_and_threads(variant: str) -> None:
    manifest = yaml.safe_load((DEPLOY / variant).read_text())
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert {"im:history", "channels:history", "groups:history"} <= set(scopes)
