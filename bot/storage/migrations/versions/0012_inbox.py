"""A durable inbox: inbound events are kept before they are acknowledged, until answered.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

`inbox` holds each event under its platform key (unique: a redelivery is the same row), the
conversation it belongs to (answered one at a time, in order), what is needed to answer it
(dropped once answered) and the claim of the process answering it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("conversation", sa.String(255), nullable=False),
        sa.Column("payload", _JSON, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claim", sa.String(64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inbox"),
        sa.CheckConstraint("status IN ('pending', 'answered')", name=op.f("ck_inbox_status")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_key")),
    )
    op.create_index("ix_inbox_status_claimed_until", "inbox", ["status", "claimed_until"])
    op.create_index("ix_inbox_conversation_status_id", "inbox", ["conversation", "status", "id"])


def downgrade() -> None:
    op.drop_table("inbox")
