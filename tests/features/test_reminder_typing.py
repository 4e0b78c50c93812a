"""The annual reminder's buttons typed: "send it to all staff" (then "yes"), "I have reminded
staff", "I've read the policy"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.jobs.scheduler import Worker
from tests.apps import open_app
from tests.conftest import FakeClock
from tests.helpers import Person

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-09-02 09:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
async def app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The morning of the 2026 reminder, which has just gone to the headteachers and managers."""
    clock.now = london("2026-09-02 09:00")
    built = await open_app(db_url, clock)
    await Worker(built).run_due(clock.now)
    try:
        yield built
    finally:
        await built.close()


async def test_frances_types_send_it_to_all_staff_and_confirms_with_yes(
    app: App, clock: FakeClock
) -> None:
    frances = Person(app.bot, "frances-dummy")
    [reminder] = await app.outbox.pending_for("frances-dummy")
    assert "type 'send it to all staff' or 'I have reminded staff'" in reminder.reply.text
    said = await frances.says("Send it to all staff")
    assert "Send the 2026 Social Media Policy reminder to all 6 staff now?" in said
    assert "OK, I haven't sent anything" in await frances.says("no")
    assert await app.outbox.pending_for("kate-mockett") == []
    await frances.says("send the reminder to all staff now")
    assert "Sent the reminder to 6 member(s) of staff" in await frances.says("yes")
    [to_kate] = await app.outbox.pending_for("kate-mockett")
    assert "tap 'I have read the policy', or type it" in to_kate.reply.text


async def test_a_manager_types_i_have_reminded_staff_and_staff_type_they_have_read_it(
    app: App, clock: FakeClock
) -> None:
    jack = Person(app.bot, "jack-sampleton")  # a Holy Cross manager
    said = await jack.says("I’ve reminded all the staff myself.")
    assert "recorded that you reminded staff to read the policy" in said
    kate = Person(app.bot, "kate-mockett")
    assert "Only the headteacher and managers" in await kate.says("I have reminded staff")
    assert "Only the headteacher and managers" in await kate.says("send it to all staff")
    assert "recorded that you have read the policy (2026)" in await kate.says(
        "I've read the policy"
    )
    status = await app.reminders.status("holy-cross", 2026)
    assert status.confirmed == ("kate-mockett",)
    assert [(a.actor, a.action) for a in status.actions] == [("jack-sampleton", "reminded-staff")]


async def test_the_typed_forms_do_not_catch_questions_about_the_policy(app: App) -> None:
    kate = Person(app.bot, "kate-mockett")
    said = await kate.says("have staff been reminded to read the policy on photos of pupils?")
    assert "recorded" not in said
    assert "recorded" not in await kate.says("should I send the reminder to staff by email?")
    assert (await app.reminders.status("holy-cross", 2026)).confirmed == ()
