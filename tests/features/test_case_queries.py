"""What 'my cases' and the Slack home tab ask: a person's own cases and those awaiting them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.features.cases import CaseQueries
from bot.model.records import Case
from tests.features.test_case_values import case
from tests.helpers import demo_directory


class Cases:
    """Just enough of the CaseStore protocol to read from a list, newest first."""

    def __init__(self, *cases: Case) -> None:
        self.cases = sorted(cases, key=lambda c: -c.number)

    async def get(self, number: int) -> Case | None:
        return next((c for c in self.cases if c.number == number), None)

    async def of_requester(self, person_id: str) -> list[Case]:
        return [c for c in self.cases if c.requester == person_id]

    async def all(self) -> list[Case]:
        return list(self.cases)

    async def by_reference(self, reference: int) -> Case | None:
        return next((c for c in self.cases if c.reference == reference), None)

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"queries must not call {name}")


def numbered(number: int, status: str, **changes: Any) -> Case:
    """Case `number`; once past the draft, its SMA id is ten more (drafts use no ids)."""
    reference = None if status == "draft" else number + 10
    return replace(case(status), number=number, reference=reference, **changes)


SEVERAL = Cases(
    numbered(1, "submitted"),
    numbered(2, "cancelled"),
    numbered(3, "draft"),
    numbered(4, "submitted", requester="jack-sampleton"),
    numbered(5, "approved"),
    numbered(6, "submitted", academy="st-marys", requester="kate-mockett"),
)


async def test_mine_is_the_persons_own_cases_newest_first_without_cancelled_ones() -> None:
    queries = CaseQueries(SEVERAL, demo_directory())
    assert [c.number for c in await queries.mine("demo-teacher")] == [5, 3, 1]
    assert await queries.mine("frances-dummy") == []


async def test_awaiting_decision_is_submitted_cases_of_the_leaders_academy_oldest_first() -> None:
    queries = CaseQueries(SEVERAL, demo_directory())
    assert [c.number for c in await queries.awaiting_decision("frances-dummy")] == [1, 4]
    assert await queries.awaiting_decision("demo-teacher") == []


async def test_by_id_takes_the_id_as_people_type_it() -> None:
    queries = CaseQueries(SEVERAL, demo_directory())
    for typed in ("SMA-0014", "sma14", " 14 ", "SMA 014"):
        found = await queries.by_id(typed)
        assert found is not None and found.number == 4, typed
    assert await queries.by_id("SMA-0099") is None
    assert await queries.by_id("three") is None


async def test_a_draft_has_no_sma_id_and_is_found_by_its_draft_id() -> None:
    queries = CaseQueries(SEVERAL, demo_directory())
    draft = await queries.by_id("Draft 3")
    assert draft is not None and draft.id == "Draft 3"
    assert await queries.by_id("SMA-0003") is None  # no SMA id was ever given to it
    assert await queries.by_id("draft 4") is None  # case 4 is submitted: SMA-0014
