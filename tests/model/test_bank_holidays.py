"""England's bank holidays kept on disk: the same answers as the `holidays` package, any year."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays

from bot.model.bank_holidays import CACHED_YEARS, BankHolidays, cached_dates


def days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(n) for n in range((date(year + 1, 1, 1) - first).days)]


def test_the_cached_years_answer_as_the_package_does(tmp_path: Path) -> None:
    written = cached_dates(tmp_path)
    read_back = cached_dates(tmp_path)
    assert written is not None
    assert read_back == written
    cached = BankHolidays(read_back)
    for year in (CACHED_YEARS.start, 2022, 2023, 2026, 2027, CACHED_YEARS.stop - 1):
        package = holidays.country_holidays("GB", subdiv="ENG")  # fresh: each year computed alone
        assert [d for d in days(year) if d in cached] == [d for d in days(year) if d in package]
    assert date(2023, 5, 8) in cached  # the coronation
    assert date(2026, 12, 28) in cached  # Boxing Day, observed on the Monday
    assert date(2026, 8, 3) not in cached  # Scotland's summer bank holiday


def test_other_years_and_other_kinds_of_day_are_the_packages(tmp_path: Path) -> None:
    cached = BankHolidays(cached_dates(tmp_path))
    assert date(1995, 5, 8) in cached  # VE Day's 50th anniversary, before the cached years
    assert date(1995, 5, 1) not in cached
    assert date(2077, 12, 27) in cached  # after them
    assert datetime(2026, 12, 25, 10, 0) in cached  # a datetime is asked of the package


def test_a_damaged_or_foreign_cache_is_computed_again(tmp_path: Path) -> None:
    cached_dates(tmp_path)
    (file,) = tmp_path.iterdir()
    file.write_text("{not json", encoding="utf-8")
    assert cached_dates(tmp_path) == cached_dates(None)
    document = json.loads(file.read_text(encoding="utf-8"))
    document["key"] = "another version of the package"
    document["value"] = ["2026-03-02"]
    file.write_text(json.dumps(document), encoding="utf-8")
    again = cached_dates(tmp_path)
    assert again is not None
    assert date(2026, 3, 2) not in again
    assert date(2026, 12, 25) in again


def test_without_a_cache_folder_the_dates_are_computed(tmp_path: Path) -> None:
    unwritable = tmp_path / "file"
    unwritable.write_text("not a folder", encoding="utf-8")
    assert cached_dates(unwritable) == cached_dates(None)
