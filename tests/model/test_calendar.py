"""The working calendar and the reply deadline, on the policy's examples and as properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model.calendar import WorkingCalendar
from bot.model.directory import Academy
from bot.model.validation import validated

LONDON = ZoneInfo("Europe/London")


def academy(**fields: object) -> Academy:
    """An academy with the default calendar unless told otherwise."""
    base: dict[str, object] = {
        "id": "st-example",
        "name": "St Example",
        "headteacher": "head",
        "leadership": ("head",),
        "safeguarding_officer": "head",
        "it_contact": "head",
    }
    return validated(Academy, base | fields)


DEFAULT = WorkingCalendar(academy())


def london(text: str) -> datetime:
    """A Europe/London wall-clock time, written like '2026-03-03 10:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        ("2026-03-03 10:00", "2026-03-04 10:00"),  # Tue in hours -> Wed, 24 h later
        ("2026-03-06 14:00", "2026-03-09 17:00"),  # Fri -> Sat is not a working day -> Mon close
        ("2026-03-03 18:30", "2026-03-04 17:00"),  # Tue evening -> close of Wed
        ("2026-03-07 11:00", "2026-03-09 17:00"),  # Sat -> close of Mon
        ("2026-03-09 07:00", "2026-03-09 17:00"),  # Mon before opening: Mon is the next day
        ("2026-12-24 11:00", "2026-12-29 17:00"),  # Christmas, Boxing Day substitute on 28th
        ("2026-03-27 10:00", "2026-03-30 17:00"),  # Fri before the clocks go forward
        ("2026-03-28 09:00", "2026-03-30 17:00"),  # Sat before the change
        ("2026-10-23 16:00", "2026-10-26 17:00"),  # Fri before the clocks go back
        ("2026-05-01 14:00", "2026-05-05 17:00"),  # Fri before the early May bank holiday
        ("2026-03-08 09:00", "2026-03-09 17:00"),  # Sun 09:00 is outside hours: Mon close
        ("2026-03-08 07:00", "2026-03-09 17:00"),  # Sun 07:00 the same, not Mon 09:00
        ("2026-05-04 10:00", "2026-05-05 17:00"),  # bank holiday Mon 10:00: Tue close
        ("2026-05-04 07:00", "2026-05-05 17:00"),  # bank holiday Mon 07:00: Tue close
        ("2026-03-05 16:30", "2026-03-06 16:30"),  # Thu in hours: Fri, 24 h later
        ("2026-03-06 16:59", "2026-03-09 17:00"),  # Fri in hours, Sat is not: Mon close
    ],
)
def test_the_deadline_follows_the_policy_examples(received: str, deadline: str) -> None:
    assert DEFAULT.deadline(london(received)) == london(deadline)


def test_24_hours_means_real_hours_across_the_clock_change() -> None:
    # 29 March 2026: the clocks go forward, so 24 real hours later reads an hour later.
    assert DEFAULT.deadline(london("2026-03-27 10:00")).tzinfo is UTC
    received = london("2026-03-26 10:00")  # Thu, GMT
    assert DEFAULT.deadline(received) == london("2026-03-27 10:00")
    sunday = london("2026-03-29 09:30")  # Sun morning, BST since 01:00 GMT: outside hours
    assert DEFAULT.deadline(sunday) == london("2026-03-30 17:00")  # Mon close, in BST
    assert DEFAULT.deadline(sunday) - sunday == timedelta(hours=31, minutes=30)
    saturday_night = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # 23:30 GMT, Saturday
    assert DEFAULT.deadline(saturday_night) == london("2026-03-30 17:00")


def test_closures_and_other_hours_come_from_the_directory() -> None:
    school = WorkingCalendar(
        academy(
            working_hours="07:45-16:30",
            closures=[{"from": "2026-10-26", "to": "2026-10-30"}],
        )
    )
    assert school.deadline(london("2026-10-23 15:00")) == london("2026-11-02 16:30")
    assert school.deadline(london("2026-10-22 07:50")) == london("2026-10-23 07:50")
    assert school.deadline(london("2026-10-22 07:40")) == london("2026-10-22 16:30")


def test_working_hours_before_a_deadline_skip_nights_and_weekends() -> None:
    two_hours = timedelta(hours=2)
    assert DEFAULT.working_time_before(london("2026-03-04 10:00"), two_hours) == london(
        "2026-03-04 08:00"
    )
    assert DEFAULT.working_time_before(london("2026-03-04 09:00"), two_hours) == london(
        "2026-03-03 16:00"
    )
    assert DEFAULT.working_time_before(london("2026-03-09 08:30"), two_hours) == london(
        "2026-03-06 15:30"
    )


def test_next_opening_and_one_working_day_later() -> None:
    assert DEFAULT.next_opening(london("2026-03-06 18:00")) == london("2026-03-09 08:00")
    assert DEFAULT.next_opening(london("2026-03-09 07:00")) == london("2026-03-09 08:00")
    assert DEFAULT.next_opening(london("2026-03-09 12:00")) == london("2026-03-09 12:00")
    assert DEFAULT.next_working_day_at_same_time(london("2026-12-24 11:00")) == london(
        "2026-12-29 11:00"
    )


def test_the_annual_reminder_defaults_to_the_first_working_day_of_september() -> None:
    assert DEFAULT.annual_reminder_at(2026) == london("2026-09-01 09:00")  # a Tuesday
    assert DEFAULT.annual_reminder_at(2024) == london("2024-09-02 09:00")  # 1st is a Sunday
    inset = WorkingCalendar(academy(closures=["2026-09-01"]))
    assert inset.annual_reminder_at(2026) == london("2026-09-02 09:00")
    own_date = WorkingCalendar(academy(annual_reminder="09-05"))  # a Saturday in 2026
    assert own_date.annual_reminder_at(2026) == london("2026-09-07 09:00")


INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=500, deadline=None)
@given(received=INSTANTS)
def test_the_deadline_is_in_working_hours_and_24_hours_for_a_comment_received_in_them(
    received: datetime,
) -> None:
    deadline = DEFAULT.deadline(received)
    local = deadline.astimezone(LONDON)
    assert DEFAULT.is_working_day(local.date())
    assert DEFAULT.start <= local.time() <= DEFAULT.end
    assert deadline > received
    if DEFAULT.in_hours(received) and DEFAULT.in_hours(received + timedelta(hours=24)):
        assert deadline == received + timedelta(hours=24)
    else:  # outside hours, or 24 hours later is not in them: the close of a working day
        assert local.time() == DEFAULT.end


@settings(max_examples=300, deadline=None)
@given(received=INSTANTS, minutes=st.integers(min_value=1, max_value=60 * 30))
def test_working_time_before_a_deadline_is_that_much_working_time(
    received: datetime, minutes: int
) -> None:
    deadline = DEFAULT.deadline(received)
    earlier = DEFAULT.working_time_before(deadline, timedelta(minutes=minutes))
    assert DEFAULT.in_hours(earlier)
    worked = timedelta()
    day = earlier.astimezone(LONDON).date()
    while day <= deadline.astimezone(LONDON).date():
        if DEFAULT.is_working_day(day):
            start = max(DEFAULT.opening(day), earlier)
            end = min(DEFAULT.closing(day), deadline)
            worked += max(end - start, timedelta())
        day += timedelta(days=1)
    assert worked == timedelta(minutes=minutes)


def test_bank_holidays_are_englands() -> None:
    assert not DEFAULT.is_working_day(date(2026, 12, 28))  # Boxing Day (substitute)
    assert not DEFAULT.is_working_day(date(2026, 8, 31))  # summer bank holiday
    assert DEFAULT.is_working_day(date(2026, 8, 3))  # Scotland's, not England's
