"""A comment logged late: no alert before it was received or logged, none outside working hours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.jobs.scheduler import Worker
from tests.apps import HISTORY, open_app, policybot, register
from tests.conftest import FakeClock

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-12-06 11:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
async def app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The app on a Sunday, with Holy Cross's history account (hours 07:45-16:30)."""
    clock.now = london("2026-12-06 11:00")  # Sunday
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


async def test_a_comment_from_last_week_logged_on_sunday_is_chased_on_monday_morning(
    app: App, clock: FakeClock
) -> None:
    # Frances logs on Sunday a parent's complaint that came in on Thursday morning: it was due
    # on Friday at 10:00, and a working day later (Monday 10:00) it goes to her as head.
    comment = await app.comments.add(
        HISTORY, "complaint about a photo", london("2026-12-03 10:00"), source="cli"
    )
    assert comment.deadline == london("2026-12-04 10:00")
    assert await run_at(app, clock, "2026-12-06 11:00") == 0  # Sunday: nobody is disturbed
    assert await run_at(app, clock, "2026-12-06 23:59") == 0
    assert await app.outbox.outbox_items() == []
    assert await run_at(app, clock, "2026-12-07 07:44") == 0
    assert await run_at(app, clock, "2026-12-07 07:45") == 2  # Holy Cross opens: overdue
    kate = [i.reply.text for i in await app.outbox.pending_for("kate-mockett")]
    assert [t.split(":")[0] for t in kate] == ["Overdue"]
    assert await run_at(app, clock, "2026-12-07 09:59") == 0
    assert await run_at(app, clock, "2026-12-07 10:00") == 1  # the escalation, on time
    [escalation] = await app.outbox.pending_for("frances-dummy")
    assert escalation.reply.text.startswith("Still unanswered a working day after its deadline")


async def test_a_backdated_comment_logged_on_friday_evening_waits_for_monday(
    app: App, clock: FakeClock
) -> None:
    clock.now = london("2026-12-04 19:30")  # Friday evening
    await app.comments.add(HISTORY, "a query about kit", london("2026-12-03 10:00"), source="api")
    for evening_or_weekend in ("2026-12-04 19:30", "2026-12-05 09:00", "2026-12-06 16:00"):
        assert await run_at(app, clock, evening_or_weekend) == 0
    assert await run_at(app, clock, "2026-12-07 07:45") == 2


async def test_the_preview_shows_a_backdated_comments_alerts_at_monday_opening(
    clock: FakeClock, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"  # the commands are the same on PostgreSQL
    clock.now = london("2026-12-06 11:00")
    app = await open_app(db_url, clock)
    await register(app)
    await app.comments.add(
        HISTORY, "complaint about a photo", london("2026-12-03 10:00"), source="cli"
    )
    await app.close()
    preview = policybot(db_url, "schedule", "--days", "2", "--now", "2026-12-06T11:00Z")
    assert preview.returncode == 0, preview.stderr
    lines = [line for line in preview.stdout.splitlines() if "comment #1" in line]
    assert lines == [
        "Mon 2026-12-07 07:45 UTC  overdue comment #1                       -> jack-sampleton",
        "Mon 2026-12-07 07:45 UTC  overdue comment #1                       -> kate-mockett",
        "Mon 2026-12-07 10:00 UTC  escalation comment #1                    -> frances-dummy",
    ]
    assert not any(line.startswith("Sun") for line in preview.stdout.splitlines())
    # Seen from Thursday, when the comment came in: nothing before it was logged on Sunday.
    early = policybot(db_url, "schedule", "--days", "3", "--now", "2026-12-03T10:00Z")
    assert "comment #1" not in early.stdout


async def test_no_alert_is_planned_before_the_comment_was_received(
    app: App, clock: FakeClock
) -> None:
    # A comment that arrived at 16:20 on Friday, ten minutes before Holy Cross closes, and was
    # logged at once: its "due soon" alert is on Monday, never before 16:20 on Friday.
    clock.now = london("2026-12-04 16:20")
    comment = await app.comments.add(HISTORY, "a question about the concert", source="chat")
    planned = await app.comments.upcoming(london("2026-12-01 00:00"), london("2026-12-31 00:00"))
    assert planned and all(p.at >= comment.received_at for p in planned)
    calendar = app.comments.calendars["holy-cross"]
    assert all(calendar.in_hours(p.at) for p in planned)
