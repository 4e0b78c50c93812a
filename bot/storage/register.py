"""The account register on SQLAlchemy: official academy accounts and who runs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select, update

from bot.model.ports import AccountRegister
from bot.model.records import Account, Clock, handle_key
from bot.storage.connecting import Target, reading, writing
from bot.storage.tables import account
from bot.storage.upsert import insert


class SqlRegister:
    """The AccountRegister protocol on the `account` table."""

    def __init__(self, engine: Target, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def add(self, new: Account) -> bool:
        """Register an account; False when its id is already registered."""
        now = self._clock()
        values = _values(new) | {"created_at": now, "updated_at": now}
        statement = (
            insert(self._engine, account)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(account.c.id)
        )
        async with writing(self._engine) as connection:
            return await connection.scalar(statement) is not None

    async def get(self, account_id: str) -> Account | None:
        """The account with this id."""
        async with reading(self._engine) as connection:
            row = (
                await connection.execute(select(account).where(account.c.id == account_id))
            ).first()
        return _account(row) if row else None

    async def find(self, text: str) -> Account | None:
        """The active account whose id or handle is this text (case, '@' and spaces ignored)."""
        key = handle_key(text)
        if not key:
            return None
        return next(
            (a for a in await self.all() if key in (a.id, handle_key(a.handle))),
            None,
        )

    async def all(self, academy: str | None = None) -> list[Account]:
        """Active accounts, of one academy or all, by id."""
        statement = select(account).where(account.c.active.is_(True)).order_by(account.c.id)
        if academy is not None:
            statement = statement.where(account.c.academy == academy)
        async with reading(self._engine) as connection:
            return [_account(row) for row in await connection.execute(statement)]

    async def change_runners(
        self, account_id: str, change: Callable[[tuple[str, ...]], tuple[str, ...]]
    ) -> tuple[str, ...]:
        """Apply `change` to the current runners atomically and return the new runners.

        Touching the row first takes the write lock (SQLite) or the row lock (PostgreSQL), so
        a handover and an addition at the same moment both land instead of one being lost.
        """
        where = account.c.id == account_id
        async with writing(self._engine) as connection:
            touched = await connection.scalar(
                update(account)
                .where(where)
                .values(updated_at=self._clock())
                .returning(account.c.id)
            )
            if touched is None:
                raise LookupError(f"no account {account_id}")
            runners = tuple(await connection.scalar(select(account.c.runners).where(where)) or ())
            new = change(runners)
            await connection.execute(update(account).where(where).values(runners=list(new)))
        return new


def _values(a: Account) -> dict[str, Any]:
    return {
        "id": a.id,
        "academy": a.academy,
        "platform": a.platform,
        "handle": a.handle,
        "runners": list(a.runners),
        "visibility": a.visibility,
        "emails": list(a.emails),
        "comments_restricted": a.comments_restricted,
        "case_number": a.case_number,
        "active": a.active,
    }


def _account(row: Row[Any]) -> Account:
    return Account(
        id=row.id,
        academy=row.academy,
        platform=row.platform,
        handle=row.handle,
        runners=tuple(row.runners),
        visibility=row.visibility,
        emails=tuple(row.emails),
        comments_restricted=row.comments_restricted,
        case_number=row.case_number,
        active=row.active,
    )


if TYPE_CHECKING:

    def _satisfies_protocol(register: SqlRegister) -> AccountRegister:
        return register
