"""The audit trail on the `audit_event` table: who changed what and when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.model.ports import AuditTrail
from bot.model.records import AuditEvent, Clock
from bot.storage.connecting import Target, reading, writing
from bot.storage.tables import audit_event


class SqlAudit:
    """The AuditTrail port on SQLite or PostgreSQL."""

    def __init__(self, engine: Target, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def record(
        self, subject: str, actor: str, action: str, detail: dict[str, Any] | None = None
    ) -> None:
        """Append one event."""
        async with writing(self._engine) as connection:
            await connection.execute(
                audit_event.insert().values(
                    subject=subject,
                    actor=actor,
                    action=action,
                    detail=detail or {},
                    at=self._clock(),
                )
            )

    async def history(self, subject: str) -> list[AuditEvent]:
        """The subject's events, oldest first."""
        statement = (
            select(audit_event).where(audit_event.c.subject == subject).order_by(audit_event.c.id)
        )
        async with reading(self._engine) as connection:
            rows = (await connection.execute(statement)).all()
        return [AuditEvent(r.subject, r.actor, r.action, dict(r.detail), r.at) for r in rows]


if TYPE_CHECKING:

    def _satisfies_protocol(store: SqlAudit) -> AuditTrail:
        return store
