"""HR's monthly digest: what HR and IT are told about a month, from what staff did in it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App, assemble
from bot.features.digest.report import Month
from bot.settings import Settings
from tests.apps import HISTORY, register
from tests.conftest import Backend, FakeClock
from tests.helpers import Person, demo_directory

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-11-02 09:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


async def seed_november(app: App, clock: FakeClock) -> str:
    """A month at Holy Cross and St Mary's, as staff and the bot would leave it; returns the
    clause of the answer Jack marked not helpful."""
    await register(app)
    clock.now = london("2026-10-30 12:00")
    await Person(app.bot, "clara-testwell").says("what time does the canteen open")  # October
    clock.now = london("2026-11-03 10:00")
    kate, jack = Person(app.bot, "kate-mockett"), Person(app.bot, "jack-sampleton")
    await kate.says("what time does the canteen open!")
    await jack.says("What time does the canteen open?")
    await kate.says("can I claim mileage for the trip? ring 07700 900123 or kate@home.example.com")
    said = await jack.says("can I accept a friend request from a parent")
    assert "Not helpful" in said
    vote = next(c.value for r in jack.replies for c in r.choices if c.label == "Not helpful")
    await jack.clicks("Not helpful")
    await app.comments.add(HISTORY, "asks about the trip")  # Tue: due Wed 10:00
    clock.now = london("2026-11-04 12:00")
    await app.comments.respond(1, "jack-sampleton")  # two hours late
    clock.now = london("2026-11-05 10:00")
    await app.comments.add(HISTORY, "asks about the play")  # Thu: due Fri 10:00, never answered
    clock.now = london("2026-11-09 10:00")
    await app.comments.add(HISTORY, "thanks the choir")  # Mon: due Tue 10:00
    clock.now = london("2026-11-10 09:00")
    await app.comments.respond(3, "kate-mockett")  # in time
    for person in ("kate-mockett", "jack-sampleton", "frances-dummy"):
        await app.reminders.confirm("holy-cross", 2026, person)
    await app.reminders.confirm("st-marys", 2025, "clara-testwell")  # last year's
    await Person(app.bot, "jack-sampleton").says("a year 9 girl told me her stepdad hits her")
    clock.now = london("2026-12-01 08:00")
    return vote.split(":")[2]  # feedback:down:<clause>:<intent>


@pytest.fixture
def app(backend: Backend) -> App:
    """The app on the demo trust over one backend's stores (memory, SQLite, PostgreSQL)."""
    return assemble(Settings(), demo_directory, backend.stores, backend.clock)


async def test_the_november_digest_tells_hr_what_went_wrong_in_november(
    app: App, backend: Backend
) -> None:
    clause = await seed_november(app, backend.clock)
    digest = await app.digests.build(Month(2026, 11), backend.clock())
    assert digest.text() == (
        "Monthly policybot digest for November 2026, "
        "Diocese of Examplefield Catholic Academy Trust.\n\n"
        "Questions I could not answer (the top gaps; emails and phone numbers removed):\n"
        '• twice: "What time does the canteen open?"\n'
        '• once: "can I claim mileage for the trip? ring [phone] or [email]"\n\n'
        "Answers marked not helpful, by clause:\n"
        f"• {clause}: 1 not helpful, 0 helpful\n\n"
        "Comments answered late, by account (of those due this month):\n"
        "• @HolyCrossHistory (Holy Cross Catholic High School, Examplefield): "
        "1 of 3 answered late, 1 of 3 still unanswered past the deadline\n\n"
        "Annual policy reminder: staff who have confirmed reading the policy:\n"
        "• St Mary's Catholic Primary School, Examplefield: 0 of 5 (0%) for the 2026 reminder\n"
        "• Holy Cross Catholic High School, Examplefield: 3 of 6 (50%) for the 2026 reminder\n\n"
        "Messages sent to a DSO about a child who may be at risk (counts only):\n"
        "• Holy Cross Catholic High School, Examplefield: 1"
    )


async def test_a_quiet_month_says_so_in_each_part(app: App, backend: Backend) -> None:
    await seed_november(app, backend.clock)
    backend.clock.now = london("2027-01-04 09:00")
    digest = await app.digests.build(Month(2026, 12), backend.clock())
    text = digest.text()
    assert "None: I declined no questions this month." in text
    assert "None: nobody marked an answer as not helpful." in text
    assert "None: every comment due this month was answered in time." in text
    assert "Holy Cross Catholic High School, Examplefield: 3 of 6 (50%) for the 2026" in text
    assert text.endswith("(counts only):\n• None this month.")
    assert digest.as_json()["gaps"] == []


async def test_the_json_digest_has_the_same_figures(app: App, backend: Backend) -> None:
    clause = await seed_november(app, backend.clock)
    data = (await app.digests.build(Month(2026, 11), backend.clock())).as_json()
    assert data["month"] == "2026-11"
    assert [(g["text"], g["count"]) for g in data["gaps"]] == [
        ("What time does the canteen open?", 2),
        ("can I claim mileage for the trip? ring [phone] or [email]", 1),
    ]
    assert data["not_helpful"] == [{"clause_id": clause, "not_helpful": 1, "helpful": 0}]
    assert data["late_replies"] == [
        {
            "account_id": HISTORY.id,
            "handle": "@HolyCrossHistory",
            "academy": "holy-cross",
            "due": 3,
            "late": 1,
            "unanswered": 1,
        }
    ]
    assert [
        (a["academy"], a["confirmed"], a["staff"], a["rate"]) for a in data["acknowledgements"]
    ] == [
        ("st-marys", 0, 5, 0.0),
        ("holy-cross", 3, 6, 0.5),
    ]
    assert data["safeguarding_routes"] == [{"academy": "holy-cross", "count": 1}]


@pytest.mark.parametrize("text", ["2026-13", "Nov 2026", "2026-1x", "26-11", ""])
def test_a_month_must_be_written_like_2026_11(text: str) -> None:
    with pytest.raises(ValueError, match="is not a month like 2026-11"):
        Month.parse(text)


def test_months_roll_over_the_year() -> None:
    assert Month.parse(" 2026-12 ").next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)
    assert (str(Month(2026, 3)), Month(2026, 3).title) == ("2026-03", "March 2026")
