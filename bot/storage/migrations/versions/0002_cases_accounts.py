"""Business cases, the account register, the audit trail, inbound event ids, chat references.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
CASE_STATUSES = "'draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'cancelled'"


def upgrade() -> None:
    _cases()
    _accounts_and_audit()
    _platform_tables()


def _cases() -> None:
    op.create_table(
        "business_case",
        sa.Column("number", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("academy", sa.String(255), nullable=True),
        sa.Column("requester", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_business_case"),
        sa.CheckConstraint(f"status IN ({CASE_STATUSES})", name=op.f("ck_business_case_status")),
    )
    op.create_index("ix_business_case_requester", "business_case", ["requester"])

    op.create_table(
        "case_confirmation",
        sa.Column("case_number", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(255), nullable=False),
        sa.Column("confirmed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("case_number", "person_id", name="pk_case_confirmation"),
    )


def _accounts_and_audit() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("academy", sa.String(255), nullable=False),
        sa.Column("platform", sa.String(64), nullable=False),
        sa.Column("handle", sa.String(255), nullable=False),
        sa.Column("runners", JSON, nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("emails", JSON, nullable=False),
        sa.Column("comments_restricted", sa.Boolean(), nullable=False),
        sa.Column("case_number", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
    )
    op.create_index("ix_account_academy", "account", ["academy"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
    )
    op.create_index("ix_audit_event_subject_id", "audit_event", ["subject", "id"])


def _platform_tables() -> None:
    op.create_table(
        "inbound_event",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_inbound_event"),
    )

    op.create_table(
        "conversation_reference",
        sa.Column("person_id", sa.String(255), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("reference", JSON, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "platform", name="pk_conversation_reference"),
    )


def downgrade() -> None:
    for table in (
        "conversation_reference",
        "inbound_event",
        "audit_event",
        "account",
        "case_confirmation",
        "business_case",
    ):
        op.drop_table(table)
