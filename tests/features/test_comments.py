"""Comments on academy accounts: logged in chat, chased by alerts, closed with Responded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.core.messages import Message
from bot.features.comments.service import CommentError, parse_received
from bot.jobs.scheduler import Worker
from tests.apps import HISTORY, open_app, register
from tests.conftest import FakeClock
from tests.helpers import Person

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-03-03 10:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
async def app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The app on a fresh database, with Holy Cross's history account registered."""
    clock.now = london("2026-03-03 10:00")  # a Tuesday
    built = await open_app(db_url, clock)
    await register(built)
    try:
        yield built
    finally:
        await built.close()


async def run_at(app: App, clock: FakeClock, when: str) -> int:
    """Run the worker at a local time; how many alerts it queued."""
    clock.now = london(when)
    return (await Worker(app).run_due(clock.now)).alerts


async def inbox(app: App, person_id: str) -> list[str]:
    """The texts waiting in the outbox for a person."""
    return [item.reply.text for item in await app.outbox.pending_for(person_id)]


async def test_a_comment_logged_in_chat_is_chased_until_someone_responds(
    app: App, clock: FakeClock
) -> None:
    jack, kate = Person(app.bot, "jack-sampleton"), Person(app.bot, "kate-mockett")
    said = await jack.says("log a comment on @HolyCrossHistory: parent asking about trip date")
    assert "Logged comment #1 on @HolyCrossHistory" in said
    assert "reply by Wed 4 Mar 2026 10:00" in said
    assert "remind Jack Sampleton, Kate Mockett at Wed 4 Mar 2026 08:00" in said

    assert await run_at(app, clock, "2026-03-04 07:59") == 0
    assert await run_at(app, clock, "2026-03-04 08:00") == 2  # due soon, to both runners
    assert await run_at(app, clock, "2026-03-04 08:00") == 0  # the same instant again
    [due_soon] = await inbox(app, "kate-mockett")
    assert due_soon.startswith("Reply due soon:")
    assert '"parent asking about trip date"' in due_soon

    assert await run_at(app, clock, "2026-03-04 10:00") == 2  # overdue, to both runners
    assert (await inbox(app, "jack-sampleton"))[-1].startswith("Overdue:")
    assert await inbox(app, "frances-dummy") == []
    assert await run_at(app, clock, "2026-03-05 10:00") == 1  # a working day later
    [escalation] = await inbox(app, "frances-dummy")
    assert "Still unanswered a working day after its deadline" in escalation
    assert "Runners: Jack Sampleton, Kate Mockett" in escalation

    kate.replies = [item.reply for item in await app.outbox.pending_for("kate-mockett")]
    jack.replies = [item.reply for item in await app.outbox.pending_for("jack-sampleton")]
    clock.now = london("2026-03-05 10:20")
    said = await kate.clicks("Responded")
    assert "comment #1 on @HolyCrossHistory is marked responded (Thu 5 Mar 2026 10:20)" in said
    assert "already marked responded by Kate Mockett" in await jack.clicks("Responded")
    [event] = [e for e in await app.audit.history("comment:1") if e.action == "responded"]
    assert (event.actor, event.at) == ("kate-mockett", london("2026-03-05 10:20"))
    [closed] = await app.comments.all()
    assert (closed.status, closed.responded_by) == ("responded", "kate-mockett")


async def test_responding_before_the_deadline_stops_the_alerts(app: App, clock: FakeClock) -> None:
    jack = Person(app.bot, "jack-sampleton")
    await jack.says("log a query on @holycrosshistory - when is the open evening?")
    assert await run_at(app, clock, "2026-03-04 08:00") == 2
    assert "marked responded" in await jack.clicks("Responded")
    assert await run_at(app, clock, "2026-03-04 10:00") == 0
    assert await run_at(app, clock, "2026-03-05 10:00") == 0


async def test_alerts_queued_but_not_yet_delivered_are_cancelled_by_responded(
    app: App, clock: FakeClock
) -> None:
    jack = Person(app.bot, "jack-sampleton")
    await jack.says("log a comment on @HolyCrossHistory: parent asking about kit")
    assert await run_at(app, clock, "2026-03-04 08:00") == 2
    [delivered] = await app.outbox.pending_for("jack-sampleton")
    await app.outbox.mark_sent(delivered.id)  # Jack's alert went out; Kate's is still queued
    assert "marked responded" in await jack.clicks("Responded")
    assert await inbox(app, "kate-mockett") == []
    rows = {item.recipient: item for item in await app.outbox.outbox_items()}
    assert rows["jack-sampleton"].status == "sent"
    assert rows["kate-mockett"].status == "cancelled"
    assert rows["kate-mockett"].last_error == "comment #1 answered first"


async def test_alerts_missed_while_the_worker_was_down_wait_for_working_hours(
    app: App, clock: FakeClock
) -> None:
    await Person(app.bot, "jack-sampleton").says("log a complaint on @HolyCrossHistory: rude reply")
    # Down from Tuesday until Wednesday evening: both runner alerts were missed.
    assert await run_at(app, clock, "2026-03-04 18:00") == 0  # outside working hours
    assert await run_at(app, clock, "2026-03-05 07:44") == 0
    assert await run_at(app, clock, "2026-03-05 07:45") == 2  # the overdue one only
    assert [t.split(":")[0] for t in await inbox(app, "jack-sampleton")] == ["Overdue"]
    assert await run_at(app, clock, "2026-03-05 10:00") == 1


async def test_an_old_comment_logged_late_is_chased_at_once(app: App, clock: FakeClock) -> None:
    clock.now = london("2026-03-20 11:00")
    account = await app.register.get(HISTORY.id)
    assert account is not None
    received = parse_received("2026-03-02T09:00", app.comments.calendars["holy-cross"])
    comment = await app.comments.add(
        account, "complaint about a photo", received, author="A parent", source="cli"
    )
    assert comment.deadline == london("2026-03-03 09:00")
    assert (await Worker(app).run_due(clock.now)).alerts == 3
    assert [t.split(":")[0] for t in await inbox(app, "kate-mockett")] == ["Overdue"]
    assert len(await inbox(app, "frances-dummy")) == 1


async def test_logging_needs_a_registered_account_of_your_academy_and_a_summary(
    app: App, clock: FakeClock
) -> None:
    jack = Person(app.bot, "jack-sampleton")
    said = await jack.says("log a comment on @NoSuchAccount: hello")
    assert "can't find @NoSuchAccount" in said
    assert "Registered accounts: @HolyCrossHistory" in said
    assert "What is the comment about?" in await jack.says("log a comment on @HolyCrossHistory")
    agnes = Person(app.bot, "agnes-example")  # St Mary's headteacher
    said = await agnes.says("log a comment on @HolyCrossHistory: hello")
    assert "belongs to another academy" in said
    assert await app.comments.all() == []


async def test_only_runners_and_leaders_can_mark_a_comment_responded(
    app: App, clock: FakeClock
) -> None:
    await Person(app.bot, "jack-sampleton").says("log a comment on @HolyCrossHistory: a question")
    replies = await app.bot.handle(Message("demo-teacher", value="comment:responded:1"))
    said = replies[0].text
    assert "Only the people who run @HolyCrossHistory" in said
    assert (await app.comments.all())[0].status == "open"
    head = await app.bot.handle(Message("frances-dummy", value="comment:responded:1"))
    assert "marked responded" in head[0].text


async def test_a_comment_cannot_be_received_in_the_future(app: App, clock: FakeClock) -> None:
    with pytest.raises(CommentError, match="in the future"):
        await app.comments.add(HISTORY, "later", london("2026-03-03 10:01"), source="cli")
    with pytest.raises(CommentError, match="ISO 8601"):
        parse_received("yesterday", app.comments.calendars["holy-cross"])
