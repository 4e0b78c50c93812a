"""England's bank holidays from the `holidays` package, the years around now kept on disk.

Importing `holidays` and building its UK calendar is about a twentieth of `policybot worker
--once`, for a handful of dates. So the dates of CACHED_YEARS are written once to the user's
cache, keyed by the installed package's files, and read back in well under a millisecond.
Any other year, and a cache that cannot be read or written, is answered by the package
itself, as on every start before.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Container
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.imports import submodule_alone
from intents.cache_dir import default_cache_dir, read_json, write_json

if TYPE_CHECKING:
    from holidays.countries.united_kingdom import UnitedKingdom

CACHED_YEARS = range(2000, 2061)
"""The years whose bank holidays are kept on disk."""
_FILE = "england-bank-holidays.json"
_FORMAT = "1"


@cache
def england_bank_holidays() -> Container[date]:
    """England's bank holidays, any year: the cached years from disk, others from the package."""
    return BankHolidays(cached_dates(default_cache_dir()))


@cache
def package_holidays() -> UnitedKingdom:
    """England's bank holidays (any year, computed on demand) from the `holidays` package.

    As `holidays.country_holidays("GB", subdiv="ENG")`, without importing the package's 250
    other countries as that does (most of the package's import time)."""
    uk: type[UnitedKingdom] = submodule_alone("holidays.countries", "united_kingdom").UnitedKingdom
    return uk(
        years=None,
        subdiv="ENG",
        expand=True,
        observed=True,
        prov=None,
        state=None,
        language=None,
        categories=None,
    )


class BankHolidays(Container[date]):
    """The known dates for CACHED_YEARS; the package's answer for anything else."""

    def __init__(self, known: frozenset[date] | None) -> None:
        self._known = known

    def __contains__(self, day: object) -> bool:
        """Whether the day is a bank holiday in England."""
        if self._known is not None and type(day) is date and day.year in CACHED_YEARS:
            return day in self._known
        return day in package_holidays()


def cached_dates(where: Path | None) -> frozenset[date] | None:
    """The bank holidays of CACHED_YEARS: read from `where` when this package version wrote
    them, else computed and saved there; None when the package's files cannot be found."""
    key = _package_key()
    if key is None:
        return None
    path = where / _FILE if where is not None else None
    saved = read_json(path, key) if path is not None else None
    if isinstance(saved, list):
        try:
            return frozenset(date.fromisoformat(d) for d in saved)
        except (TypeError, ValueError):  # not dates: computed again
            pass
    years = package_holidays()
    for year in (CACHED_YEARS.start - 1, *CACHED_YEARS, CACHED_YEARS.stop):
        _ = date(year, 1, 1) in years  # computes the year (and any day it moves over)
    known = frozenset(d for d in years if d.year in CACHED_YEARS)
    if path is not None:
        write_json(path, key, sorted(d.isoformat() for d in known))
    return known


def _package_key() -> str | None:
    """The installed package's files (an upgrade rewrites them), without importing it."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin).parent
    files = (package / "__init__.py", package / "countries" / "united_kingdom.py")
    try:
        stats = [(f, f.stat()) for f in files]
    except OSError:
        return None
    return "|".join([_FORMAT, *(f"{f}:{s.st_mtime_ns}:{s.st_size}" for f, s in stats)])
