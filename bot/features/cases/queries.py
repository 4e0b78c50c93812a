"""Read-only questions about cases: a person's own, and those waiting for their decision."""

from __future__ import annotations

from bot.features.cases.ids import case_number
from bot.model.directory import Directory
from bot.model.ports import CaseStore
from bot.model.records import Case


class CaseQueries:
    """What 'my cases' and the Slack home tab show; changes nothing."""

    def __init__(self, cases: CaseStore, directory: Directory) -> None:
        self.cases = cases
        self.directory = directory

    async def mine(self, person_id: str) -> list[Case]:
        """The person's own cases that are not cancelled, newest first."""
        return [c for c in await self.cases.of_requester(person_id) if c.status != "cancelled"]

    async def awaiting_decision(self, person_id: str) -> list[Case]:
        """Submitted cases of the academies whose leadership team the person is on, oldest first."""
        return [
            c
            for c in reversed(await self.cases.all())
            if c.status == "submitted" and self.directory.is_leader(person_id, c.academy or "")
        ]

    async def to_confirm(self, person_id: str) -> list[Case]:
        """Sent cases naming the person as a runner who has not yet confirmed, oldest first."""
        return [
            c
            for c in reversed(await self.cases.all())
            if c.status in ("submitted", "changes_requested")
            and person_id in c.runners
            and person_id not in c.confirmations
        ]

    async def by_id(self, text: str) -> Case | None:
        """The case a typed or clicked id names ('SMA-0007', 'sma7', '7'), if it exists."""
        number = case_number(text)
        return await self.cases.get(number) if number else None
