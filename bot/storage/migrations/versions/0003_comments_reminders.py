"""Comments on academy accounts, annual policy confirmations, the scheduler's job store.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(255), nullable=False),
        sa.Column("academy", sa.String(255), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("deadline", TIMESTAMP, nullable=False),
        sa.Column("due_soon_at", TIMESTAMP, nullable=False),
        sa.Column("escalate_at", TIMESTAMP, nullable=False),
        sa.Column("next_alert_at", TIMESTAMP, nullable=True),
        sa.Column("author", sa.String(255), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("logged_by", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("responded_by", sa.String(255), nullable=True),
        sa.Column("responded_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_comment"),
        sa.CheckConstraint("status IN ('open', 'responded')", name=op.f("ck_comment_status")),
    )
    op.create_index("ix_comment_account_id", "comment", ["account_id"])
    op.create_index("ix_comment_status_next_alert_at", "comment", ["status", "next_alert_at"])

    op.create_table(
        "policy_confirmation",
        sa.Column("academy", sa.String(255), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(255), nullable=False),
        sa.Column("confirmed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("academy", "year", "person_id", name="pk_policy_confirmation"),
    )

    # APScheduler's job store table, as SQLAlchemyJobStore would create it.
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), nullable=False),
        sa.Column("next_run_time", sa.Float(25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_apscheduler_jobs"),
    )
    op.create_index("ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"])


def downgrade() -> None:
    for table in ("apscheduler_jobs", "policy_confirmation", "comment"):
        op.drop_table(table)
