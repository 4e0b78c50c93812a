"""Stale records can be forgotten: references get an expiry, inbound event ids an index by age.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_reference") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(op.f("ix_conversation_reference_expires_at"), ["expires_at"])
    op.create_index(op.f("ix_inbound_event_received_at"), "inbound_event", ["received_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_inbound_event_received_at"), table_name="inbound_event")
    with op.batch_alter_table("conversation_reference") as batch:
        batch.drop_index(op.f("ix_conversation_reference_expires_at"))
        batch.drop_column("expires_at")
