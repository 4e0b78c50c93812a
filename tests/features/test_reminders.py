"""The annual policy reminder: managers asked, staff reminded and confirming, a summary later."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.core.messages import Message
from bot.jobs.scheduler import Worker
from tests.apps import open_app, policybot
from tests.conftest import FakeClock
from tests.helpers import Person

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-09-02 09:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture
async def app(db_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The app with the demo trust: both academies' reminders fall on Wed 2 Sep 2026, 09:00."""
    clock.now = london("2026-08-20 12:00")
    built = await open_app(db_url, clock)
    try:
        yield built
    finally:
        await built.close()


async def run_at(app: App, clock: FakeClock, when: str) -> int:
    """Run the worker at a local time; how many reminders it queued."""
    clock.now = london(when)
    return (await Worker(app).run_due(clock.now)).reminders


async def open_inbox(app: App, person: Person) -> str:
    """The person reads the messages waiting for them (their buttons become clickable)."""
    person.replies = [item.reply for item in await app.outbox.pending_for(person.id)]
    return "\n".join(r.text for r in person.replies)


async def test_managers_remind_staff_and_the_headteacher_hears_who_confirmed(
    app: App, clock: FakeClock
) -> None:
    assert await run_at(app, clock, "2026-09-02 08:59") == 0
    assert await run_at(app, clock, "2026-09-02 09:00") == 4  # two managers at each academy
    assert await run_at(app, clock, "2026-09-02 09:01") == 0

    frances, jack = Person(app.bot, "frances-dummy"), Person(app.bot, "jack-sampleton")
    said = await open_inbox(app, frances)
    assert "annual Social Media Policy reminder for Holy Cross" in said
    assert "https://trust.example.org/policies/social-media" in said
    assert "Sent the reminder to 6 member(s) of staff" in await frances.clicks("Send it to all")
    await open_inbox(app, jack)
    assert "(6 had already been sent it)" in await jack.clicks("Send it to all staff now")
    await open_inbox(app, jack)  # the manager reminder, and now the staff one too
    assert "recorded that you reminded staff" in await jack.clicks("I have reminded staff")

    kate = Person(app.bot, "kate-mockett")
    assert "please read the Trust's Social Media Policy" in await open_inbox(app, kate)
    assert "recorded that you have read the policy (2026)" in await kate.clicks("I have read")
    await open_inbox(app, kate)
    assert "already confirmed" in await kate.clicks("I have read")
    dana = Person(app.bot, "demo-teacher")
    assert "recorded that you have read" in await dana.says("I have read the policy.")

    assert await run_at(app, clock, "2026-09-16 08:59") == 0
    assert await run_at(app, clock, "2026-09-16 09:00") == 2  # a summary to each headteacher
    assert await run_at(app, clock, "2026-09-16 09:05") == 0
    [summary] = [i.reply.text for i in await app.outbox.pending_for("frances-dummy")][-1:]
    assert "2 of 6 staff have confirmed they read the policy" in summary
    assert "Not yet confirmed: Frances Dummy, Gregory Specimen, Helen Proxy, Jack Sampleton" in (
        summary
    )
    [st_marys] = [i.reply.text for i in await app.outbox.pending_for("agnes-example")][-1:]
    assert "0 of 5 staff" in st_marys
    assert "No headteacher or manager has recorded reminding staff" in st_marys

    status = (await app.reminders.status("holy-cross", 2026)).as_json(app.directory)
    assert status["confirmed"] == 2 and status["staff"] == 6
    assert [a["action"] for a in status["actions"]] == [
        "sent-to-staff",
        "sent-to-staff",
        "reminded-staff",
    ]


async def test_a_reminder_missed_during_downtime_is_sent_once_in_working_hours(
    app: App, clock: FakeClock
) -> None:
    assert await run_at(app, clock, "2026-09-01 16:00") == 0  # last run before going down
    assert await run_at(app, clock, "2026-09-05 12:00") == 0  # back on a Saturday: wait
    assert await run_at(app, clock, "2026-09-07 07:44") == 0
    assert await run_at(app, clock, "2026-09-07 07:45") == 2  # Holy Cross opens at 07:45
    assert await run_at(app, clock, "2026-09-07 08:00") == 2  # St Mary's at 08:00
    assert await run_at(app, clock, "2026-09-07 08:01") == 0
    assert len(await app.outbox.pending_for("frances-dummy")) == 1


async def test_a_reminder_older_than_the_grace_is_not_sent(app: App, clock: FakeClock) -> None:
    assert await run_at(app, clock, "2026-09-09 09:01") == 0  # 7 days and a minute late


async def test_only_managers_act_and_only_for_their_own_academy(app: App, clock: FakeClock) -> None:
    async def click(person_id: str, value: str) -> str:
        return (await app.bot.handle(Message(person_id, value=value)))[0].text

    assert "Only the headteacher and managers" in await click(
        "kate-mockett", "reminder:send:holy-cross:2026"
    )
    assert "another academy" in await click("agnes-example", "reminder:send:holy-cross:2026")
    assert "another academy" in await click("agnes-example", "reminder:read:holy-cross:2026")
    assert (await app.reminders.status("holy-cross", 2026)).confirmed == ()


async def test_reminders_status_on_the_command_line(clock: FakeClock, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'policybot.db'}"  # the command is the same on PostgreSQL
    app = await open_app(db_url, clock)
    await app.reminders.confirm("st-marys", 2026, "clara-testwell")
    await app.close()
    done = policybot(
        db_url, "reminders", "status", "--json", "--academy", "st-marys", "--year", "2026"
    )
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["reminder_at"] == "2026-09-02T08:00:00+00:00"  # 1 Sep is an INSET day
    assert (status["confirmed"], status["staff"]) == (1, 5)
    assert "Clara Testwell" not in [p["name"] for p in status["not_confirmed"]]
    wrong = policybot(db_url, "reminders", "status", "--academy", "nowhere")
    assert wrong.returncode == 2
    assert "--academy 'nowhere' is not one of st-marys, holy-cross" in wrong.stderr
