"""Everything the comment buttons do can be typed: "responded to comment #3", "my comments",
"done", then "yes"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.features.comments.typed import asks_for_mine, responded_bare, responded_number
from bot.jobs.scheduler import Worker
from tests.apps import HISTORY, open_app, policybot, register
from tests.conftest import FakeClock
from tests.helpers import Person

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-03-03 10:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
async def app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """Tuesday morning at Holy Cross, with the history account (Jack and Kate run it)."""
    clock.now = london("2026-03-03 10:00")
    built = await open_app(db_url, clock)
    await register(built)
    try:
        yield built
    finally:
        await built.close()


@pytest.mark.parametrize(
    "typed",
    [
        "responded to comment #3",
        "Responded to comment 3.",
        "I've replied to comment #3",
        "I’ve responded to #3",
        "i have answered query 3",
        "comment 3 responded",
        "comment #3 has been answered",
        "#3 done",
        "done #3",
        "mark comment 3 as responded",
    ],
)
def test_typed_responded_names_the_comment(typed: str) -> None:
    assert responded_number(typed) == 3


@pytest.mark.parametrize(
    "question",
    [
        "I replied to a parent's comment 2 days ago, is that ok?",
        "how do I respond to comment 3 of a parent on our page",
        "can I reply to comments on the school facebook page?",
        "done",
        "3",
        "responded",
    ],
)
def test_policy_questions_and_bare_words_are_not_a_numbered_responded(question: str) -> None:
    assert responded_number(question) is None


def test_bare_responded_and_my_comments_are_recognised_only_whole() -> None:
    assert responded_bare("I've responded!") and responded_bare("done")
    assert not responded_bare("done with the policy, what next")
    assert asks_for_mine("my comments") and asks_for_mine("show me my open comments")
    assert asks_for_mine("which comments are waiting?")
    assert not asks_for_mine("my comments on facebook about school, are they allowed?")


async def test_kate_types_responded_instead_of_tapping(app: App, clock: FakeClock) -> None:
    jack, kate = Person(app.bot, "jack-sampleton"), Person(app.bot, "kate-mockett")
    said = await jack.says("log a comment on @HolyCrossHistory: parent asking about trip date")
    assert "or type 'responded to comment #1'" in said
    clock.now = london("2026-03-04 08:00")
    await Worker(app).run_due(clock.now)
    [due_soon] = await app.outbox.pending_for("kate-mockett")
    assert "Tap Responded once it has been answered, or type 'responded to comment #1'." in (
        due_soon.reply.text
    )
    clock.now = london("2026-03-04 08:30")
    said = await kate.says("I've replied to comment #1")
    assert "comment #1 on @HolyCrossHistory is marked responded (Wed 4 Mar 2026 08:30)" in said
    assert "already marked responded by Kate Mockett" in await jack.says("done #1")
    assert "I can't find comment #7" in await jack.says("responded to comment #7")
    dana = Person(app.bot, "demo-teacher")
    await jack.says("log a comment on @HolyCrossHistory: another one")
    assert "Only the people who run @HolyCrossHistory" in await dana.says("comment 2 responded")
    assert [c.status for c in await app.comments.all()] == ["responded", "open"]


async def test_my_comments_brings_back_every_comment_waiting_with_its_button(
    app: App, clock: FakeClock
) -> None:
    jack, kate = Person(app.bot, "jack-sampleton"), Person(app.bot, "kate-mockett")
    await jack.says("log a comment on @HolyCrossHistory: parent asking about trip date")
    clock.now = london("2026-03-03 11:00")
    await jack.says("log a query on @HolyCrossHistory: when is the open evening?")
    clock.now = london("2026-03-04 10:30")
    said = await kate.says("my comments")
    assert "2 comment(s) waiting for a reply, oldest first:" in said
    assert '#1 on @HolyCrossHistory, received Tue 3 Mar 2026 10:00: "parent asking' in said
    assert "Overdue since Wed 4 Mar 2026 10:00" in said
    assert "Reply by Wed 4 Mar 2026 11:00" in said
    assert [c.label for r in kate.replies for c in r.choices] == ["Responded", "Responded"]
    said = await kate.says("2")  # the second comment's button
    assert "comment #2 on @HolyCrossHistory is marked responded" in said
    assert [c.status for c in await app.comments.all()] == ["open", "responded"]
    agnes = Person(app.bot, "agnes-example")  # St Mary's head: nothing of hers
    assert "No comment is waiting for a reply from you" in await agnes.says("my comments")
    frances = Person(app.bot, "frances-dummy")  # Holy Cross head: once it is escalated
    assert "No comment is waiting" in await frances.says("my comments")
    clock.now = london("2026-03-05 10:00")
    assert "1 comment(s) waiting" in await frances.says("show my comments")


async def test_done_without_a_number_asks_about_the_one_comment_and_yes_closes_it(
    app: App, clock: FakeClock
) -> None:
    jack = Person(app.bot, "jack-sampleton")
    await jack.says("log a comment on @HolyCrossHistory: parent asking about kit")
    said = await jack.says("done")
    assert 'Mark comment #1 on @HolyCrossHistory ("parent asking about kit") as responded?' in said
    assert "comment #1 stays open" in await jack.says("no")
    await jack.says("I've responded")
    assert "is marked responded" in await jack.says("yes please")
    assert "No comment is waiting for a reply from you" in await jack.says("done")


async def test_comments_respond_on_the_command_line(clock: FakeClock, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"  # the command is the same on PostgreSQL
    clock.now = london("2026-03-03 10:00")
    app = await open_app(db_url, clock)
    await register(app)
    await app.comments.add(HISTORY, "parent asking about kit", source="cli")
    await app.close()
    unknown = policybot(db_url, "comments", "respond", "9", "--by", "kate-mockett")
    assert (unknown.returncode, unknown.stderr) == (2, "policybot: there is no comment #9\n")
    stranger = policybot(db_url, "comments", "respond", "1", "--by", "demo-teacher")
    assert stranger.returncode == 2
    assert stranger.stderr.count("\n") == 1 and "does not run @HolyCrossHistory" in stranger.stderr
    nobody = policybot(db_url, "comments", "respond", "1", "--by", "nobody")
    assert nobody.returncode == 2 and "'nobody' is not a person id" in nobody.stderr
    done = policybot(db_url, "comments", "respond", "#1", "--by", "kate-mockett")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("comment #1 on @HolyCrossHistory: marked responded by kate")
    again = policybot(db_url, "comments", "respond", "1", "--by", "jack-sampleton")
    assert "already marked responded by kate-mockett" in again.stdout
    listed = policybot(db_url, "comments", "list", "--open").stdout
    assert listed == "No comments recorded.\n"


async def test_help_lists_what_to_type_instead_of_each_button(app: App) -> None:
    kate = Person(app.bot, "kate-mockett")
    said = await kate.says("help")
    for typed in (
        "'my comments'",
        "'responded to comment #3'",
        "'I have read the policy'",
        "'send it to all staff'",
        "'I have reminded staff'",
        "type 'yes' or 'no'",
    ):
        assert typed in said
    assert "No comment is waiting for a reply from you" in await kate.clicks("My comments")
