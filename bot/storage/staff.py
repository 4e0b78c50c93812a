"""The imported trust directory on SQLAlchemy (and its in-memory twin): a version and its data.

Saving replaces the people in one transaction and adds one to the version, so a process that
reads the version (one row by primary key) knows at once whether to load the directory again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Integer, String, delete, insert, select, update
from sqlalchemy.types import TypeEngine

from bot.model.admin_ports import DirectoryStore
from bot.model.directory import Academy, Directory, Person, Trust
from bot.model.directory_file import academy_data, fields_of
from bot.model.records import Clock, StoredDirectory
from bot.model.validation import validated
from bot.storage.bulk import json_rows
from bot.storage.connecting import Target, reading, writing
from bot.storage.tables import staff_directory, staff_person

_ROW = 1
_PEOPLE_COLUMNS: dict[str, TypeEngine[Any]] = {
    "id": String(),
    "position": Integer(),
    "name": String(),
    "email": String(),
    "role": String(),
    "academy": String(),
    "phone": String(),
    "slack_id": String(),
    "teams_id": String(),
    "manager": Boolean(),
}


_VERSION = select(staff_directory.c.version).where(staff_directory.c.id == _ROW)
"""The stored directory's version: read before answering, so built once."""


class SqlDirectoryStore:
    """The DirectoryStore protocol on the `staff_directory` and `staff_person` tables."""

    def __init__(self, engine: Target, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def version(self) -> int | None:
        """The stored version, None before the first import."""
        async with reading(self._engine) as connection:
            return await connection.scalar(_VERSION)

    async def load(self) -> StoredDirectory | None:
        """The stored directory with its version (read in one transaction)."""
        async with writing(self._engine) as connection:
            head = (
                await connection.execute(
                    select(staff_directory).where(staff_directory.c.id == _ROW)
                )
            ).first()
            if head is None:
                return None
            rows = await connection.execute(select(staff_person).order_by(staff_person.c.position))
            people = [_person(row._mapping) for row in rows]
        return StoredDirectory(head.version, _directory(head.trust, head.academies, people))

    async def save(self, directory: Directory) -> int:
        """Replace the stored directory; the new version."""
        values = {
            "trust": fields_of(directory.trust),
            "academies": [academy_data(a) for a in directory.academies],
            "updated_at": self._clock(),
        }
        async with writing(self._engine) as connection:
            # Bumping the version first takes the row's lock, so two imports take turns.
            version = await connection.scalar(
                update(staff_directory)
                .where(staff_directory.c.id == _ROW)
                .values(version=staff_directory.c.version + 1, **values)
                .returning(staff_directory.c.version)
            )
            if version is None:
                version = 1
                await connection.execute(
                    insert(staff_directory).values(id=_ROW, version=version, **values)
                )
            await connection.execute(delete(staff_person))
            people = json_rows(
                connection.dialect,
                (_row(i, p) for i, p in enumerate(directory.people)),
                _PEOPLE_COLUMNS,
            )
            await connection.execute(
                insert(staff_person).from_select(list(_PEOPLE_COLUMNS), select(people))
            )
        return int(version)


class MemoryDirectoryStore:
    """The DirectoryStore protocol in memory, for tests."""

    def __init__(self) -> None:
        self._stored: StoredDirectory | None = None

    async def version(self) -> int | None:
        """The stored version, None before the first import."""
        return self._stored.version if self._stored else None

    async def load(self) -> StoredDirectory | None:
        """The stored directory with its version."""
        return self._stored

    async def save(self, directory: Directory) -> int:
        """Replace the stored directory; the new version."""
        version = self._stored.version + 1 if self._stored else 1
        self._stored = StoredDirectory(version, directory)
        return version


def _row(position: int, person: Person) -> dict[str, Any]:
    return {"position": position, **fields_of(person)}


def _person(row: Any) -> Person:
    return validated(Person, {k: v for k, v in row.items() if k != "position"})


def _directory(trust: Any, academies: Any, people: list[Person]) -> Directory:
    return Directory(
        validated(Trust, trust),
        [validated(Academy, a) for a in academies],
        people,
        source="the imported staff list",
    )


if TYPE_CHECKING:

    def _satisfies_protocol(sql: SqlDirectoryStore, memory: MemoryDirectoryStore) -> None:
        stores: list[DirectoryStore] = [sql, memory]
        del stores
