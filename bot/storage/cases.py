"""Business cases on SQLAlchemy: drafts, submissions, decisions and runners' confirmations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select, update

from bot.model.ports import CaseStore
from bot.model.records import Case, Clock
from bot.storage.asyncio_engine import AsyncConnection
from bot.storage.connecting import Target, reading, writing
from bot.storage.tables import business_case, case_confirmation, case_reference
from bot.storage.upsert import insert


class SqlCases:
    """The CaseStore protocol on the business_case and case_confirmation tables."""

    def __init__(self, engine: Target, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def create(self, requester: str, academy: str | None) -> Case:
        """A new draft."""
        now = self._clock()
        async with writing(self._engine) as connection:
            number = await connection.scalar(
                business_case.insert()
                .values(
                    requester=requester,
                    academy=academy,
                    status="draft",
                    answers={},
                    created_at=now,
                    updated_at=now,
                )
                .returning(business_case.c.number)
            )
        case = await self.get(int(number))
        assert case is not None
        return case

    async def get(self, number: int) -> Case | None:
        """The case with this number."""
        async with reading(self._engine) as connection:
            cases = await self._load(
                connection, select(business_case).where(business_case.c.number == number)
            )
        return cases[0] if cases else None

    async def by_reference(self, reference: int) -> Case | None:
        """The submitted case whose id has this number (SMA-0007 → 7)."""
        statement = select(business_case).where(business_case.c.reference == reference)
        async with reading(self._engine) as connection:
            cases = await self._load(connection, statement)
        return cases[0] if cases else None

    async def give_reference(self, number: int) -> int:
        """The case's reference, given now (the next free one) unless it already has one."""
        async with writing(self._engine) as connection:
            given = await connection.scalar(
                select(business_case.c.reference).where(business_case.c.number == number)
            )
            if given is not None:
                return int(given)
            # One counter row, updated under its row lock: concurrent submissions queue here.
            reference = await connection.scalar(
                update(case_reference)
                .where(case_reference.c.id == 1)
                .values(last=case_reference.c.last + 1)
                .returning(case_reference.c.last)
            )
            await connection.execute(
                update(business_case)
                .where(business_case.c.number == number)
                .values(reference=reference)
            )
        return int(reference)

    async def save_answers(self, number: int, academy: str | None, answers: dict[str, Any]) -> None:
        """Replace a draft's answers."""
        async with writing(self._engine) as connection:
            await connection.execute(
                update(business_case)
                .where(business_case.c.number == number)
                .values(academy=academy, answers=answers, updated_at=self._clock())
            )

    async def move(self, number: int, from_statuses: set[str], to_status: str) -> bool:
        """Change status only from one of `from_statuses`; False when it was not in one."""
        statement = (
            update(business_case)
            .where(business_case.c.number == number, business_case.c.status.in_(from_statuses))
            .values(status=to_status, updated_at=self._clock())
            .returning(business_case.c.number)
        )
        async with writing(self._engine) as connection:
            return await connection.scalar(statement) is not None

    async def decide(self, number: int, status: str, by: str, note: str | None) -> bool:
        """Approve or reject a submitted case; False when someone decided first."""
        now = self._clock()
        # The status condition makes the database pick the winner when two leaders race.
        statement = (
            update(business_case)
            .where(business_case.c.number == number, business_case.c.status == "submitted")
            .values(
                status=status, decided_by=by, decided_at=now, decision_note=note, updated_at=now
            )
            .returning(business_case.c.number)
        )
        async with writing(self._engine) as connection:
            return await connection.scalar(statement) is not None

    async def confirm(self, number: int, person_id: str) -> bool:
        """Record a runner's confirmation; False when they had already confirmed."""
        # ON CONFLICT rather than a caught IntegrityError: inside a caller's transaction a
        # failed statement would abort it on PostgreSQL.
        statement = (
            insert(self._engine, case_confirmation)
            .values(case_number=number, person_id=person_id, confirmed_at=self._clock())
            .on_conflict_do_nothing()
            .returning(case_confirmation.c.person_id)
        )
        async with writing(self._engine) as connection:
            return await connection.scalar(statement) is not None

    async def of_requester(self, person_id: str) -> list[Case]:
        """The person's cases, newest first."""
        statement = (
            select(business_case)
            .where(business_case.c.requester == person_id)
            .order_by(business_case.c.number.desc())
        )
        async with reading(self._engine) as connection:
            return await self._load(connection, statement)

    async def all(self) -> list[Case]:
        """Every case, newest first."""
        statement = select(business_case).order_by(business_case.c.number.desc())
        async with reading(self._engine) as connection:
            return await self._load(connection, statement)

    @staticmethod
    async def _load(connection: AsyncConnection, statement: Any) -> list[Case]:
        rows = (await connection.execute(statement)).all()
        if not rows:
            return []
        numbers = [row.number for row in rows]
        confirmed: dict[int, dict[str, Any]] = {n: {} for n in numbers}
        for c in await connection.execute(
            select(case_confirmation).where(case_confirmation.c.case_number.in_(numbers))
        ):
            confirmed[c.case_number][c.person_id] = c.confirmed_at
        return [_case(row, confirmed[row.number]) for row in rows]


def _case(row: Row[Any], confirmations: dict[str, Any]) -> Case:
    return Case(
        number=row.number,
        academy=row.academy,
        requester=row.requester,
        status=row.status,
        answers=dict(row.answers),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        created_at=row.created_at,
        updated_at=row.updated_at,
        confirmations=confirmations,
        reference=row.reference,
    )


if TYPE_CHECKING:

    def _satisfies_protocol(cases: SqlCases) -> CaseStore:
        return cases
